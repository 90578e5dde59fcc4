"""Texts of breadcrumb steps and filter chips (domain names from a :class:`NameLookup`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication

from feeds.live import NameLookup
from widgets.drilldown.path import Crumb, unit_level
from widgets.drilldown.text import grid_label
from widgets.panel import stage_name

translate = QCoreApplication.translate


def crumb_text(crumb: Crumb, names: NameLookup, lang: str) -> str:
    """``西长安街街道``, ``第10网格``, ``Cases``, or the case id."""
    if crumb.kind == "cases":
        return translate("Breadcrumb", "Cases")
    if crumb.kind == "alarms":
        return translate("Breadcrumb", "Alarms")
    if crumb.kind == "supervisors":
        return translate("Breadcrumb", "Supervisors")
    if crumb.kind in ("case", "supervisor"):
        return crumb.key
    if unit_level(crumb.key) == "grid":
        return grid_label(crumb.key, lang)
    return names.unit(crumb.key).get(lang)


def chip_text(key: str, value: Any, names: NameLookup, lang: str) -> str:
    """``Type: 非法小广告``, ``Overdue only``... for a filter."""
    values = value if isinstance(value, (list, tuple)) else [value]
    if key == "overdue":
        return translate("Breadcrumb", "Overdue only") if value else translate("Breadcrumb", "Not overdue")
    if key == "difficult":
        return translate("Breadcrumb", "Difficult only") if value else translate("Breadcrumb", "Not difficult")
    lookups: dict[str, tuple[str, Callable[[str], str]]] = {
        "subclass": (translate("Breadcrumb", "Type"), lambda v: names.case_type(v).get(lang)),
        "source": (translate("Breadcrumb", "Source"), lambda v: names.source(v).get(lang)),
        "department": (translate("Breadcrumb", "Department"), lambda v: names.department(v).get(lang)),
        "stage": (translate("Breadcrumb", "Stage"), stage_name),
        "class": (translate("Breadcrumb", "Class"), str),
        "kind": (translate("Breadcrumb", "Kind"), str),
    }
    title, name = lookups.get(key, (key, str))
    return f"{title}: {', '.join(name(str(v)) for v in values)}"
