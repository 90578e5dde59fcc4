"""The drill-down's supervisor pages: the supervisors of a unit ranked, and one supervisor's figures.

Fed with :class:`~feeds.protocol.supervision_answers.SupervisorRanking` (``supervisors``) and
:class:`~feeds.protocol.supervision_answers.SupervisorDetail` (``supervisor``). The figures
(``docs/supervision.md``): reports (上报数), valid-report rate (有效上报率), verifications done
on time (核查按时率), grids of the beat covered and distance patrolled. A ranking row opens the
supervisor; a beat grid opens that grid's page.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from feeds.live import NameLookup
from feeds.protocol.answers import Named
from feeds.protocol.supervision_answers import SupervisorDetail, SupervisorFigures, SupervisorRanking
from widgets.drilldown.style import plain_label
from widgets.drilldown.tables import Column, RankTable
from widgets.drilldown.text import format_period, format_value, grid_label
from widgets.theme import Scale

translate = QCoreApplication.translate

SUPERVISOR_COLUMNS = (
    Column("name", lambda: translate("SupervisorPages", "Supervisor")),
    Column("reports", lambda: translate("SupervisorPages", "Reports"), bar=True),
    Column("valid_rate", lambda: translate("SupervisorPages", "Valid")),
    Column("verify_on_time_rate", lambda: translate("SupervisorPages", "Verified on time")),
    Column("grids_covered", lambda: translate("SupervisorPages", "Grids covered")),
    Column("distance_km", lambda: translate("SupervisorPages", "km patrolled")),
)
BEAT_COLUMNS = (Column("name", lambda: translate("SupervisorPages", "Grid of the beat")),)


def shift_name(shift: str) -> str:
    """早班 07–15, 中班 11–19, 晚班 17–01 (the roster's shifts)."""
    names = {
        "early": translate("SupervisorPages", "early shift 07–15"),
        "late": translate("SupervisorPages", "late shift 11–19"),
        "night": translate("SupervisorPages", "night shift 17–01"),
    }
    return names.get(shift, shift)


@dataclass(frozen=True)
class _Row:
    """A row for :class:`RankTable`: a supervisor (named with their number) or a beat grid, and the figures."""

    who: Named
    indicators: SupervisorFigures


def _row(fig: SupervisorFigures) -> _Row:
    code = fig.who.code
    return _Row(Named(code, f"{fig.who.name_zh} {code}", f"{fig.who.name_en} {code}"), fig)


class SupervisorRankingPage(QWidget):
    """The supervisors whose beat lies (partly) in a unit, ranked; sortable by every figure.

    Signals:
        sigSupervisorActivated(str): a row was clicked (staff id).
    """

    sigSupervisorActivated = Signal(str)

    def __init__(self, names: NameLookup, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names, self.lang = names, "zh"
        self.answer: SupervisorRanking | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(scale.gap)
        head = QHBoxLayout()
        self.title = plain_label(self, "DrillTitle")
        self.subtitle = plain_label(self, "DrillSub")
        head.addWidget(self.title)
        head.addSpacing(scale.gap)
        head.addWidget(self.subtitle, 1)  # takes the rest of the row: its text grows once the answer is in
        box.addLayout(head)
        self.note = plain_label(self, "FieldName")
        self.note.setWordWrap(True)
        box.addWidget(self.note)
        self.table = RankTable(SUPERVISOR_COLUMNS, scale, self)
        self.table.sigActivated.connect(self.sigSupervisorActivated)
        box.addWidget(self.table, 1)
        self._titles()

    def show_unit(self, unit: str) -> None:
        """The unit whose supervisors are asked for (until the answer comes)."""
        if self.answer is not None and self.answer.unit != unit:
            self.answer = None
            self.table.rank_model.set_rows([])
        self._unit = unit
        self._titles()

    _unit = ""

    def show_ranking(self, answer: SupervisorRanking) -> None:
        """A ``supervisors`` answer."""
        self.answer = answer
        self.table.rank_model.set_rows([_row(f) for f in answer.rows])
        self._titles()

    def set_language(self, lang: str) -> None:
        """Names in ``lang``."""
        self.lang = "en" if lang == "en" else "zh"
        self.table.rank_model.set_language(self.lang)
        self._titles()

    def _titles(self) -> None:
        unit = self._unit or "110102"
        name = grid_label(unit, self.lang) if len(unit) == 15 else self.names.unit(unit).get(self.lang)
        self.title.setText(translate("SupervisorPages", "Supervisors · %1").replace("%1", name))
        n = len(self.answer.rows) if self.answer is not None else 0
        period = format_period(self.answer.period) if self.answer is not None else ""
        self.subtitle.setText(
            " · ".join(t for t in (translate("SupervisorPages", "%1 supervisors").replace("%1", str(n)), period) if t)
        )
        self.note.setText(
            translate(
                "SupervisorPages",
                "Credited with the patrol cases they reported; a case naming no reporter counts for the "
                "supervisor of its beat. A ranking covers at most 31 days.",
            )
        )


class SupervisorPage(QWidget):
    """One supervisor: figure tiles over the period and the grids of their beat.

    Signals:
        sigUnitActivated(str): a beat grid was clicked (grid code).
    """

    sigUnitActivated = Signal(str)

    def __init__(self, names: NameLookup, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names, self.lang = names, "zh"
        self.staff_id = ""
        self.answer: SupervisorDetail | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(scale.gap)
        head = QHBoxLayout()
        self.title = plain_label(self, "DrillTitle")
        self.subtitle = plain_label(self, "DrillSub")
        head.addWidget(self.title)
        head.addSpacing(scale.gap)
        head.addWidget(self.subtitle, 1)  # takes the rest of the row: its text grows once the answer is in
        box.addLayout(head)
        tiles = QGridLayout()
        tiles.setHorizontalSpacing(scale.pad)
        self.values: dict[str, tuple[QLabel, QLabel]] = {}
        for i, key in enumerate(("reports", "valid_rate", "verify_on_time_rate", "grids_covered", "distance_km")):
            value, caption = plain_label(self, "RateValue"), plain_label(self, "RateCaption")
            tiles.addWidget(value, 0, i)
            tiles.addWidget(caption, 1, i)
            self.values[key] = (value, caption)
        box.addLayout(tiles)
        self.beat_title = plain_label(self, "SectionTitle")
        box.addWidget(self.beat_title)
        self.beat = RankTable(BEAT_COLUMNS, scale, self)
        self.beat.sigActivated.connect(self.sigUnitActivated)
        box.addWidget(self.beat, 1)
        self._show()

    def show_staff(self, staff_id: str) -> None:
        """The supervisor asked for (until the answer comes)."""
        if staff_id != self.staff_id:
            self.staff_id, self.answer = staff_id, None
            self.beat.rank_model.set_rows([])
        self._show()

    def show_detail(self, answer: SupervisorDetail) -> None:
        """A ``supervisor`` answer."""
        self.answer = answer
        self.staff_id = answer.figures.who.code or self.staff_id
        fig = answer.figures
        self.beat.rank_model.set_rows(
            [_Row(Named(g, grid_label(g, "zh"), grid_label(g, "en")), fig) for g in answer.grids]
        )
        self._show()

    def set_language(self, lang: str) -> None:
        """Names in ``lang``."""
        self.lang = "en" if lang == "en" else "zh"
        self.beat.rank_model.set_language(self.lang)
        self._show()

    def _show(self) -> None:
        fig = self.answer.figures if self.answer is not None else None
        name = fig.who.name(self.lang) if fig is not None else ""
        self.title.setText(" · ".join(t for t in (name, self.staff_id) if t))
        parts = [
            shift_name(fig.shift) if fig is not None else "",
            format_period(self.answer.period) if self.answer else "",
        ]
        self.subtitle.setText(" · ".join(p for p in parts if p))
        captions = {
            "reports": translate("SupervisorPages", "Reports"),
            "valid_rate": translate("SupervisorPages", "Valid-report rate"),
            "verify_on_time_rate": translate("SupervisorPages", "Verifications on time"),
            "grids_covered": translate("SupervisorPages", "Beat grids covered"),
            "distance_km": translate("SupervisorPages", "Distance patrolled (km)"),
        }
        for key, (value, caption) in self.values.items():
            caption.setText(captions[key])
            value.setText(self._value(fig, key))
        self.beat_title.setText(
            translate("SupervisorPages", "Beat: %1 grids").replace("%1", str(fig.beat_grids if fig else 0))
        )

    @staticmethod
    def _value(fig: SupervisorFigures | None, key: str) -> str:
        if fig is None:
            return "—"
        if key == "valid_rate":
            return f"{format_value(key, fig.valid_rate)} ({fig.valid}/{fig.reports})"
        if key == "verify_on_time_rate":
            return f"{format_value(key, fig.verify_on_time_rate)} ({fig.verified_on_time}/{fig.verified})"
        if key == "grids_covered":
            return f"{fig.grids_covered}/{fig.beat_grids}"
        return format_value(key, fig.value(key))
