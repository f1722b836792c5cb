"""Qt's ICU data library rewritten with fewer items (packaging/icu_data.py with the keep rule of
packaging/bundle_contents.py): the formats round-trip byte for byte, Qt answers exactly as with the
full data for Europe's languages, falls back to ICU's root data elsewhere, and an unexpected
library is refused instead of rewritten."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.packaging.icu_probe import QT_LIB, full_icu_data, icu_answers

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PySide6 bundles ICU on Linux only")


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", ROOT / "packaging" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


icu_data = _load("icu_data")
bc = _load("bundle_contents")

EUROPEAN = ["de_DE", "sv_SE", "tr_TR", "cs_CZ", "pl_PL", "es_ES", "fr_CH", "ru_RU", "uk_UA", "el_GR", "lt_LT", "da_DK",
            "hu_HU", "sr_RS", "nb_NO", "fi_FI", "et_EE", "hr_HR", "is_IS", "en_GB"]


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("icu") / full_icu_data().name
    done = icu_data.trim_library(full_icu_data(), target, bc.keep_icu_item)
    assert done.size_after < done.size_before / 4 and done.items_kept < done.items_before
    return target


def test_a_package_reads_and_writes_back_byte_for_byte() -> None:
    package = icu_data.library_package(full_icu_data())
    header, items = icu_data.read_package(package)
    assert len(items) > 3000 and items[0][0].startswith("icudt")
    assert icu_data.write_package(header, items) == package
    with pytest.raises(ValueError, match="sorted"):
        icu_data.write_package(header, list(reversed(items[:3])))


def test_keeping_every_item_leaves_the_library_as_it_was(tmp_path: Path) -> None:
    done = icu_data.trim_library(full_icu_data(), tmp_path / "same.so", lambda name, item: True)
    assert (tmp_path / "same.so").read_bytes() == full_icu_data().read_bytes()
    assert done.items_kept == done.items_before


def test_the_trimmed_library_keeps_what_qt_reads_and_drops_the_rest(trimmed: Path) -> None:
    _, items = icu_data.read_package(icu_data.library_package(trimmed))
    names = {name.split("/", 1)[1] for name, _ in items}
    assert {"coll/ucadata.icu", "coll/root.res", "coll/de.res", "coll/sv.res", "zone/de.res", "zone/pool.res", "root.res",
            "de_AT.res", "zoneinfo64.res", "metaZones.res", "supplementalData.res", "cnvalias.icu",
            "ibm-5348_P100-1997.cnv"} <= names  # ibm-5348 is windows-1252
    assert not {"coll/ja.res", "zone/zh.res", "ja.res", "gb18030.cnv", "brkitr/cjdict.dict", "curr/de.res"} & names
    assert not any(name.startswith(bc.ICU_TREES_DROPPED) for name in names)


def test_qt_answers_as_with_the_full_data_for_european_languages(trimmed: Path) -> None:
    full, _ = icu_answers(EUROPEAN)
    answers, errors = icu_answers(EUROPEAN, trimmed)
    assert answers.pop("codecs") == "codecs windows-1250 windows-1251 windows-1252 ISO-8859-2 ISO-8859-15 KOI8-R IBM850"
    assert full.pop("codecs").endswith("IBM850 Shift_JIS GB18030 Big5")
    assert answers == full
    assert "Mitteleuropäische Normalzeit" in answers["de_DE"]
    assert answers["sv_SE"].index("Zebra") < answers["sv_SE"].index("Ångström") < answers["sv_SE"].index("Äpfel")
    assert answers["de_DE"].index("Äpfel") < answers["de_DE"].index("Zebra")
    assert "collator" not in errors.lower()


def test_other_languages_fall_back_to_the_root_data_without_errors(trimmed: Path) -> None:
    answers, errors = icu_answers(["ja_JP", "zh_CN"], trimmed)
    assert answers["ja_JP"].endswith("| Central European Standard Time / Eastern Standard Time")
    assert answers["zh_CN"].endswith("| Central European Standard Time / Eastern Standard Time")
    assert not errors.strip()


def test_a_library_laid_out_differently_is_refused(tmp_path: Path) -> None:
    with pytest.raises(icu_data.LayoutError):
        icu_data.trim_library(next(QT_LIB.glob("libicuuc.so.*")), tmp_path / "x.so", bc.keep_icu_item)
    with pytest.raises(icu_data.LayoutError, match="ELF"):
        icu_data.trim_library(ROOT / "pyproject.toml", tmp_path / "x.so", bc.keep_icu_item)
    assert not (tmp_path / "x.so").exists()
