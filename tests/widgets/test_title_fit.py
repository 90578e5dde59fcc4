"""The title bar fits the width it is given: a one-screen-wide column of a 3×3 wall shrinks its text."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from widgets.theme import Scale
from widgets.title_bar import TitleBar

NOW = 1_800_000_000.0


def _title_in(qtbot: QtBot, height: float, width: int) -> tuple[QWidget, TitleBar]:
    host = QWidget()
    qtbot.addWidget(host)
    box = QVBoxLayout(host)
    title = TitleBar(Scale(height))
    box.addWidget(title)
    box.addStretch(1)
    host.setFixedSize(width, 400)
    host.show()
    title.set_warning(None)
    title.tick(NOW)
    title.set_status("live", NOW, 150.0)
    return host, title


def _laid_out_without_overlap(title: TitleBar) -> bool:
    name, clock = title._name.geometry(), title._clock.geometry()
    return (
        name.right() < clock.left()
        and title._name.minimumSizeHint().width() <= name.width()
        and clock.right() < title._warning_chip.geometry().left() < title._status_chip.geometry().left()
        and title._status_chip.geometry().right() < title.width()
    )


@pytest.mark.parametrize(("height", "width", "shrinks"), [(3240.0, 1920, True), (1080.0, 1920, False)])
def test_title_clock_and_chips_fit_side_by_side(qtbot: QtBot, height: float, width: int, shrinks: bool) -> None:
    """Centre column of nine screens: smaller text, nothing overlaps; one 1080p screen: the design size."""
    _host, title = _title_in(qtbot, height, width)
    assert title.width() <= width and title.minimumSizeHint().width() == 0
    qtbot.waitUntil(lambda: _laid_out_without_overlap(title))  # fails after the timeout if text overlaps
    assert (title._scale.height < height) == shrinks
