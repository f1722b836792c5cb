"""What goes into the frozen bundle (packaging/bundle_contents.py), checked without PyInstaller:
the version's single source, the files loaded by path, what is dropped and what must stay."""

from __future__ import annotations

import ast
import importlib.util
from importlib.metadata import version as installed_version
from pathlib import Path
from types import ModuleType

import pytest
from babel.core import get_global
from babel.localedata import locale_identifiers

import desktop
from desktop.domain.languages import LANGUAGES, locale_for

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_contents", ROOT / "packaging" / "bundle_contents.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bc = _load()


def test_the_version_comes_from_desktop_init_as_pyproject_says() -> None:
    assert bc.version() == desktop.__version__ == installed_version("paydesk")
    assert 'version = { attr = "desktop.__version__" }' in (ROOT / "pyproject.toml").read_text()
    assert bc.version_tuple("1.12.3") == (1, 12, 3, 0)
    assert bc.version_tuple("2.0.0rc1") == (2, 0, 0, 0)


def test_migrations_and_resources_are_bundled_as_files_where_the_code_looks() -> None:
    pairs = set(bc.data_files())
    migrations = ROOT / "desktop" / "store" / "migrations"
    expected = {migrations / "env.py", migrations / "script.py.mako", *(migrations / "versions").glob("*.py")}
    for path in expected:
        assert (str(path), path.parent.relative_to(ROOT).as_posix()) in pairs
    resources = {p for p in (ROOT / "resources").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert {(str(p), p.parent.relative_to(ROOT).as_posix()) for p in resources} <= pairs
    assert ("resources/fonts" in {dest for _, dest in pairs}) and ("resources/i18n/documents" in {d for _, d in pairs})
    assert not any("__pycache__" in source for source, _ in pairs)


def _qt_modules_imported_by_paydesk() -> set[str]:
    found = set()
    for path in (ROOT / "desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            found |= {name.split(".")[1] for name in names if name.startswith("PySide6.")}
    return found


def test_the_qt_modules_paydesk_imports_are_the_ones_the_bundle_keeps() -> None:
    used = _qt_modules_imported_by_paydesk()
    assert used <= set(bc.QT_USED), f"update QT_USED in packaging/bundle_contents.py: Paydesk now imports {used}"
    assert not used & set(bc.QT_EXCLUDED)


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so", "PySide6/plugins/platforms/qwindows.dll",
    "PySide6/Qt/plugins/platforms/libqcocoa.dylib", "PySide6/Qt/plugins/imageformats/libqjpeg.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so", "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
    "PySide6/Qt/lib/libQt6Widgets.so.6", "PySide6/Qt/lib/libicudata.so.73", "pillow.libs/libxcb-9065bb12.so.1.1.0",
    "libcrypto.so.3", "libsqlite3.so.0", "libffi.so.8", "babel/locale-data/nl_BE.dat", "babel/locale-data/root.dat",
    "PySide6/Qt/translations/qtbase_de.qm", "stdnum/nl/banks.dat", "pycountry/databases/iso3166-1.json",
    "resources/fonts/DejaVuSans.ttf", "desktop/store/migrations/versions/0001_initial_schema.py",
    "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", "PySide6/Qt/plugins/wayland-decoration-client/libadwaita.so",
    "PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so", "PySide6/Qt/lib/libQt6Svg.so.6",
    "PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so", "PySide6/Qt/lib/libQt6WaylandClient.so.6",
    "PySide6/Qt/plugins/imageformats/libqgif.so", "reportlab/pdfbase/pdfmetrics.py",
])
def test_kept(dest: str) -> None:
    assert bc.keep(dest)


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/platforms/libqeglfs.so", "PySide6/Qt/plugins/tls/libqopensslbackend.so",
    "PySide6/Qt/lib/libQt6Network.so.6", "libQt6Network.so.6", "libgtk-3.so.0", "libgssapi_krb5.so.2",
    "libstdc++.so.6", "libxcb-cursor.so.0", "libglib-2.0.so.0", "libfontconfig.so.1",
    "pycountry/locales/de/LC_MESSAGES/iso3166-1.mo",
    "babel/locale-data/ja.dat", "PySide6/Qt/translations/assistant_de.qm", "PySide6/Qt/translations/qtbase_ja.qm",
    "stdnum/oui.dat", "pycountry/databases/iso639-3.json", "pycountry/databases/iso3166-2.json", "reportlab/fonts/Vera.ttf",
    "reportlab/fonts/DarkGarden.sfd", "PySide6/Qt/lib/libQt6OpenGL.so.6", "PySide6/Qt/lib/libQt6WlShellIntegration.so.6",
    "PySide6/Qt/plugins/wayland-graphics-integration-client/libqt-plugin-wayland-egl.so",
    "PySide6/Qt/plugins/wayland-shell-integration/libivi-shell.so", "PySide6/Qt/plugins/imageformats/libqtiff.so",
    "PySide6/Qt/plugins/imageformats/libqwebp.so",
])
def test_dropped(dest: str) -> None:
    assert not bc.keep(dest)


