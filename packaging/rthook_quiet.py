# Runtime hook of the GridWall bundle (runs before the application's code).
# A quiet, correct console on a bare machine: Qt wants a UTF-8 locale (under `env -i` or
# a service manager the locale is "C" and Qt warns about it in every process); Chromium's
# own logging and Qt's harmless offscreen/RHI notices are not for the operator.
# Explicit settings from the environment always win.
import os


def _utf8(value):
    return value.replace("-", "").lower().endswith("utf8")


_locale = os.environ.get("LC_ALL") or os.environ.get("LC_CTYPE") or os.environ.get("LANG") or ""
if os.name == "posix" and not _utf8(_locale):
    os.environ["LC_ALL"] = "C.UTF-8"
os.environ.setdefault(
    "QT_LOGGING_RULES",
    "default.warning=false;qt.qpa.*=false;qt.rhi.*=false;qt.webenginecontext.*=false;"
    "qt.multimedia.symbolsresolver=false",  # "Couldn't load pipewire-0.3" (screen capture only)
)
_flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
if "--log-level" not in _flags:
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (_flags + " --log-level=3").strip()
