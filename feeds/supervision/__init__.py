"""The supervision-command view's data (CJJ/T 106): components, supervisors and tracks, cameras, look-up.

No Qt here. ``codes`` and ``components`` hold the component (部件) inventory, ``roster``
the supervisors (监督员) and their seeded tracks, ``figures`` their per-person figures,
``cameras`` the video cameras, ``lookup`` the workstation's look-up resolver and
``queries`` the case-server queries that serve all of it.
"""
