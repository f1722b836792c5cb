"""``python -m desktop --self-test`` on the source tree: every check passes and prints its line; in a
tree without its resources the self-test fails, says what is missing, and still runs the rest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from desktop.selftest import CHECKS, pdf_title

ROOT = Path(__file__).resolve().parents[2]
NAMES = [name for name, _ in CHECKS]


def self_test(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "desktop", "--self-test"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def outcome(stdout: str) -> dict[str, str]:
    """{check name: "ok" or "FAIL"} from the self-test's lines."""
    found = {}
    for line in stdout.splitlines():
        status, _, rest = line.partition(" ")
        name = rest.strip().split(":", 1)[0]
        if status in ("ok", "FAIL") and name in NAMES:
            found[name] = status
    return found


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_every_check_passes_with_one_line_each() -> None:
    result = self_test(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert outcome(result.stdout) == dict.fromkeys(NAMES, "ok")
    lines = result.stdout.splitlines()
    assert len(lines) == len(NAMES) + 1
    assert lines[-1].startswith(f"self-test passed: {len(NAMES)} checks in ")
    assert "ok  fonts: DejaVuSans, DejaVuSans-Bold found and loaded" in result.stdout
    pdf_line = next(line for line in lines if line.startswith("ok  pdf: "))
    number = pdf_line.removeprefix("ok  pdf: ").split(".pdf", 1)[0]
    assert f"Счёт {number}" in pdf_line  # the title read back from the PDF has the invoice number
    assert "ok  upgrade: schema 0001 -> " in result.stdout and "data kept" in result.stdout
    assert "ok  window: shown on Qt platform 'offscreen'" in result.stdout


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_tree_without_resources_fails_and_says_what_is_missing(tmp_path: Path) -> None:
    """The package without the resources folder beside it, as a broken installation would be."""
    shutil.copytree(ROOT / "desktop", tmp_path / "desktop", ignore=shutil.ignore_patterns("__pycache__"))
    result = self_test(tmp_path)
    assert result.returncode == 1
    assert f"FAIL resources: the resources folder {tmp_path / 'resources'} is missing: reinstall Paydesk" in result.stdout
    assert "FAIL fonts: DejaVuSans.ttf, DejaVuSans-Bold.ttf missing in " in result.stdout
    status = outcome(result.stdout)
    assert set(status) == set(NAMES)  # a failure does not stop the other checks
    assert {name for name, result in status.items() if result == "FAIL"} == {
        "resources", "fonts", "document texts", "icon", "pdf", "pdf workers", "window"}
    assert result.stdout.splitlines()[-1].startswith(f"self-test FAILED: 7 of {len(NAMES)} checks (resources, fonts, ")
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("title", ["Invoice 2026-00001", "Счёт 2026-00001", "Factuur (deel 1) 2026\\01 – 12"])
def test_the_title_is_read_back_from_a_reportlab_pdf(title: str) -> None:
    buffer = BytesIO()
    canvas = Canvas(buffer, pageCompression=0)
    canvas.setTitle(title)
    canvas.drawString(72, 72, "x")
    canvas.showPage()
    canvas.save()
    assert pdf_title(buffer.getvalue()) == title


def test_a_pdf_without_a_title() -> None:
    assert pdf_title(b"%PDF-1.4\n%%EOF") == ""
