"""Entry script of the PyInstaller bundle: the ``gridwall`` command."""

from __future__ import annotations

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
