"""No modal dialog can block the wall: none in widgets/ or desktop/ but the operator's CSV export."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODAL = re.compile(r"\b(QMessageBox|QDialog|QInputDialog|QErrorMessage|QProgressDialog|QFileDialog)\b|\.exec_?\(")
ALLOWED = {
    ("desktop/workstation.py", "QFileDialog"),  # the workstation's export, opened by an operator's click
    ("desktop/startup.py", ".exec("),  # the application's event loop
    ("widgets/panels_demo.py", ".exec("),  # the panels demo's event loop
}


def test_no_modal_dialog_in_the_gui_code() -> None:
    """Errors go to the status line and the log: no message box, dialog or nested event loop."""
    found = []
    for path in sorted([*ROOT.glob("desktop/**/*.py"), *ROOT.glob("widgets/**/*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in MODAL.finditer(line):
                token = match.group(1) or ".exec("
                if (rel, token) not in ALLOWED:
                    found.append(f"{rel}:{number}: {line.strip()}")
    assert not found, "modal UI found:\n" + "\n".join(found)