def _babel_parent(name: str) -> str:
    parent = get_global("parent_exceptions").get(name)
    if parent:
        return parent
    return name.rsplit("_", 1)[0] if "_" in name else "root"


def test_every_kept_babel_locale_loads_from_kept_files_only() -> None:
    kept = {name for name in [*locale_identifiers(), "root"] if bc.keep(f"babel/locale-data/{name}.dat")}
    for name in kept - {"root"}:
        parent = _babel_parent(name)
        while parent != "root":
            assert parent in kept, f"{name} inherits from {parent}, which the bundle drops"
            parent = _babel_parent(parent)


def test_documents_are_formatted_with_kept_locales_for_every_country() -> None:
    countries = sorted(get_global("territory_currencies"))
    for language in LANGUAGES:
        for country in [*countries, None]:
            assert bc.keep(f"babel/locale-data/{locale_for(language, country)}.dat")


@pytest.mark.parametrize(("name", "kept"), [
    ("coll/ucadata.icu", True), ("coll/root.res", True), ("coll/de.res", True), ("coll/sr_Latn.res", True),
    ("zone/pool.res", True), ("zone/fr_CA.res", True), ("root.res", True), ("pool.res", True), ("res_index.res", True),
    ("de_AT.res", True), ("en_US_POSIX.res", True), ("likelySubtags.res", True), ("zoneinfo64.res", True),
    ("supplementalData.res", True), ("cnvalias.icu", True), ("nfkc.nrm", True),
    ("coll/ja.res", False), ("coll/zh.res", False), ("zone/ko.res", False), ("ar_EG.res", False),
    ("brkitr/de.res", False), ("brkitr/cjdict.dict", False), ("curr/de.res", False), ("lang/de.res", False),
    ("unit/de.res", False), ("region/de.res", False), ("translit/root.res", False), ("rbnf/de.res", False),
])
def test_qt_icu_data_items(name: str, kept: bool) -> None:
    assert bc.keep_icu_item(name) is kept


def test_icu_converters_are_kept_when_single_byte() -> None:
    def converter(max_bytes: int) -> bytes:  # a data header of 32 bytes, then UConverterStaticData
        return (32).to_bytes(2, "little") + bytes(30) + bytes(4 + 60 + 4 + 3) + bytes([max_bytes]) + bytes(32)

    assert bc.keep_icu_item("ibm-5348_P100-1997.cnv", converter(1))
    assert not bc.keep_icu_item("gb18030.cnv", converter(4))
    assert bc.is_icu_data("PySide6/Qt/lib/libicudata.so.73") and not bc.is_icu_data("PySide6/Qt/lib/libicuuc.so.73")


def test_qt_collates_every_document_language_with_its_own_rules() -> None:
    for language in LANGUAGES:
        assert bc.keep_icu_item(f"coll/{language}.res") and bc.keep_icu_item(f"zone/{language}.res")


def test_the_macos_info_plist() -> None:
    plist = bc.info_plist("1.2.3")
    assert plist["CFBundleIdentifier"] == bc.BUNDLE_ID
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == "1.2.3"
    assert plist["NSHighResolutionCapable"] is True
    assert plist["CFBundleExecutable"] == bc.APP_NAME and plist["LSBackgroundOnly"] is False


def test_the_inputs_digest_follows_contents_not_caches(tmp_path: Path) -> None:
    (tmp_path / "packaging").mkdir()
    (tmp_path / "packaging" / "paydesk.spec").write_text("a")
    (tmp_path / "pyproject.toml").write_text("b")
    first = bc.inputs_digest(tmp_path)
    (tmp_path / "packaging" / "__pycache__").mkdir()
    (tmp_path / "packaging" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert bc.inputs_digest(tmp_path) == first
    (tmp_path / "pyproject.toml").write_text("c")
    assert bc.inputs_digest(tmp_path) != first
    assert all((ROOT / entry).exists() for entry in bc.BUNDLE_INPUTS)


def test_the_spec_and_the_icons_are_there() -> None:
    compile((ROOT / "packaging" / "paydesk.spec").read_text(), "paydesk.spec", "exec")
    assert (bc.ICONS / "paydesk.png").read_bytes().startswith(b"\x89PNG")
    assert (bc.ICONS / "paydesk.ico").read_bytes()[:4] == b"\0\0\1\0"
    assert (bc.ICONS / "paydesk.icns").read_bytes()[:4] == b"icns"
