"""Wall look: dark palette, meaning colours, a size scale read from the screen, QSS, CJK font, pyqtgraph setup.

Colour carries meaning only (brief §1): the CMA warning colours, overdue red,
due-soon amber and closed green. Everything else is calm on dark navy.
Sizes are derived from the height of the screen a panel sits on
(:class:`Scale`), so the same panels read from 10 m on a 5760×3240 wall and
look normal on a 1920×1080 monitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QWidget

# ------------------------------------------------------------------ palette
BACKGROUND = "#0b1220"
PANEL = "#111a2e"
PANEL_EDGE = "#1d2a44"
PANEL_HEADER = "#15203a"
TRACK = "#1a2640"  # empty part of bars
TEXT = "#cfd8e3"
TEXT_DIM = "#7f8ea6"
TEXT_BRIGHT = "#eef3f8"
ACCENT = "#2dd4bf"  # teal: the calm "data" colour
ACCENT_DIM = "#1f8f86"
ACCENT_SOFT = "#134e4a"
COMPARE = "#8aa0bf"  # comparison series (last week)

# meaning colours
WARNING_COLOURS = {"blue": "#3b82f6", "yellow": "#facc15", "orange": "#fb923c", "red": "#ef4444"}
OVERDUE = "#ef4444"
DUE_SOON = "#f59e0b"
CLOSED = "#22c55e"
REPLAY = "#a78bfa"  # violet: a replayed time, not now (the replay mark and the clock during a replay)
CROWD_COLOURS = {"normal": ACCENT, "busy": ACCENT, "crowded": DUE_SOON, "critical": OVERDUE}

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei")
"""Preferred font families for Chinese, best first."""
NUMBER_FAMILIES = ("DejaVu Sans", "Noto Sans", "Segoe UI", "Helvetica Neue")


def colour(name: str, alpha: float = 1.0) -> QColor:
    """A QColor from ``#rrggbb`` with an opacity (0–1)."""
    c = QColor(name)
    c.setAlphaF(max(0.0, min(1.0, alpha)))
    return c


def find_cjk_family() -> str | None:
    """The first installed family of :data:`CJK_FAMILIES`, else any family covering Simplified Chinese."""
    families = QFontDatabase.families()
    for name in CJK_FAMILIES:
        if name in families:
            return name
    for name in families:
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(name):
            return name
    return None


@cache
def cjk_family() -> str:
    """:func:`find_cjk_family`, or the application font when no Chinese font is installed."""
    return find_cjk_family() or QApplication.font().family()


# -------------------------------------------------------------------- scale
@dataclass(frozen=True)
class Scale:
    """Pixel sizes derived from a height (the screen's, or a panel's for previews).

    ``base`` is the body font in pixels: ``height / 60`` (18 px on 1080 p,
    54 px on a 3240-px wall), never below 11 px.
    """

    height: float = 1080.0

    @property
    def base(self) -> float:
        """Body font size in pixels."""
        return max(11.0, self.height / 60.0)

    def px(self, factor: float = 1.0) -> int:
        """``factor`` × base, rounded, at least 1."""
        return max(1, round(self.base * factor))

    @property
    def pad(self) -> int:
        """Inner padding of panels."""
        return self.px(0.55)

    @property
    def gap(self) -> int:
        """Space between items."""
        return self.px(0.35)

    @property
    def radius(self) -> int:
        """Corner radius of panels and badges."""
        return self.px(0.3)

    @property
    def line(self) -> int:
        """Width of thin lines."""
        return max(1, round(self.base / 16))

    def font(self, factor: float = 1.0, *, bold: bool = False, numeric: bool = False) -> QFont:
        """A pixel-sized font: CJK family for text, a tabular-looking family for numbers."""
        f = QFont(cjk_family())
        if numeric:
            f.setFamilies([*NUMBER_FAMILIES, cjk_family()])
        f.setPixelSize(self.px(factor))
        f.setBold(bold)
        f.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
        return f

    @classmethod
    def for_widget(cls, widget: QWidget) -> Scale:
        """The scale of the screen ``widget`` is on (primary screen if not shown yet)."""
        screen = widget.screen() or QApplication.primaryScreen()
        return cls(float(screen.geometry().height()) if screen is not None else 1080.0)


# --------------------------------------------------------------------- QSS
def panel_qss(scale: Scale) -> str:
    """Style sheet for :class:`widgets.panel.Panel` frames and their titles."""
    return f"""
QFrame#Panel {{
    background: {PANEL};
    border: {scale.line}px solid {PANEL_EDGE};
    border-radius: {scale.radius}px;
}}
QLabel#PanelTitle {{
    color: {TEXT};
    font-size: {scale.px(0.95)}px;
    font-weight: 600;
    background: transparent;
    border: none;
}}
QLabel#PanelNote {{
    color: {TEXT_DIM};
    font-size: {scale.px(0.75)}px;
    background: transparent;
    border: none;
}}
QFrame#PanelAccent {{
    background: {ACCENT};
    border: none;
    border-radius: {max(1, scale.line)}px;
}}
QLabel {{ color: {TEXT}; background: transparent; }}
QListView {{ background: transparent; border: none; outline: 0; }}
"""


def app_qss(scale: Scale) -> str:
    """Application-wide style sheet (background, tool tips, scroll bars) plus :func:`panel_qss`."""
    return f"""
QMainWindow, QWidget#Wall {{ background: {BACKGROUND}; }}
QToolTip {{ background: {PANEL_HEADER}; color: {TEXT}; border: 1px solid {PANEL_EDGE};
            font-size: {scale.px(0.8)}px; }}
QScrollBar:vertical {{ background: transparent; width: {scale.px(0.4)}px; }}
QScrollBar::handle:vertical {{ background: {PANEL_EDGE}; border-radius: {scale.px(0.2)}px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; }}
""" + panel_qss(scale)


def dark_palette() -> QPalette:
    """A QPalette matching the wall colours (for widgets that ignore style sheets)."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: BACKGROUND,
        QPalette.ColorRole.Base: PANEL,
        QPalette.ColorRole.AlternateBase: PANEL_HEADER,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Button: PANEL_HEADER,
        QPalette.ColorRole.Highlight: ACCENT_DIM,
        QPalette.ColorRole.HighlightedText: TEXT_BRIGHT,
        QPalette.ColorRole.ToolTipBase: PANEL_HEADER,
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.PlaceholderText: TEXT_DIM,
    }
    for role, value in roles.items():
        pal.setColor(role, QColor(value))
    return pal


def configure_pyqtgraph() -> None:
    """Dark pyqtgraph defaults (call once before creating plots)."""
    import pyqtgraph as pg

    pg.setConfigOptions(background=PANEL, foreground=TEXT_DIM, antialias=True)


def apply_theme(app: QApplication, scale: Scale) -> None:
    """Dark palette, CJK application font, style sheet and pyqtgraph defaults for the whole app."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    app.setFont(scale.font(1.0))
    app.setStyleSheet(app_qss(scale))
    configure_pyqtgraph()
