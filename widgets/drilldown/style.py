"""Style sheet of the drill-down and workstation controls (dark, sized from a :class:`Scale`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QWidget

from widgets.theme import (
    ACCENT,
    ACCENT_DIM,
    ACCENT_SOFT,
    BACKGROUND,
    CLOSED,
    OVERDUE,
    PANEL,
    PANEL_EDGE,
    PANEL_HEADER,
    TEXT,
    TEXT_BRIGHT,
    TEXT_DIM,
    TRACK,
    Scale,
    panel_qss,
)


def drill_qss(s: Scale) -> str:
    """Buttons, segmented range buttons, tables, inputs and status lines."""
    r, line, f = s.radius, s.line, s.px
    return (
        panel_qss(s)
        + f"""
QWidget#DrillView, QWidget#CaseBrowser {{ background: {PANEL}; }}
QLabel#DrillTitle {{ color: {TEXT_BRIGHT}; font-size: {f(1.35)}px; font-weight: 700; }}
QLabel#DrillSub {{ color: {TEXT_DIM}; font-size: {f(0.75)}px; }}
QLabel#SectionTitle {{ color: {TEXT}; font-size: {f(0.85)}px; font-weight: 600; }}
QLabel#RateValue {{ color: {ACCENT}; font-size: {f(1.5)}px; font-weight: 700; }}
QLabel#RateCaption {{ color: {TEXT_DIM}; font-size: {f(0.72)}px; }}
QLabel#FieldName {{ color: {TEXT_DIM}; font-size: {f(0.75)}px; }}
QLabel#FieldValue {{ color: {TEXT_BRIGHT}; font-size: {f(0.8)}px; }}
QLabel#Description {{ color: {TEXT}; font-size: {f(0.8)}px; background: {TRACK};
    border-radius: {r}px; padding: {f(0.35)}px {f(0.5)}px; }}
QLabel#ErrorLine {{ color: {OVERDUE}; font-size: {f(0.8)}px; }}
QLabel#OkLine {{ color: {CLOSED}; font-size: {f(0.8)}px; }}
QLabel#Badge {{ color: {TEXT_BRIGHT}; font-size: {f(0.68)}px; font-weight: 600; border-radius: {r}px;
    padding: {f(0.08)}px {f(0.4)}px; background: {PANEL_EDGE}; }}
QPushButton {{ color: {TEXT}; background: {PANEL_HEADER}; border: {line}px solid {PANEL_EDGE};
    border-radius: {r}px; padding: {f(0.22)}px {f(0.6)}px; font-size: {f(0.78)}px; }}
QPushButton:hover {{ border-color: {ACCENT_DIM}; color: {TEXT_BRIGHT}; }}
QPushButton:focus {{ border-color: {ACCENT}; }}
QPushButton:checked {{ background: {ACCENT_SOFT}; border-color: {ACCENT}; color: {TEXT_BRIGHT}; }}
QPushButton:disabled {{ color: {TEXT_DIM}; border-color: {TRACK}; }}
QPushButton#Primary {{ background: {ACCENT_SOFT}; border-color: {ACCENT}; color: {TEXT_BRIGHT}; font-weight: 600; }}
QPushButton#Danger {{ background: #3a1518; border-color: {OVERDUE}; color: {TEXT_BRIGHT}; font-weight: 600; }}
QPushButton#Crumb {{ background: transparent; border: none; color: {ACCENT}; padding: {f(0.1)}px {f(0.15)}px;
    font-size: {f(0.85)}px; }}
QPushButton#Crumb:hover {{ color: {TEXT_BRIGHT}; text-decoration: underline; }}
QPushButton#Crumb:disabled {{ color: {TEXT_BRIGHT}; }}
QPushButton#Chip {{ background: {ACCENT_SOFT}; border: none; color: {TEXT_BRIGHT};
    border-radius: {f(0.6)}px; padding: {f(0.1)}px {f(0.5)}px; font-size: {f(0.72)}px; }}
QLabel#CrumbSep {{ color: {TEXT_DIM}; font-size: {f(0.85)}px; }}
QLineEdit, QComboBox, QDateEdit {{ color: {TEXT_BRIGHT}; background: {BACKGROUND}; border: {line}px solid {PANEL_EDGE};
    border-radius: {r}px; padding: {f(0.15)}px {f(0.35)}px; font-size: {f(0.78)}px;
    selection-background-color: {ACCENT_DIM}; }}
QLineEdit:focus, QComboBox:focus, QDateEdit:focus {{ border-color: {ACCENT}; }}
QComboBox QAbstractItemView {{ background: {PANEL_HEADER}; color: {TEXT}; selection-background-color: {ACCENT_DIM};
    border: {line}px solid {PANEL_EDGE}; }}
QCheckBox {{ color: {TEXT}; font-size: {f(0.78)}px; spacing: {f(0.3)}px; }}
QTableView {{ background: transparent; color: {TEXT}; border: none; gridline-color: {TRACK};
    font-size: {f(0.78)}px; selection-background-color: {ACCENT_SOFT}; selection-color: {TEXT_BRIGHT};
    alternate-background-color: #0f1729; outline: 0; }}
QTableView::item {{ padding: 0 {f(0.3)}px; border: none; }}
QHeaderView::section {{ background: {PANEL_HEADER}; color: {TEXT_DIM}; border: none;
    border-bottom: {line}px solid {PANEL_EDGE}; padding: {f(0.2)}px {f(0.3)}px; font-size: {f(0.7)}px; }}
QHeaderView::section:hover {{ color: {TEXT_BRIGHT}; }}
QTableCornerButton::section {{ background: {PANEL_HEADER}; border: none; }}
QScrollBar:vertical {{ background: transparent; width: {f(0.45)}px; }}
QScrollBar::handle:vertical {{ background: {PANEL_EDGE}; border-radius: {f(0.2)}px; min-height: {f(1.5)}px; }}
QScrollBar:horizontal {{ background: transparent; height: {f(0.45)}px; }}
QScrollBar::handle:horizontal {{ background: {PANEL_EDGE}; border-radius: {f(0.2)}px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; width: 0; }}
QProgressBar {{ background: {TRACK}; border: none; border-radius: {r}px; color: {TEXT_BRIGHT};
    font-size: {f(0.68)}px; text-align: center; max-height: {f(0.9)}px; }}
QProgressBar::chunk {{ background: {ACCENT_DIM}; border-radius: {r}px; }}
QSplitter::handle {{ background: {PANEL_EDGE}; }}
"""
    )


def plain_label(parent: QWidget, name: str = "", text: str = "") -> QLabel:
    """A QLabel that never interprets its text as HTML (citizen text, server messages)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    if text:
        label.setText(text)
    return label


def read_only_rows(view: QTableView, row_height: int) -> None:
    """Set a table up as the drill-down's read-only, row-selecting list."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(row_height)
