"""The ``gridwall://`` URL scheme: Leaflet, our page assets and local tiles, offline.

Layout of the scheme (host / first path segment → source):

- ``gridwall://page/index.html``: the base page, built once and held in memory; it carries
  the scripts and style sheets below inline (``page.localize``, read with :func:`read_asset`),
  so the page loads with this one request;
- ``gridwall://lib/leaflet/...``, ``gridwall://lib/markercluster/...``: the
  Leaflet files shipped in the ``xstatic-leaflet*`` PyPI packages;
- ``gridwall://lib/qwebchannel/qwebchannel.js``: Qt's own copy (Qt resources);
- ``gridwall://map/...``: ``resources/map`` (gridmap.js, gridmap.css);
  these stay served for what the style sheets link (Leaflet's ``images/``);
- ``gridwall://tiles/{z}/{x}/{y}.png``: a local tile archive, when configured.

Only files under those allow-listed roots, with known extensions, are served.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

import PySide6.QtWebChannel  # noqa: F401  (holds the resource :/qtwebchannel/qwebchannel.js)
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QFile, QIODevice, QObject, Qt
from PySide6.QtWebEngineCore import QWebEngineUrlRequestJob, QWebEngineUrlScheme, QWebEngineUrlSchemeHandler

import resources

SCHEME = "gridwall"
SCHEME_BYTES = SCHEME.encode()
PAGE_URL = f"{SCHEME}://page/index.html"

MAP_ASSETS_DIR = Path(resources.__file__).resolve().parent / "map"
LIBRARY_ROOTS: dict[str, Path] = {
    "lib/leaflet": Path(xs_leaflet.BASE_DIR).resolve(),
    "lib/markercluster": Path(xs_markercluster.BASE_DIR).resolve(),
    "map": MAP_ASSETS_DIR,
}
QT_RESOURCES: dict[str, str] = {"lib/qwebchannel/qwebchannel.js": ":/qtwebchannel/qwebchannel.js"}

_MIME = {
    ".js": b"application/javascript",
    ".css": b"text/css",
    ".html": b"text/html",
    ".png": b"image/png",
    ".jpg": b"image/jpeg",
    ".jpeg": b"image/jpeg",
    ".webp": b"image/webp",
    ".svg": b"image/svg+xml",
    ".json": b"application/json",
}

TileReader = Callable[[int, int, int], bytes | None]


def register_schemes() -> None:
    """Register the ``gridwall://`` scheme with QtWebEngine (idempotent).

    Must run before the QApplication is created: the application's entry
    point (and the test conftest) calls it first thing. Also sets
    ``Qt.AA_ShareOpenGLContexts``, which QtWebEngine wants set that early.

    Raises:
        RuntimeError: The QApplication already exists and the scheme is not registered.
    """
    if QWebEngineUrlScheme.schemeByName(SCHEME_BYTES).name() == SCHEME_BYTES:
        return
    if QCoreApplication.instance() is not None:
        raise RuntimeError("register_schemes() must be called before the QApplication is created")
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    scheme = QWebEngineUrlScheme(SCHEME_BYTES)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
        | QWebEngineUrlScheme.Flag.CorsEnabled
        | QWebEngineUrlScheme.Flag.FetchApiAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def schemes_registered() -> bool:
    """Return True once :func:`register_schemes` has run in this process."""
    return QWebEngineUrlScheme.schemeByName(SCHEME_BYTES).name() == SCHEME_BYTES


def read_asset(key: str) -> bytes | None:
    """The bytes of the library or map file at ``gridwall://<key>`` (e.g. ``lib/leaflet/leaflet.js``),
    from Qt's resources or an allow-listed root; None when the key names no such file."""
    if key in QT_RESOURCES:
        file = QFile(QT_RESOURCES[key])
        if not file.open(QIODevice.OpenModeFlag.ReadOnly):
            return None
        return bytes(file.readAll().data())
    for prefix, root in LIBRARY_ROOTS.items():
        if key.startswith(prefix + "/"):
            path = resolve_under(root, key[len(prefix) + 1 :])
            return path.read_bytes() if path else None
    return None


def resolve_under(root: Path, relative: str) -> Path | None:
    """Return ``root / relative`` if it stays inside ``root`` and is a served file type.

    Args:
        root: An allow-listed directory (already resolved).
        relative: The URL path below the root, ``/``-separated.

    Returns:
        The file path, or None for traversal attempts, unknown types or missing files.
    """
    parts = PurePosixPath(relative).parts
    if not parts or any(p in ("..", ".", "") or "\\" in p for p in parts):
        return None
    candidate = root.joinpath(*parts).resolve()
    if not candidate.is_relative_to(root) or candidate.suffix.lower() not in _MIME:
        return None
    return candidate if candidate.is_file() else None


class GridwallSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves ``gridwall://`` requests from memory, Qt resources and allow-listed roots."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._documents: dict[str, bytes] = {}
        self._tiles: TileReader | None = None
        self.served = 0
        self.refused = 0

    def set_document(self, path: str, data: bytes) -> None:
        """Serve ``data`` at ``gridwall://<path>`` (e.g. ``page/index.html``)."""
        self._documents[path] = data

    def set_tile_reader(self, reader: TileReader | None) -> None:
        """Serve ``gridwall://tiles/z/x/y.png`` through ``reader(z, x, y)``."""
        self._tiles = reader

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        """Answer one request (called by QtWebEngine on the GUI thread)."""
        url = job.requestUrl()
        if job.requestMethod() != b"GET":
            self._fail(job, QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        key = f"{url.host()}{url.path()}"
        data, mime = self._lookup(key)
        if data is None:
            self._fail(job, QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(parent=job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.served += 1
        job.reply(mime, buffer)

    def _fail(self, job: QWebEngineUrlRequestJob, error: QWebEngineUrlRequestJob.Error) -> None:
        self.refused += 1
        job.fail(error)

    def _lookup(self, key: str) -> tuple[bytes | None, bytes]:
        """Find the bytes and MIME type for ``host/path``."""
        mime = _MIME.get(PurePosixPath(key).suffix.lower(), b"application/octet-stream")
        if key in self._documents:
            return self._documents[key], mime
        if key.startswith("tiles/"):
            return self._tile(key), mime
        return read_asset(key), mime

    def _tile(self, key: str) -> bytes | None:
        if self._tiles is None:
            return None
        parts = key.split("/")
        if len(parts) != 4 or not parts[3].endswith(".png"):
            return None
        try:
            z, x, y = int(parts[1]), int(parts[2]), int(parts[3][:-4])
        except ValueError:
            return None
        return self._tiles(z, x, y)
