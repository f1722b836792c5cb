"""From launch to a shown window, for the installed (frozen) program: target under 2 s.

    .venv/bin/python tests/benchmarks/bench_frozen_startup.py [--frozen dist/Paydesk/Paydesk] [--runs 5] [--source]

Unlike bench_startup.py, which runs a probe script inside the source interpreter, this launches the
real program the way a user does (``Paydesk --db demo.sqlite``) on a private X server (Xvfb) and
watches for its main window to be mapped (xdotool), so it times exactly what a user waits for:
bootloader, unpacking nothing (one-folder bundle), Python, Qt, the database, the window. ``--source``
times ``python -m desktop`` the same way, for comparison. Needs Xvfb and xdotool
(``apt-get install xvfb xdotool``). The first run is after dropping the page cache when that is
allowed (root outside a container), i.e. a true cold start; the others are warm.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TITLE = "— Paydesk"  # the main window is titled "<company> — Paydesk"
TIMEOUT_S = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", type=Path, default=ROOT / "dist" / "Paydesk" / "Paydesk", metavar="PATH",
                        help="the bundle's executable (default: dist/Paydesk/Paydesk)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--source", action="store_true", help="also time `python -m desktop` the same way")
    args = parser.parse_args()
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install xvfb xdotool")
    if not args.frozen.is_file():
        raise SystemExit(f"{args.frozen} does not exist: build it with packaging/build-linux.sh")

    folder = Path(tempfile.mkdtemp(prefix="paydesk-bench-frozen-"))
    db = folder / "startup.sqlite"
    subprocess.run([str(args.frozen), "demo", "--db", str(db), "--customers", "200", "--invoices", "5000"],
                   check=True, capture_output=True)
    programs = {"frozen": [str(args.frozen), "--db", str(db)]}
    if args.source:
        programs["source"] = [sys.executable, "-m", "desktop", "--db", str(db)]
    for label, command in programs.items():
        cold = drop_page_cache()
        runs = [timed_run(command, folder) for _ in range(args.runs)]
        first = "cold" if cold else "first"
        print(f"{label}: launch to shown window (5,000 invoices): {first} {runs[0]:.2f} s, "
              f"median {statistics.median(runs):.2f} s, worst {max(runs):.2f} s over {len(runs)} runs (target < 2 s); "
              f"all: {' '.join(f'{run:.2f}' for run in runs)}")
    shutil.rmtree(folder, ignore_errors=True)


class DisplayLost(Exception):
    """The X server went away under the program (another process on a shared machine ended it)."""


def timed_run(command: list[str], folder: Path, attempts: int = 3) -> float:
    """One launch on a fresh private X server; retried on a new one when the server goes away."""
    for attempt in range(attempts):
        with XServer() as display:
            env = {**os.environ, "DISPLAY": display, "XDG_RUNTIME_DIR": str(folder)}
            env.pop("QT_QPA_PLATFORM", None)
            env.pop("WAYLAND_DISPLAY", None)
            try:
                return time_to_window(command, env, display)
            except DisplayLost:
                if attempt == attempts - 1:
                    raise SystemExit(f"the X server kept going away ({attempts} tries)") from None
    raise AssertionError("unreachable")


class XServer:
    """A private Xvfb display for the duration of the benchmark."""

    def __enter__(self) -> str:
        read_end, write_end = os.pipe()  # Xvfb picks a free display number itself and writes it here
        self.process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_end,))
        os.close(write_end)
        with os.fdopen(read_end) as numbers:
            number = numbers.readline().strip()
        if not number or self.process.poll() is not None:
            raise SystemExit("Xvfb did not start")
        return f":{number}"

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def drop_page_cache() -> bool:
    """Empty the kernel's file cache so the next launch reads the program from disk; False if not allowed."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def time_to_window(command: list[str], env: dict[str, str], display: str) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", TITLE], env={**env, "DISPLAY": display},
                                   capture_output=True, check=False)
            if found.returncode == 0 and found.stdout.strip():
                return time.perf_counter() - started
            if process.poll() is not None:
                error = process.stderr.read().decode(errors="replace") if process.stderr else ""
                if "could not connect to display" in error:
                    raise DisplayLost(error)
                raise SystemExit(f"{command[0]} exited with {process.returncode} before showing a window: {error}")
            if time.perf_counter() - started > TIMEOUT_S:
                raise SystemExit(f"no window after {TIMEOUT_S:.0f} s")
            time.sleep(0.025)  # each poll starts a process: poll gently so the program being timed gets the CPU
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    main()
