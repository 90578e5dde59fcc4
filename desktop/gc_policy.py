"""Python's cyclic garbage collector runs on the GUI thread only.

Left automatic, a collection runs in whichever thread happens to allocate when a threshold
is crossed: a query worker, the websocket client's loop. If the garbage holds Qt objects
(a closed drill-down window, a panel in a reference cycle), they are destroyed there, off
the GUI thread: Qt's destructor takes a connection lock, PySide6 then waits for the GIL
that the GUI thread holds while it waits for the same lock. Seen once in the test suite as
a hang: a query worker freeing an earlier session's widgets, the GUI thread in
``QAction::~QAction``.

:func:`install` switches the automatic collector off and runs the same generational policy
from a timer on the GUI thread: every ``interval_ms`` it compares the allocation counts
with the thresholds and collects the oldest generation due, as CPython would have.
Reference counting still frees everything without a cycle at once, in any thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 200


def collect_due() -> int | None:
    """Collect the oldest generation whose count passed its threshold; the generation or None."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    due = None
    for generation in range(3):
        if counts[generation] > thresholds[generation]:
            due = generation
    if due is not None:
        gc.collect(due)
    return due


class GuiCollector(QObject):
    """The timer that collects on the GUI thread (a child of the application)."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(collect_due)
        self.timer.start()


def install(interval_ms: int = INTERVAL_MS) -> GuiCollector:
    """Run the cyclic collector only from the GUI thread's event loop (idempotent).

    Call with the application made, from the GUI thread.
    """
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("gc_policy.install needs the QApplication")
    found = app.findChild(GuiCollector)
    if isinstance(found, GuiCollector):
        gc.disable()
        return found
    collector = GuiCollector(app, interval_ms)
    gc.disable()
    return collector
