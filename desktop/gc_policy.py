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

**Frozen heap** (``install(freeze=True)``, the wall's setting). A full collection walks every
tracked object: a wall holds ~190,000 after its start (modules, Qt wrappers, the units, the
snapshot), and walking them took 120-165 ms on the GUI thread, due every ~20 s whenever events
flow (every tick collects generation 0, every tenth generation 1, every tenth of those 2): a
stall of the feed and counters each time. With freezing on, a due full collection moves what
survives it to the permanent generation (``gc.freeze``), and the next ones walk only what came
after. Every :data:`REFREEZE_S` a due full collection first thaws the frozen objects
(``gc.unfreeze``), so a cycle among them that became garbage is freed within that time, then
freezes again: one long pause an hour instead of one every 20 s. During the start, what the
imports and then the windows made is frozen as it is made (:func:`freeze_now`), so no collection
on the way walks it; the first full collection comes right after the start (:func:`settle`, 2 s
after the first state is on the panels) and thaws, collects and freezes it all once.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 200
REFREEZE_S = 3600.0
"""How often (at most) a due full collection thaws the frozen objects first (see the module's notes)."""


def collect_due() -> int | None:
    """Collect the oldest generation whose count passed its threshold; the generation or None."""
    due = _due()
    if due is not None:
        gc.collect(due)
    return due


def _due() -> int | None:
    counts, thresholds = gc.get_count(), gc.get_threshold()
    due = None
    for generation in range(3):
        if counts[generation] > thresholds[generation]:
            due = generation
    return due


class GuiCollector(QObject):
    """The timer that collects on the GUI thread (a child of the application).

    Args:
        parent: The application.
        interval_ms: How often the thresholds are checked.
        freeze: Freeze the survivors of full collections (see the module's notes).
        clock: Monotonic seconds (tests pass their own).
    """

    def __init__(
        self,
        parent: QObject,
        interval_ms: int = INTERVAL_MS,
        *,
        freeze: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.freeze = freeze
        self.clock = clock
        self.thawed_at: float | None = None
        """When the frozen objects were last thawed and collected (None: never)."""
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start()

    def collect_due(self) -> int | None:
        """Collect the oldest generation due; with freezing on, freeze what a full collection leaves."""
        due = _due()
        if due is not None:
            self.collect(due)
        return due

    def collect(self, generation: int) -> None:
        """Collect ``generation``; a full one with freezing on thaws first if it is time, then freezes."""
        if generation < 2 or not self.freeze:
            gc.collect(generation)
            return
        now = self.clock()
        if self.thawed_at is None or now - self.thawed_at >= REFREEZE_S:
            gc.unfreeze()
            self.thawed_at = now
        gc.collect(2)
        gc.freeze()


def freeze_now() -> bool:
    """Move every object tracked now to the permanent generation, if the installed collector freezes.

    For what a start builds (the modules, then the windows): with the automatic collector off,
    the young generations hold everything allocated since the last turn of the collector, and
    the first collections in the start would walk it all (0.1-0.2 s each on the GUI thread). The
    first full collection (:func:`settle`) thaws them and collects once, so nothing is kept that
    a collection would free. Returns whether it froze.
    """
    app = QCoreApplication.instance()
    found = app.findChild(GuiCollector) if app is not None else None
    if not isinstance(found, GuiCollector) or not found.freeze:
        return False
    gc.freeze()
    return True


def settle() -> bool:
    """A full collection now, its survivors frozen, if the installed collector freezes; else nothing.

    The wall calls it 2 s after its first state is on the panels (``SETTLE_HEAP_MS`` in
    desktop/session.py): the one long walk of everything the start made then costs nothing,
    where the first due full collection would have come ~20 s into live updates. Returns
    whether it collected.
    """
    app = QCoreApplication.instance()
    found = app.findChild(GuiCollector) if app is not None else None
    if not isinstance(found, GuiCollector) or not found.freeze:
        return False
    found.collect(2)
    return True


def install(interval_ms: int = INTERVAL_MS, *, freeze: bool = False) -> GuiCollector:
    """Run the cyclic collector only from the GUI thread's event loop (idempotent).

    Call with the application made, from the GUI thread. ``freeze`` turns the frozen heap on
    (the wall); a later call can turn it on, never off. With freezing on, what exists now (the
    imports) is frozen at once (:func:`freeze_now`).
    """
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("gc_policy.install needs the QApplication")
    found = app.findChild(GuiCollector)
    if isinstance(found, GuiCollector):
        gc.disable()
        if freeze and not found.freeze:
            found.freeze = True
            freeze_now()
        return found
    collector = GuiCollector(app, interval_ms, freeze=freeze)
    gc.disable()
    freeze_now()  # what the imports made
    return collector
