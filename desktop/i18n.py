"""Loading the UI translation: Chinese by default, English by switch.

Source strings in the code are English (``self.tr("Overdue")``); the Chinese
text lives in ``resources/i18n/gridwall_zh_CN.ts`` (compiled to ``.qm``).
Domain names (case types, places) come from data in both languages.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QTranslator

from resources import resource_path

log = logging.getLogger(__name__)
LANGUAGES = ("zh", "en")


class Translations:
    """Installs and switches the application's translator."""

    def __init__(self) -> None:
        self._translator: QTranslator | None = None
        self.language = "en"

    def set_language(self, language: str) -> bool:
        """Switch to ``zh`` or ``en``; returns whether the switch took effect.

        Qt sends a ``LanguageChange`` event to every widget, which retranslates itself.
        """
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication before loading translations")
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator = None
        if language == "zh":
            qm = resource_path("i18n", "gridwall_zh_CN.qm")
            translator = QTranslator(app)
            if not translator.load(str(qm)):
                log.error("Chinese translation %s could not be loaded; showing English", qm)
                self.language = "en"
                return False
            QCoreApplication.installTranslator(translator)
            self._translator = translator
        self.language = language
        return True
