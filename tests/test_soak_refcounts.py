"""Soak test for the PySide6 6.12 / Python 3.11 refcount corruption (see README).

Each ``Signal.emit()`` with a bool, and each C++ call of a Python model's ``data()``
returning ``None``, must leave the interpreter's references to ``True`` and ``None``
intact. On an affected PySide6 the counts fall by about one per call (and the process
aborts after a few hundred), so this test fails or crashes there.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractListModel, QIdentityProxyModel, QModelIndex, QObject, Qt, Signal

CALLS = 5000
IMMORTAL = sys.version_info >= (3, 12)  # True/None are immortal there: counts never move


class _Emitter(QObject):
    sigFlag = Signal(bool)


class _NoneModel(QAbstractListModel):
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 10

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return None


def _drift(obj: object, before: int) -> int:
    return sys.getrefcount(obj) - before


def test_signal_emit_keeps_true_alive(qapp: object) -> None:
    """Emitting a bool signal thousands of times does not leak references to True away."""
    emitter = _Emitter()
    received: list[bool] = []
    emitter.sigFlag.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(CALLS):
        emitter.sigFlag.emit(True)
    received.clear()
    drift = _drift(True, before)
    assert len(received) == 0
    assert drift > -CALLS // 10, f"references to True fell by {-drift} over {CALLS} emits"


def test_model_data_none_keeps_none_alive(qapp: object) -> None:
    """C++ reading a Python model's None data thousands of times keeps None's count."""
    source = _NoneModel()
    proxy = QIdentityProxyModel()
    proxy.setSourceModel(source)
    index = proxy.index(3, 0)
    before = sys.getrefcount(None)
    values = [proxy.data(index) for _ in range(CALLS)]
    assert values.count(None) == CALLS
    values.clear()
    drift = _drift(None, before)
    assert drift > -CALLS // 10, f"references to None fell by {-drift} over {CALLS} reads"
    if IMMORTAL:
        assert drift == 0
