"""One case in detail: type, stage, place (small map), source, department, description, workflow, actions.

Fed with a ``case`` query answer. The description and address are
citizen-written: they are shown as plain text only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from feeds.live import NameLookup
from feeds.privacy import mask_text
from feeds.protocol.answers import CaseDetailAnswer, CaseRecord, UnitRef
from widgets.drilldown.actions import CaseActions
from widgets.drilldown.minimap import CaseMiniMap, UnitShapes
from widgets.drilldown.steps import steps_from_detail
from widgets.drilldown.style import plain_label
from widgets.drilldown.text import format_time, grid_label
from widgets.panel import format_countdown, format_duration, stage_name
from widgets.theme import ACCENT_DIM, CLOSED, DUE_SOON, OVERDUE, PANEL_EDGE, Scale
from widgets.timeline import WorkflowTimeline

FIELDS = ("source", "department", "place", "address", "deadline", "record", "evaluation")
RESPONSE_ONLY = frozenset({"evaluation"})
"""Rows shown for a 全响应 request only (its return visit's evaluation and response time)."""
UNHANDLED = frozenset({"reported", "filed", "dispatched", "handling"})
OPEN_STAGES = frozenset({"reported", "filed", "dispatched", "handling", "closure_requested", "verifying"})


class CaseDetailView(QWidget):
    """Header with badges, facts and description beside the small map, the workflow timeline, actions.

    Signals:
        sigAction(str, str, str): ``(action, case_id, text)`` from the action bar (workstation only).
    """

    sigAction = Signal(str, str, str)

    def __init__(
        self,
        names: NameLookup,
        scale: Scale,
        *,
        shapes: UnitShapes | None = None,
        actions: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.names, self.scale, self.shapes = names, scale, shapes
        self.private = not actions  # on the wall (no actions): personal data masked in every text
        self.lang = "zh"
        self.data: CaseDetailAnswer | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(scale.gap)
        head = QHBoxLayout()
        head.setSpacing(round(scale.gap * 1.5))
        self.title = plain_label(self, "DrillTitle")
        head.addWidget(self.title)
        self.badges = {k: plain_label(self, "Badge") for k in ("platform", "stage", "overdue", "difficult")}
        for badge in self.badges.values():
            head.addWidget(badge, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addStretch(1)
        self.case_label = plain_label(self, "DrillSub")
        self.case_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(self.case_label)
        box.addLayout(head)
        self.upper = QHBoxLayout()
        self.upper.setSpacing(scale.pad)
        facts = QVBoxLayout()
        facts.setSpacing(scale.gap)
        form = QGridLayout()
        form.setHorizontalSpacing(scale.pad)
        form.setVerticalSpacing(round(scale.gap * 0.6))
        self.field_names = {k: plain_label(self, "FieldName") for k in FIELDS}
        self.field_values = {k: plain_label(self, "FieldValue") for k in FIELDS}
        for i, key in enumerate(FIELDS):
            form.addWidget(self.field_names[key], i, 0, Qt.AlignmentFlag.AlignTop)
            value = self.field_values[key]
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addWidget(value, i, 1)
        form.setColumnStretch(1, 1)
        facts.addLayout(form)
        self.description = plain_label(self, "Description")
        self.description.setWordWrap(True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        facts.addWidget(self.description)
        facts.addStretch(1)
        self.upper.addLayout(facts, 3)
        self.minimap = CaseMiniMap(scale, self)
        self.upper.addWidget(self.minimap, 2)
        self.timeline = WorkflowTimeline(scale, self)
        self.timeline.setMinimumHeight(scale.px(11))
        self.main = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.main.setSpacing(scale.pad)
        self.main.addLayout(self.upper, 5)
        self.main.addWidget(self.timeline, 6)
        box.addLayout(self.main, 1)
        self.action_bar: CaseActions | None = None
        if actions:
            self.action_bar = CaseActions(scale, self)
            self.action_bar.sigAction.connect(lambda a, t: self.sigAction.emit(a, self.case_id, t))
            box.addWidget(self.action_bar)
        self.clear()  # no blank badges before the first case
        self.retranslate()

    def set_wide(self, wide: bool) -> None:
        """Facts, map and workflow side by side (a wide, low area) or the workflow below (a panel)."""
        self.main.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
        self.main.setStretch(0, 6 if wide else 5)
        self.main.setStretch(1, 5 if wide else 6)
        self.timeline.setMinimumHeight(self.scale.px(9 if wide else 11))

    @property
    def case_id(self) -> str:
        """The id of the case shown ('' when none)."""
        return self.data.case.id if self.data else ""

    def retranslate(self) -> None:
        """UI strings from the translator."""
        titles = {
            "source": self.tr("Source"),
            "department": self.tr("Department"),
            "place": self.tr("Place"),
            "address": self.tr("Address"),
            "deadline": self.tr("Handling deadline"),
            "record": self.tr("Record"),
            "evaluation": self.tr("Evaluation"),
        }
        for key, label in self.field_names.items():
            label.setText(titles[key])
        if self.data is not None:
            self.show_case(self.data)

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_language(self, lang: str) -> None:
        """Domain names in ``lang``."""
        self.lang = lang
        if self.data is not None:
            self.show_case(self.data)

    # ------------------------------------------------------------------- show
    def show_case(self, data: CaseDetailAnswer) -> None:
        """Show a ``case`` answer."""
        self.data = data
        c = data.case
        lang = self.lang
        stage = c.stage
        self.title.setText(data.subclass.name(lang) or c.subclass)
        response = c.platform == "response"
        self._badge("platform", self.tr("全响应 (12345)") if response else "", ACCENT_DIM)
        self._badge("stage", stage_name(stage, c.platform), CLOSED if stage == "closed" else PANEL_EDGE)
        self._badge("overdue", self.tr("Overdue") if c.overdue else "", OVERDUE)
        self._badge("difficult", self.tr("Difficult case") if c.difficult else "", DUE_SOON)
        self.case_label.setText(
            self.tr("Case %1 · reported %2").replace("%1", c.id).replace("%2", format_time(c.reported_at, year=True))
        )
        units = data.units
        place = [u.name(lang) for u in units[:2]]
        if len(units) > 2:
            place.append(grid_label(units[2].code, lang))
        values = {
            "source": data.source.name(lang),
            "department": data.department.name(lang),
            "place": " › ".join(place),
            "address": self._shown(c.address) or "—",
            "deadline": self._deadline_text(data),
            "record": self._record_text(c),
            "evaluation": self._evaluation_text(c) if response else "",
        }
        for key, label in self.field_values.items():
            label.setText(values[key])
            shown = response or key not in RESPONSE_ONLY
            label.setVisible(shown)
            self.field_names[key].setVisible(shown)
        tone = "ErrorLine" if c.overdue else "FieldValue"
        self.field_values["deadline"].setObjectName(tone)
        self.field_values["deadline"].style().polish(self.field_values["deadline"])
        text = self._shown(c.description)
        self.description.setText(text or self.tr("(no description)"))
        self._show_map(c, units)
        now = data.as_of or 0.0
        steps = steps_from_detail(data)
        if self.private:
            steps = [dataclasses.replace(s, note=mask_text(s.note)) if s.note else s for s in steps]
        self.timeline.set_steps(steps, now, c.platform)
        if self.action_bar is not None:
            self.action_bar.set_case(
                c.id,
                is_open=stage in OPEN_STAGES,
                overdue=c.overdue,
                difficult=c.difficult,
            )

    def _shown(self, text: str) -> str:
        return mask_text(text) if self.private else text

    def clear(self) -> None:
        """Show no case."""
        self.data = None
        self.title.setText("")
        for label in (*self.field_values.values(), *self.badges.values(), self.case_label, self.description):
            label.setText("")
        for badge in self.badges.values():
            badge.setVisible(False)
        self.minimap.clear()
        self.timeline.clear()

    def show_action_result(self, ok: bool, message: str = "") -> None:
        """The outcome of the last action, inline (``message``: why it was refused)."""
        if self.action_bar is not None:
            self.action_bar.show_result(ok, message)

    def forbid_actions(self) -> None:
        """The server refused an action for this connection's role: switch the buttons off for good."""
        if self.action_bar is not None:
            self.action_bar.forbid()

    def set_action_busy(self, busy: bool) -> None:
        """An action is on its way."""
        if self.action_bar is not None:
            self.action_bar.set_busy(busy)

    # ---------------------------------------------------------------- helpers
    def _evaluation_text(self, c: CaseRecord) -> str:
        """A 全响应 request's return visit: resolved or not, the rating, re-openings and the response time."""
        ratings = {
            "satisfied": self.tr("satisfied"),
            "basically_satisfied": self.tr("basically satisfied"),
            "unsatisfied": self.tr("unsatisfied"),
        }
        if c.satisfaction:
            parts = [self.tr("resolved") if c.resolved else self.tr("not resolved"), ratings.get(c.satisfaction, "")]
            parts.append(format_time(c.evaluated_at))
        else:
            parts = [self.tr("not evaluated yet")]
        if c.reworks:
            parts.append(self.tr("re-opened %1×").replace("%1", str(c.reworks)))
        if c.response_deadline_at is not None:
            responded = format_time(c.responded_at) if c.responded_at is not None else "—"
            deadline = format_time(c.response_deadline_at)
            said, due = self.tr("Responded"), self.tr("Response deadline")
            parts.append(f"{said} {responded} / {due} {deadline}")
        return " · ".join(p for p in parts if p)

    def _badge(self, key: str, text: str, background: str) -> None:
        badge = self.badges[key]
        badge.setVisible(bool(text))
        badge.setText(text)
        badge.setStyleSheet(f"background: {background};")

    def _deadline_text(self, data: CaseDetailAnswer) -> str:
        c = data.case
        deadline, now = c.handle_deadline_at, data.as_of
        if deadline is None:
            return "—"
        text = format_time(deadline, year=True)
        if c.stage in UNHANDLED and now is not None:
            margin, status = deadline - now, ("overdue" if now > deadline else "pending")
        else:  # closure requested: judged by the stage table (early > 0, late < 0)
            handling = next((s for s in data.stages if s.stage == "handling"), None)
            if handling is None or handling.margin_s is None:
                return text
            margin, status = handling.margin_s, handling.status
        if status in ("pending", "overdue"):
            return f"{text} · {format_countdown(margin)}"  # the wall's countdown words
        words = {"on_time": self.tr("handled %1 early"), "late": self.tr("handled %1 late")}
        return f"{text} · {words[status].replace('%1', format_duration(margin))}" if status in words else text

    def _record_text(self, c: CaseRecord) -> str:
        urges, reworks = c.urges, c.reworks
        parts = [self.tr("urged %1×").replace("%1", str(urges)), self.tr("reworked %1×").replace("%1", str(reworks))]
        return " · ".join(parts)

    def _show_map(self, c: CaseRecord, units: Sequence[UnitRef]) -> None:
        if self.shapes is None:
            self.minimap.clear()
            return
        grid = c.grid or (units[2].code if len(units) > 2 else "")
        community = grid[:12]
        point = (c.lon, c.lat) if c.lon is not None and c.lat is not None else None
        status = "closed" if c.stage == "closed" else "overdue" if c.overdue else "open"
        siblings = [self.shapes.geometry(code) for code in self.shapes.children(community) if code != grid]
        self.minimap.set_place(
            self.shapes.geometry(grid),
            self.shapes.geometry(community),
            siblings,
            point,
            status,
            self.shapes.generated(grid),
        )
