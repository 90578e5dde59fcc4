"""A running bad-weather linkage plan (恶劣天气联动预案) as a checklist.

Fed with :class:`feeds.live.PlanView` records (``LiveState.plans()``): a badge in the
warning's colour with the plan's title and how many steps are done, then one row per step
(☐ / ☑, the step, its department; who ticked it and when). On the wall it sits over the map
(:func:`PlanChecklist.preferred_height` sizes it); on the workstation clicking a step asks to
tick or un-tick it (``sigStepToggled``): the server decides, and the change comes back as an
event like any other.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QWidget

from feeds.live import PlanView
from widgets.alerts import _AlertPanel
from widgets.panel import clock
from widgets.theme import BACKGROUND, CLOSED, TEXT, TEXT_BRIGHT, TEXT_DIM, WARNING_COLOURS, Scale, colour

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class PlanChecklist(_AlertPanel):
    """The newest running linkage plan's checklist (others are named on the last line).

    Signals:
        sigStepToggled(str, str, bool): A step row was clicked: run id, step id, the state asked for.
    """

    sigStepToggled = Signal(str, str, bool)

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.plans: tuple[PlanView, ...] = ()
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Linkage plan"))
        self.empty_text = self.tr("No linkage plan running")
        self._update_note()
        self.canvas.update()

    def update_plans(self, plans: Sequence[PlanView]) -> None:
        """Running plans, newest first (as :meth:`feeds.live.LiveState.plans` gives them)."""
        self.plans = tuple(plans)
        self._update_note()
        self.canvas.update()

    def _update_note(self) -> None:
        if self.plans:
            plan = self.plans[0]
            done = self.tr("%1/%2 done").replace("%1", str(plan.done)).replace("%2", str(len(plan.steps)))
            self.set_note(f"{clock(plan.started_at)} · {done}")
        else:
            self.set_note("")

    def preferred_height(self) -> int:
        """Height that shows the title, every step of the newest plan and the panel's frame."""
        steps = len(self.plans[0].steps) if self.plans else 0
        lines = 1.3 + steps + (1 if len(self.plans) > 1 else 0)
        return round(self.row_h() * lines + self.scale.base * 3.2)

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        """Badge, then one row per step."""
        s = self.scale
        if self.paint_no_data(p, rect):
            return
        if not self.plans:
            p.setFont(s.font(0.9))
            p.setPen(colour(TEXT_DIM))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        plan = self.plans[0]
        level = WARNING_COLOURS.get(plan.level, TEXT_DIM)
        band = QRectF(rect.left(), rect.top(), rect.width(), self.row_h() * 1.2)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour(level))
        p.drawRoundedRect(band, s.radius, s.radius)
        head = s.font(0.95, bold=True)
        p.setFont(head)
        p.setPen(colour(BACKGROUND if plan.level == "yellow" else TEXT_BRIGHT))
        title = QFontMetrics(head).elidedText(
            plan.title.get(self.lang), Qt.TextElideMode.ElideRight, round(band.width() - s.pad)
        )
        p.drawText(band.adjusted(s.pad / 2, 0, 0, 0), _LEFT, title)
        y = band.bottom() + self.row_h() * 0.1
        body, small = s.font(0.8), s.font(0.68)
        dept_w = rect.width() * 0.34
        for step in plan.steps[: self._fitting(rect)]:
            h = self.row_h()
            p.setFont(s.font(0.95, bold=True))
            p.setPen(colour(CLOSED if step.done else TEXT))
            p.drawText(QRectF(rect.left(), y, s.base * 1.3, h), _LEFT, "☑" if step.done else "☐")
            x = rect.left() + s.base * 1.4
            p.setFont(body)
            p.setPen(colour(TEXT_DIM if step.done else TEXT_BRIGHT))
            width = rect.right() - x - dept_w - s.gap
            text = QFontMetrics(body).elidedText(step.text.get(self.lang), Qt.TextElideMode.ElideRight, round(width))
            p.drawText(QRectF(x, y, width, h), _LEFT, text)
            who = step.department.get(self.lang)
            if step.done and step.at is not None:
                who = f"✓ {step.by} {clock(step.at)} · {who}"
            p.setFont(small)
            p.setPen(colour(CLOSED if step.done else TEXT_DIM))
            p.drawText(QRectF(rect.right() - dept_w, y, dept_w, h), _RIGHT,
                       QFontMetrics(small).elidedText(who, Qt.TextElideMode.ElideRight, round(dept_w)))  # fmt: skip
            y += h
        if len(self.plans) > 1:
            others = "  ".join(p_.title.get(self.lang) for p_ in self.plans[1:])
            p.setFont(small)
            p.setPen(colour(TEXT_DIM))
            p.drawText(QRectF(rect.left(), rect.bottom() - self.row_h(), rect.width(), self.row_h()), _LEFT,
                       QFontMetrics(small).elidedText(self.tr("also running:") + " " + others,
                                                     Qt.TextElideMode.ElideRight, round(rect.width())))  # fmt: skip

    def _fitting(self, rect: QRectF) -> int:
        spare = rect.height() - self.row_h() * (1.3 + (1 if len(self.plans) > 1 else 0))
        return max(0, int(spare // self.row_h()))

    def clicked_at(self, x: float, y: float) -> None:
        """Ask to toggle the clicked step."""
        if not self.plans:
            return
        i = int((y - self.row_h() * 1.3) // self.row_h())
        plan = self.plans[0]
        if y >= self.row_h() * 1.3 and 0 <= i < len(plan.steps):
            step = plan.steps[i]
            self.sigStepToggled.emit(plan.run_id, step.step_id, not step.done)


class MapPlanOverlay(PlanChecklist):
    """The checklist over the map's top-left corner while a plan runs (hidden otherwise).

    Args:
        gmap: The map it sits on (its parent); it follows the map's size.
        scale: Sizes (the map's screen).
        width_share: Share of the map's width it takes.
    """

    def __init__(self, gmap: QWidget, scale: Scale, width_share: float = 0.46) -> None:
        super().__init__(scale, gmap)
        self.width_share = width_share
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hide()
        gmap.installEventFilter(self)

    def update_plans(self, plans: Sequence[PlanView]) -> None:
        """Show the newest plan's checklist over the map, or hide when none runs."""
        super().update_plans(plans)
        self._place()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None or not self.plans:
            self.hide()
            return
        pad = self.scale.pad
        width = round(parent.width() * self.width_share)
        height = min(self.preferred_height(), parent.height() - 2 * pad)
        self.setGeometry(pad, pad, width, height)
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the map's size."""
        if event.type() == QEvent.Type.Resize and self.plans:
            self._place()
        return False
