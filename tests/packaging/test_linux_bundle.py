"""The Linux bundle (dist/Paydesk, built by packaging/build-linux.sh with PyInstaller) passes the same
self-test as the source, finds every library it links, and says what is missing when damaged.

Building takes about a minute on two cores. CI (CI=true) builds it every run; elsewhere it is built
when the bundle's inputs (BUNDLE_INPUTS in packaging/bundle_contents.py: packaging/, pyproject.toml,
resources/, the entry points, the self-test, the migrations) changed since the last build that
passed its self-test (their digest is in build/verified-bundle.sha256), and the bundle already in
dist/ is checked otherwise. PAYDESK_BUNDLE_TEST=always or never overrides both.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from desktop import __version__
from desktop.selftest import CHECKS
from tests.packaging.icu_probe import icu_answers

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "Paydesk"
EXECUTABLE = BUNDLE / "Paydesk"
VERIFIED = ROOT / "build" / "verified-bundle.sha256"
# Wayland's EGL glue: only an OpenGL surface on Wayland loads it, and Paydesk's widgets paint without
# OpenGL. Every Wayland desktop has it (libwayland-egl1); PyInstaller cannot bundle what is not installed.
NOT_NEEDED_BY_PAYDESK = {"libwayland-egl.so.1"}
SIZE_LIMIT_MB = 150  # measured 130 MB (160 before ICU's data was trimmed); see packaging/bundle_contents.py

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle is built on Linux"),
]


def _bundle_contents() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_contents", ROOT / "packaging" / "bundle_contents.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundle() -> Path:
    mode = os.environ.get("PAYDESK_BUNDLE_TEST") or ("always" if os.environ.get("CI") else "auto")
    if mode == "never":
        pytest.skip("PAYDESK_BUNDLE_TEST=never")
    verified = VERIFIED.read_text().strip() if VERIFIED.is_file() else ""
    if mode == "auto" and EXECUTABLE.is_file() and verified == _bundle_contents().inputs_digest():
        return BUNDLE
    result = subprocess.run(["bash", str(ROOT / "packaging" / "build-linux.sh")], cwd=ROOT, capture_output=True, text=True,
                            timeout=1700, check=False)
    assert result.returncode == 0, f"packaging/build-linux.sh failed:\n{result.stdout[-4000:]}\n{result.stderr[-6000:]}"
    return BUNDLE


def self_test(executable: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("QT_", "PYTHON"))}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)  # the self-test must pick the offscreen platform by itself
    return subprocess.run([str(executable), "--self-test"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def test_the_bundle_passes_the_same_self_test_as_the_source(bundle: Path, tmp_path: Path) -> None:
    result = self_test(bundle / "Paydesk", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name, _ in CHECKS:
        assert any(line.startswith(f"ok  {name}: ") for line in lines), f"no ok line for {name}:\n{result.stdout}"
    assert f"ok  version: Paydesk {__version__} (installed program, {bundle / 'Paydesk'})" in result.stdout
    assert f"ok  resources: found at {bundle / '_internal' / 'resources'}" in result.stdout
    assert "ok  window: shown on Qt platform 'offscreen'" in result.stdout
    assert lines[-1].startswith(f"self-test passed: {len(CHECKS)} checks")
    assert not list(bundle.rglob("__pycache__")), "the frozen program wrote bytecode into its own folder"


def test_the_command_line_works_frozen(bundle: Path) -> None:
    result = subprocess.run([str(bundle / "Paydesk"), "--version"], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == f"paydesk {__version__}"


def test_the_bundle_stays_small(bundle: Path) -> None:
    size = sum(p.lstat().st_blocks * 512 for p in bundle.rglob("*")) / 2**20
    print(f"bundle size: {size:.0f} MB")
    assert size < SIZE_LIMIT_MB, f"dist/Paydesk is {size:.0f} MB: something big came in (see build/paydesk/xref-paydesk.html)"


def test_qt_in_the_bundle_answers_from_its_trimmed_icu_data(bundle: Path) -> None:
    library = next((bundle / "_internal" / "PySide6" / "Qt" / "lib").glob("libicudata.so.*"))
    assert library.stat().st_size < 8 * 2**20, f"{library.name} is not trimmed (packaging/icu_data.py)"
    locales = ["de_DE", "sv_SE", "tr_TR", "cs_CZ", "fr_FR", "ru_RU"]
    answers, errors = icu_answers(locales, library)
    assert answers == icu_answers(locales)[0] | {"codecs": answers["codecs"]}
    assert "windows-1252" in answers["codecs"] and not errors.strip()


def _needed(path: Path) -> list[str]:
    output = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=False).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in output.splitlines() if "(NEEDED)" in line]


@pytest.mark.skipif(shutil.which("readelf") is None or shutil.which("ldconfig") is None, reason="needs readelf and ldconfig")
def test_every_library_the_bundle_links_is_in_it_or_on_the_system(bundle: Path) -> None:
    system = {line.split(" (", 1)[0].strip() for line in subprocess.run(
        ["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout.splitlines()[1:]}
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and p.read_bytes()[:4] == b"\x7fELF"]
    bundled = {p.name for p in bundle.rglob("*")}
    missing = {f"{path.relative_to(bundle)} needs {name}" for path in files for name in _needed(path)
               if name not in bundled | system | NOT_NEEDED_BY_PAYDESK}
    assert not missing, "\n".join(sorted(missing))
    dangling = [str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling


def test_a_damaged_bundle_says_what_is_missing(bundle: Path, tmp_path: Path) -> None:
    copy = tmp_path / "Paydesk"
    if subprocess.run(["cp", "-al", str(bundle), str(copy)], check=False).returncode != 0:
        shutil.copytree(bundle, copy, symlinks=True)
    (copy / "_internal" / "resources" / "fonts" / "DejaVuSans-Bold.ttf").unlink()
    shutil.rmtree(copy / "_internal" / "desktop" / "store" / "migrations")
    result = self_test(copy / "Paydesk", tmp_path)
    assert result.returncode == 1
    assert "FAIL fonts: DejaVuSans-Bold.ttf missing in " in result.stdout
    assert "FAIL database: " in result.stdout and "FAIL upgrade: " in result.stdout
    assert "ok  vat numbers: " in result.stdout  # the other checks still ran
    assert result.stdout.splitlines()[-1].startswith("self-test FAILED: ")
    assert (bundle / "_internal" / "resources" / "fonts" / "DejaVuSans-Bold.ttf").is_file()  # the original is intact
