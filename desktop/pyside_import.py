"""PySide6 without its source scan of every module imported after it.

PySide6 hooks ``import`` for its ``__feature__`` switches (``snake_case``, ``true_property``):
after each import, of any module, it reads the module's whole source (``inspect.getsource``,
kept in ``linecache``) to see whether the text "PySide6" appears in it, and marks the module
as one whose feature set is switched (0) or ignored (-1). A wall start imports ~520 modules
after PySide6: the scan took ~0.12 s of CPU on the GUI thread's critical path (0.92 s → 0.80 s
for the wall's imports, median of 7 here), and kept every source in memory.

GridWall selects no feature anywhere, so every module would run with the default set either
way: :func:`skip_feature_scan` marks each newly imported module "ignored" without reading it.
A PySide6 whose feature module differs is left as it is.
"""

from __future__ import annotations

import sys
from types import ModuleType

FEATURE_MODULE = "shibokensupport.feature"


def _uses_no_feature(_module: ModuleType) -> bool:
    return False


def skip_feature_scan() -> bool:
    """Load PySide6 and turn its per-import source scan off; whether it was found and turned off."""
    import PySide6.QtCore  # noqa: F401  (loading it makes the feature module)

    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_no_feature  # type: ignore[attr-defined]
    return True
