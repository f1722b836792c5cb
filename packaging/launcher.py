"""The frozen app's entry point: PyInstaller runs this file as ``__main__``; it is ``python -m desktop``."""

from __future__ import annotations

import sys

from desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
