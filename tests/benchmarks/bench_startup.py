"""From launch to a usable window: target under 2 s.

Each run is a fresh interpreter (as a user's launch is): import the app, open a demo database,
build the main window, show it and let Qt paint once. Measured from before the process starts.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from desktop.app import open_paydesk
from desktop.ui.main_window import MainWindow
app = QApplication(sys.argv)
paydesk = open_paydesk(Path(sys.argv[1]))
window = MainWindow(paydesk)
window.show()
app.processEvents()
window.grab()
print("shown")
"""


def main() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    db = Path(tempfile.mkdtemp(prefix="paydesk-bench-")) / "startup.sqlite"
    subprocess.run([sys.executable, "-m", "desktop", "demo", "--db", str(db), "--customers", "200", "--invoices", "5000"],
                   check=True, cwd=ROOT, env=env, capture_output=True)
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", PROBE, str(db)], cwd=ROOT, env=env, capture_output=True, text=True,
                                check=False)
        runs.append(time.perf_counter() - started)
        if "shown" not in result.stdout:
            raise SystemExit(result.stderr)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import PySide6.QtWidgets"], check=True, env=env)
    bare = time.perf_counter() - started
    print(f"launch to shown window (5,000 invoices): median {statistics.median(runs):.2f} s, worst {max(runs):.2f} s"
          f" (target < 2 s)")
    print(f"baseline, interpreter + Qt import alone: {bare:.2f} s -> Paydesk's own share {statistics.median(runs) - bare:.2f} s")


if __name__ == "__main__":
    main()
