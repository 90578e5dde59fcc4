"""WorkflowTimeline: one case's workflow (上报 → 立案 → 派发 → 处置 → 申结 → 核查 → 结案;
a 全响应 request's 接 → 派 → 办 → 评 (回访) → 办结).

A "metro line" of the stages across the top (reached, current, late, rework
loop drawn as an arc back to handling) over a list of every step with its
time, deadline and how early or late it finished; urges and marks are listed
in time order. Red means late, amber means the running stage is due soon,
green means closed. The codes of ``case_history`` (the seeder's actor, a return
visit's rating, a re-opening; ``feeds/protocol/vocab.py``) are shown translated,
any other actor or note as written.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from feeds.live import TimelineEntry, WorkflowStep, deadline_status, timeline_entries
from feeds.live.workflow import workflow_chain
from feeds.protocol.vocab import LEGACY_CODES, REOPENED_NOTE, RETURN_VISITOR, SEEDED_ACTOR, parse_evaluation_note
from widgets.panel import PaintedArea, Panel, chain_name, clock, format_countdown, format_duration, stage_name
from widgets.theme import (
    ACCENT,
    CLOSED,
    COMPARE,
    DUE_SOON,
    OVERDUE,
    PANEL,
    PANEL_EDGE,
    TEXT,
    TEXT_BRIGHT,
    TEXT_DIM,
    Scale,
    colour,
)

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class WorkflowTimeline(Panel):
    """Steps of one case with times, deadlines, early/late margins, rework loops and urges."""

    def __init__(self, scale: Scale | None = None, parent: QWidget | None = None) -> None:
        super().__init__(scale, parent)
        self.entries: list[TimelineEntry] = []
        self.steps: tuple[WorkflowStep, ...] = ()
        self.now = 0.0
        self.platform = "city"
        self.canvas = PaintedArea(self)
        self.body.addWidget(self.canvas)
        self.retranslate()

    def retranslate(self) -> None:
        """UI strings from the translator."""
        self.title_label.setText(self.tr("Workflow"))
        self.words = {
            "urge": self.tr("Urged"),
            "difficult": self.tr("Marked difficult"),
            "undifficult": self.tr("Difficult mark removed"),
            "note": self.tr("Note"),
            "evaluated": self.tr("Return visit (evaluation)"),
            "rework": self.tr("rework"),
            "due": self.tr("due %1"),
            "early": self.tr("%1 early"),
            "late": self.tr("%1 late"),
            "empty": self.tr("No case selected"),
        }
        self.codes = {
            SEEDED_ACTOR: self.tr("seeded history"),
            RETURN_VISITOR: self.tr("return visitor"),
            REOPENED_NOTE: self.tr("not resolved at the return visit, re-opened"),
            "resolved": self.tr("resolved"),
            "unresolved": self.tr("not resolved"),
            "satisfied": self.tr("satisfied"),
            "basically_satisfied": self.tr("basically satisfied"),
            "unsatisfied": self.tr("unsatisfied"),
            "outcome": self.tr("%1, %2", "return visit: resolved or not, rating"),
        }
        self._update_note()
        self.canvas.update()

    def set_steps(self, steps: Sequence[WorkflowStep], now: float, platform: str | None = None) -> None:
        """Show a case's recorded steps (any order) as of ``now``; ``platform`` picks the step bar (kept if None)."""
        self.steps = tuple(steps)
        self.now = now
        if platform is not None:
            self.platform = platform
        self.entries = timeline_entries(self.steps, now, self.platform)
        self._update_note()
        self.canvas.update()

    def tick(self, now: float) -> None:
        """Recompute the running stage's margin at ``now``."""
        self.set_steps(self.steps, now)

    def clear(self) -> None:
        """Show no case."""
        self.set_steps((), self.now)

    def chain_labels(self) -> list[str]:
        """The step bar's node labels as drawn (before eliding)."""
        return [chain_name(self.platform, i) for i in range(len(workflow_chain(self.platform)))]

    def step_name(self, e: TimelineEntry) -> str:
        """A list row's name: the stage in the platform's words, or the side step's."""
        if e.kind == "stage":
            name = stage_name(e.step.action, self.platform)
        else:
            name = self.words.get(e.step.action, e.step.action)
        return f"↺ {name} ({self.words['rework']})" if e.rework else name

    def step_extra(self, step: WorkflowStep) -> str:
        """Actor and note of a step in the view's language: codes translated, other text as written, one line."""
        codes = self.codes
        actor = LEGACY_CODES.get(step.actor, step.actor)
        actor = codes[actor] if actor in (SEEDED_ACTOR, RETURN_VISITOR) else step.actor
        note = step.note
        evaluation = parse_evaluation_note(note) if note else None
        if evaluation is not None:
            resolved, rating = evaluation
            outcome = codes["resolved" if resolved else "unresolved"]
            note = codes["outcome"].replace("%1", outcome).replace("%2", codes.get(rating, rating))
        elif note:
            code = LEGACY_CODES.get(note.strip(), note.strip())
            note = codes[code] if code == REOPENED_NOTE else note
        return " ".join(" · ".join(t for t in (actor, note) if t).split())

    def margin_text(self, entry: TimelineEntry) -> str:
        """``12 min early`` / ``1 h 5 min late`` / ``in 20 min`` (empty without a deadline)."""
        if entry.margin_s is None:
            return ""
        if entry.current and not entry.late:
            return format_countdown(abs(entry.margin_s))  # the wall's countdown words
        amount = format_duration(entry.margin_s)
        return self.words["late" if entry.late else "early"].replace("%1", amount)

    def row_text(self, e: TimelineEntry) -> tuple[str, str, str]:
        """A step's row in the list as drawn (before eliding): its time, its name, and the
        deadline with who did it and the note (an urge: who urged, and the note naming the
        department urged)."""
        name = self.step_name(e)
        detail = ""
        if e.step.deadline is not None:
            detail = self.words["due"].replace("%1", clock(e.step.deadline))
        extra = self.step_extra(e.step)  # plain text, one line
        return clock(e.step.at), name, " · ".join(t for t in (detail, extra) if t)

    def row_texts(self) -> list[tuple[str, str, str]]:
        """Every row of the list, newest first, as :meth:`row_text` gives it."""
        return [self.row_text(e) for e in reversed(self.entries)]

    def _update_note(self) -> None:
        urges = sum(e.kind == "urge" for e in self.entries)
        reworks = sum(e.rework for e in self.entries)
        parts = []
        if urges:
            parts.append(f"{self.words['urge']} ×{urges}")
        if reworks:
            parts.append(f"{self.words['rework']} ×{reworks}")
        self.set_note(" · ".join(parts))

    # ---------------------------------------------------------------- paint
    def _tone(self, e: TimelineEntry) -> str:
        if e.step.action == "closed":
            return CLOSED
        if e.late:
            return OVERDUE
        if e.current:
            since = e.step.at
            return DUE_SOON if deadline_status(e.step.deadline, since, self.now) == "due_soon" else ACCENT
        return ACCENT

    def paint_content(self, p: QPainter, rect: QRectF) -> None:
        """Metro line, then the step list."""
        s = self.scale
        if not self.entries:
            p.setFont(s.font(0.9))
            p.setPen(colour(TEXT_DIM))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.words["empty"])
            return
        line_h = self._paint_chain(p, QRectF(rect.left(), rect.top(), rect.width(), s.base * 4.6))
        self._paint_list(p, QRectF(rect.left(), rect.top() + line_h, rect.width(), rect.height() - line_h))

    def _paint_chain(self, p: QPainter, rect: QRectF) -> float:
        s = self.scale
        last: dict[int, TimelineEntry] = {}
        for e in self.entries:
            if e.chain_index >= 0:
                last[e.chain_index] = e
        chain = workflow_chain(self.platform)
        n = len(chain)
        step_w = rect.width() / n
        cy = rect.top() + s.base * 2.0
        r = s.base * 0.42
        centres = [QPointF(rect.left() + step_w * (i + 0.5), cy) for i in range(n)]
        reached = max(last, default=-1)
        for i in range(n - 1):
            on = i + 1 <= reached
            p.setPen(QPen(colour(ACCENT if on else PANEL_EDGE), s.line * (3 if on else 2)))
            p.drawLine(centres[i], centres[i + 1])
        reworks = sum(e.rework for e in self.entries)
        if reworks:  # arc from verification back to handling
            verifying = next(i for i, stages in enumerate(chain) if "verifying" in stages)
            handling = next(i for i, stages in enumerate(chain) if "handling" in stages)
            a, b = centres[verifying], centres[handling]
            path = QPainterPath(QPointF(a.x(), a.y() - r))
            top = rect.top() + s.base * 0.35
            path.cubicTo(QPointF(a.x(), top), QPointF(b.x(), top), QPointF(b.x(), b.y() - r))
            p.setPen(QPen(colour(COMPARE), s.line * 2, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
            p.setFont(s.font(0.65))
            p.setPen(colour(COMPARE))
            mid = QRectF((a.x() + b.x()) / 2 - step_w, rect.top(), step_w * 2, s.base * 0.75)
            p.fillRect(mid.adjusted(step_w * 0.55, 0, -step_w * 0.55, 0), colour(PANEL))
            p.drawText(mid, Qt.AlignmentFlag.AlignCenter, f"↺ {self.words['rework']} ×{reworks}")
        name_font, time_font = s.font(0.7), s.font(0.65, numeric=True)
        for i, c in enumerate(centres):
            node = last.get(i)
            tone = self._tone(node) if node is not None else None
            p.setPen(QPen(colour(tone or PANEL_EDGE), s.line * 2))
            p.setBrush(colour(tone, 0.9) if tone and not (node and node.current) else colour(PANEL_EDGE, 0.4))
            p.drawEllipse(c, r, r)
            if node is not None and node.current:
                p.setBrush(colour(tone or ACCENT))
                p.drawEllipse(c, r * 0.45, r * 0.45)
            label = QRectF(c.x() - step_w / 2, cy + r + s.gap * 0.5, step_w, s.base * 0.95)
            p.setFont(name_font)
            p.setPen(colour(TEXT_BRIGHT if node else TEXT_DIM))
            name = QFontMetrics(name_font).elidedText(
                chain_name(self.platform, i), Qt.TextElideMode.ElideRight, round(step_w - s.gap * 0.5)
            )
            p.drawText(label, Qt.AlignmentFlag.AlignCenter, name)
            if node is not None:
                p.setFont(time_font)
                p.setPen(colour(tone or TEXT_DIM))
                p.drawText(label.translated(0, s.base * 0.85), Qt.AlignmentFlag.AlignCenter, clock(node.step.at))
        return rect.height()

    def _paint_list(self, p: QPainter, rect: QRectF) -> None:
        s = self.scale
        body, small = s.font(0.78), s.font(0.7, numeric=True)
        fm = QFontMetrics(body)
        row_h = s.base * 1.35
        time_w = QFontMetrics(small).horizontalAdvance("88:88") + s.gap * 2
        name_w = rect.width() * 0.32
        rows = list(reversed(self.entries))  # newest first: the running stage stays visible
        y = rect.top()
        p.setPen(QPen(colour(PANEL_EDGE), s.line))
        p.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        y += s.gap
        for e in rows:
            if y + row_h > rect.bottom() + 1:
                break
            at, name, text = self.row_text(e)
            p.setFont(small)
            p.setPen(colour(TEXT_DIM))
            p.drawText(QRectF(rect.left(), y, time_w, row_h), _LEFT, at)
            p.setFont(body)
            p.setPen(colour(TEXT_BRIGHT if e.current else TEXT))
            p.drawText(QRectF(rect.left() + time_w, y, name_w, row_h), _LEFT,
                       fm.elidedText(name, Qt.TextElideMode.ElideRight, round(name_w - s.gap)))  # fmt: skip
            margin = self.margin_text(e)
            x = rect.left() + time_w + name_w
            width = rect.right() - x
            p.setFont(small)
            if margin:
                mw = QFontMetrics(small).horizontalAdvance(margin) + s.gap
                p.setPen(colour(OVERDUE if e.late else DUE_SOON if self._tone(e) == DUE_SOON else TEXT_DIM))
                p.drawText(
                    QRectF(rect.right() - mw, y, mw, row_h),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    margin,
                )
                width -= mw
            p.setPen(colour(TEXT_DIM))
            text = QFontMetrics(small).elidedText(text, Qt.TextElideMode.ElideRight, round(width - s.gap))
            p.drawText(QRectF(x, y, width, row_h), _LEFT, text)
            y += row_h
