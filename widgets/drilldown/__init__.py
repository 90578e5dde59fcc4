"""Drill-down and case views: district → subdistrict → community → unit grid → case list → case.

Every widget here is fed with plain data shaped like the ``QueryService``
answers (``docs/analytics.md``) and does no I/O: views ask with signals and
take answers through methods (see :class:`DrillDownView`).
"""

from __future__ import annotations

from widgets.drilldown.browser import CaseBrowser
from widgets.drilldown.case_detail import CaseDetailView
from widgets.drilldown.case_list import CaseListView
from widgets.drilldown.filters import CaseFilterBar, FilterChoices
from widgets.drilldown.minimap import CaseMiniMap, UnitShapes
from widgets.drilldown.path import Crumb, DrillPath, RangeSpec
from widgets.drilldown.view import DrillDownView

__all__ = [
    "CaseBrowser",
    "CaseDetailView",
    "CaseFilterBar",
    "CaseListView",
    "CaseMiniMap",
    "Crumb",
    "DrillDownView",
    "DrillPath",
    "FilterChoices",
    "RangeSpec",
    "UnitShapes",
]
