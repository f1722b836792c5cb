"""What goes into the frozen bundle, kept out of the spec so it can be tested and linted.

``paydesk.spec`` imports this file; it needs no PyInstaller itself. Everything here answers one
question: which files and modules does Paydesk load in ways PyInstaller's import scan cannot see
(by path, by name in a string, through a folder listing), so that nothing fails only when frozen.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
APP_NAME = "Paydesk"
CLI_NAME = "paydesk-cli"  # the console twin of Paydesk.exe on Windows (a windowed .exe has no stdout)
BUNDLE_ID = "org.paydesk.Paydesk"
ICONS = ROOT / "packaging" / "icons"

# Paydesk uses QtCore, QtGui and QtWidgets only (grep -r "from PySide6" desktop/). PyInstaller collects
# only what is imported, but naming the rest keeps a stray import (a library probing for Qt) from
# dragging in QML, WebEngine or networking; the Qt libraries of those are most of PySide6's size.
QT_USED = ("QtCore", "QtGui", "QtWidgets")
QT_EXCLUDED = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender", "QtAxContainer", "QtBluetooth",
    "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDBus", "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp",
    "QtHttpServer", "QtLocation", "QtMultimedia", "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL",
    "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml", "QtQuick", "QtQuick3D",
    "QtQuickControls2", "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus",
    "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine", "QtSvg", "QtSvgWidgets", "QtTest", "QtTextToSpeech",
    "QtUiTools", "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets",
    "QtWebView", "QtXml",
)
# Test and development tools that are installed in the same virtualenv but never run inside the app.
DEV_EXCLUDED = (
    "pytest", "_pytest", "pytestqt", "pypdf", "aiosmtpd", "ruff", "tkinter", "_tkinter", "IPython", "readline",
    # Only reached from code Paydesk never runs: syntax highlighting (mako.ext, reportlab.lib.pygments2xpre),
    # pkg_resources (python-stdnum's fallback for Python < 3.9), pydoc's help topics.
    "pygments", "pkg_resources", "pydoc_data", "mako.ext", "mako.testing",
    # Pillow's AVIF codec (4.7 MB), text rendering (FreeType, HarfBuzz) and colour management: a logo
    # is only decoded (PNG, JPEG, WebP, GIF, TIFF ...) and re-encoded as JPEG.
    "PIL.ImageQt", "PIL.ImageTk", "PIL._avif", "PIL.AvifImagePlugin", "PIL._imagingft", "PIL._imagingcms",
)

# Qt plugins PyInstaller collects for QtGui that Paydesk cannot use: the GTK platform theme (it drags
# in GTK, Pango, Cairo and ATK), platforms for embedded devices (EGL full screen, framebuffer, VNC,
# Vulkan display), and plugins for networking, printing, SQL and touch input devices. On Wayland,
# the widgets paint into shared memory: the buffer integrations are for OpenGL surfaces (and pull in
# libQt6OpenGL), and desktop compositors speak xdg-shell, not the IVI (car), full-screen, Qt or the
# retired wl-shell protocols. Images: the logo is PNG or JPEG (desktop/services/company.py) and
# theme icons are PNG or SVG; TIFF, WebP, ICNS, TGA and WBMP are never opened by Qt.
QT_PLUGINS_DROPPED = (
    "platformthemes/libqgtk3", "imageformats/libqpdf", "imageformats/qpdf", "platforms/libqeglfs",
    "platforms/libqlinuxfb", "platforms/libqminimalegl",
    "platforms/libqvkkhrdisplay", "platforms/libqvnc", "platforms/qvnc", "egldeviceintegrations/",
    "networkinformation/", "tls/", "sqldrivers/", "printsupport/", "generic/", "wayland-graphics-integration-server/",
    "wayland-graphics-integration-client/", "wayland-shell-integration/libivi-shell",
    "wayland-shell-integration/libfullscreen-shell-v1", "wayland-shell-integration/libqt-shell",
    "wayland-shell-integration/libwl-shell-plugin",
    "imageformats/libqtiff", "imageformats/qtiff", "imageformats/libqwebp", "imageformats/qwebp",
    "imageformats/libqicns", "imageformats/qicns", "imageformats/libqtga", "imageformats/qtga",
    "imageformats/libqwbmp", "imageformats/qwbmp",
)
# Shared libraries (file name prefixes) that only the dropped plugins and modules need: QtNetwork and
# Kerberos, the EGL full-screen support, Wayland's OpenGL and wl-shell glue, and the GTK theme's
# libraries. The X11 helpers are loaded by the system's libxcb, which is never bundled, so they are
# always on a system that runs Paydesk.
QT_LIBRARIES_DROPPED = (
    "libQt6Network", "libQt6EglFSDeviceIntegration", "libQt6EglFsKmsSupport", "libQt6Pdf", "libQt6Qml", "libQt6Quick",
    "Qt6Network", "Qt6Pdf", "Qt6Qml", "Qt6Quick", "libQt6OpenGL.", "libQt6WlShellIntegration.",
    "libgssapi_krb5.", "libkrb5.", "libk5crypto.", "libkrb5support.", "libcom_err.", "libkeyutils.",
    "libgtk-3.", "libgdk-3.", "libatk-1.0.", "libatk-bridge-2.0.", "libatspi.", "libcairo.", "libcairo-gobject.",
    "libpango-1.0.", "libpangocairo-1.0.", "libpangoft2-1.0.", "libgdk_pixbuf-2.0.", "libharfbuzz.so", "libfribidi.",
    "libthai.", "libdatrie.", "libgraphite2.", "libpixman-1.", "libepoxy.", "libjpeg.so", "libgio-2.0.", "libgmodule-2.0.",
    "libgobject-2.0.", "libmount.", "libblkid.", "libselinux.", "libbsd.", "libmd.so", "libXau.so", "libXdmcp.",
    "libXext.", "libXrender.", "libreadline.", "libtinfo.",
)# Linux: libraries the system provides, as it does for the source app (README: the Qt system
# libraries scripts/setup.sh installs). PySide6's wheels never bundle them either; a bundled copy
# would shadow the system's, and an old libstdc++ breaks the system's OpenGL drivers.
LINUX_SYSTEM_LIBRARIES = (
    "libglib-2.0.", "libgthread-2.0.", "libpcre2-8.", "libdbus-1.", "libsystemd.", "libgcrypt.", "libgpg-error.",
    "liblz4.", "libcap.", "libzstd.", "libfontconfig.", "libfreetype.", "libpng16.", "libbrotlicommon.", "libbrotlidec.",
    "libexpat.", "libuuid.", "libxkbcommon.", "libxkbcommon-x11.", "libX11.", "libX11-xcb.", "libxcb-", "libxcb.",
    "libstdc++.", "libgcc_s.", "libEGL.", "libGL.", "libGLX.", "libOpenGL.", "libwayland-",
)

# Modules imported by name at run time, which an import scan cannot follow.
HIDDEN_PACKAGES = (
    "stdnum",             # vatin.validate() imports stdnum.<country>.vat by name
    "schwifty.checksum",  # imported by listing the folder's *.py files: see SOURCE_ALSO
    "keyring.backends",   # found through entry points (the reminders' SMTP password)
    "alembic",            # the migration scripts are loaded by path and import alembic.op / alembic.context
    "desktop",            # every module of ours, also those only imported lazily or by name
)
# Packages whose .py sources must exist in the bundle next to the compiled modules: schwifty
# registers its national check-digit algorithms by globbing its own folder for *.py files; without
# them IBAN.generate() silently computes different (wrong) IBANs for Spain, Italy, Belgium ...
SOURCE_ALSO = ("schwifty.checksum",)
# Distribution metadata read at run time (importlib.metadata.version / entry points).
METADATA = ("keyring", "schwifty", "pycountry")
# Data files of third-party packages (PyInstaller's hooks cover most; these are belt and braces).
PACKAGE_DATA = ("stdnum", "schwifty", "babel", "reportlab", "certifi")
# Data nobody reads: pycountry's 22 MB of translated country names and its languages and country
# subdivisions (schwifty only looks country codes up: pycountry.countries), python-stdnum's registries
# of network hardware and phone operators, Qt's translations of tools, and ReportLab's sample fonts
# (Paydesk embeds DejaVu, desktop/documents/fonts.py; the 14 standard PDF fonts' metrics are Python
# modules; these files are read only when a program registers one of them by name).
PACKAGE_DATA_DROPPED = (
    "pycountry/locales/", "pycountry/databases/iso639-3.json", "pycountry/databases/iso3166-2.json",
    "stdnum/oui.dat", "stdnum/imsi.dat", "stdnum/cn/loc.dat", "reportlab/fonts/",
)
QT_TRANSLATIONS_KEPT = ("qtbase_",)  # desktop/ui/application.py installs Qt's own "qtbase" texts
# babel formats documents in the customers' languages and the window in the system's locale. Its
# locale data is 30 MB for 314 languages; the bundle keeps Europe's languages (Paydesk's market,
# SEPA), each with all its regional variants (en_US, pt_BR, es_MX ...). A system locale outside this
# list formats as English (desktop/ui/formatting.py falls back); the document languages are checked
# against it by tests/packaging/test_bundle_contents.py.
BABEL_LANGUAGES = frozenset({
    "root", "bg", "bs", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "eu", "fi", "fo", "fr", "fy", "ga", "gd", "gl",
    "hr", "hu", "is", "it", "lb", "lt", "lv", "mk", "mt", "nb", "nl", "nn", "no", "pl", "pt", "rm", "ro", "ru", "se", "sk",
    "sl", "sq", "sr", "sv", "tr", "uk",
})

# Qt's ICU data (libicudata.so.73, 31 MB of PySide6's Linux wheel), rewritten by packaging/icu_data.py
# with what Qt reaches. libQt6Core calls ICU only for collation (ucol_*: QCollator, the file dialog's
# sorting), case mapping (u_strTo*: built into libicuuc, no data), time zones (ucal_*: QTimeZone
# names) and legacy text codecs (ucnv_*: QStringDecoder by name); `readelf --dyn-syms` lists them.
# Break iteration, transliteration, spelled-out numbers and the display names of currencies,
# languages, regions and units are never asked for: Qt has its own CLDR tables, and babel formats
# the documents. Locale-specific items are kept for BABEL_LANGUAGES; any other locale falls back to
# ICU's root data (code-point collation order, "GMT+9" zone names), as for a locale ICU lacks.
ICU_TREES_DROPPED = ("brkitr/", "curr/", "lang/", "region/", "unit/", "translit/", "rbnf/")
ICU_ALWAYS_KEPT = ("root.res", "pool.res", "res_index.res")  # every tree's fallback, shared strings, index
_ICU_LOCALE = re.compile(r"([a-z]{2,3})(?:_[A-Za-z0-9]+)*\.res")
_ICU_DATA_LIBRARY = re.compile(r"libicudata\.so\.\d+")

# The files the frozen app reads by path. Migrations: desktop/store/migrate.py points Alembic at the
# folder beside itself, and head() lists versions/NNNN_*.py, so the .py files must be there as files.
DATA_TREES = (("resources", ("",)), ("desktop/store/migrations", (".py", ".mako")))
SKIPPED_NAMES = ("__pycache__", ".DS_Store", "Thumbs.db")

# What the bundle is built from, besides the Python modules PyInstaller follows from the entry point.
# The test suite rebuilds the bundle outside CI when these changed since the last verified build
# (tests/packaging/test_linux_bundle.py); CI rebuilds it every time.
BUNDLE_INPUTS = (
    "packaging", "pyproject.toml", "resources", "desktop/__init__.py", "desktop/__main__.py", "desktop/app.py",
    "desktop/cli.py", "desktop/selftest.py", "desktop/ui/self_check.py", "desktop/store/old_schema.py",
    "desktop/store/migrate.py", "desktop/store/migrations", "desktop/documents/resources.py", "desktop/documents/fonts.py",
)


def version() -> str:
    """``desktop.__version__``, the single source of the version (pyproject.toml reads it too)."""
    tree = ast.parse((ROOT / "desktop" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets):
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    raise ValueError("desktop/__init__.py has no __version__ = '...'")


def version_tuple(text: str) -> tuple[int, int, int, int]:
    """``"1.2.3"`` -> ``(1, 2, 3, 0)`` for the Windows version resource (pre-release tags dropped)."""
    numbers = [int(re.sub(r"\D.*", "", part) or 0) for part in text.split(".")[:4]]
    padded = [*numbers, 0, 0, 0, 0][:4]
    return padded[0], padded[1], padded[2], padded[3]


def _files(folder: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        skipped = any(part in SKIPPED_NAMES for part in path.parts)
        if path.is_file() and not skipped and path.name.endswith(suffixes):
            yield path


def data_files() -> list[tuple[str, str]]:
    """(source file, folder inside the bundle) for every file the app reads by path."""
    pairs = []
    for tree, suffixes in DATA_TREES:
        for path in _files(ROOT / tree, suffixes):
            pairs.append((str(path), path.parent.relative_to(ROOT).as_posix()))
    return pairs


def keep(dest_name: str) -> bool:
    """Whether the file collected as ``dest_name`` (a path inside the bundle) stays in the bundle."""
    return keep_binary(dest_name) and keep_data(dest_name)


def keep_binary(dest_name: str) -> bool:
    """False for Qt plugins and libraries Paydesk cannot use (see QT_PLUGINS_DROPPED)."""
    name = dest_name.replace("\\", "/")
    if "/plugins/" in name and any(f"/plugins/{dropped}" in name for dropped in QT_PLUGINS_DROPPED):
        return False
    base = name.rsplit("/", 1)[-1]
    if "/" not in name and base.startswith(LINUX_SYSTEM_LIBRARIES):  # top level only: pillow.libs has its own
        return False
    return not base.startswith(QT_LIBRARIES_DROPPED)


def keep_data(dest_name: str) -> bool:
    """False for data files nobody reads (see PACKAGE_DATA_DROPPED, BABEL_LANGUAGES)."""
    name = dest_name.replace("\\", "/")
    base = name.rsplit("/", 1)[-1]
    if "babel/locale-data/" in name and base.endswith(".dat"):
        return base.removesuffix(".dat").split("_")[0] in BABEL_LANGUAGES
    if "Qt/translations/" in name:
        return base.startswith(QT_TRANSLATIONS_KEPT) and base.removesuffix(".qm").split("_")[1] in BABEL_LANGUAGES
    return not any(dropped in name for dropped in PACKAGE_DATA_DROPPED)


def is_icu_data(dest_name: str) -> bool:
    """Whether ``dest_name`` (a path inside the bundle) is ICU's data library, which the spec trims."""
    return bool(_ICU_DATA_LIBRARY.fullmatch(dest_name.replace("\\", "/").rsplit("/", 1)[-1]))


def keep_icu_item(name: str, item: bytes = b"") -> bool:
    """Whether Qt's ICU data keeps ``name`` (``coll/de.res``, ``ibm-5348_P100-1997.cnv``; see ICU_TREES_DROPPED).

    ``item`` is the item's bytes, needed for converters (``.cnv``): the single-byte code pages
    (Windows-125x, ISO-8859-x, KOI8, DOS and Mac code pages) stay, the multi-byte East Asian ones
    (Shift-JIS, GB18030, Big5, EUC: 4.5 of the 4.9 MB of converters) go.
    """
    if name.startswith(ICU_TREES_DROPPED):
        return False
    base = name.rsplit("/", 1)[-1]
    if base.endswith(".cnv"):
        return _max_bytes_per_char(item) == 1
    locale = _ICU_LOCALE.fullmatch(base)
    if base in ICU_ALWAYS_KEPT or locale is None:
        return True
    return locale.group(1) in BABEL_LANGUAGES


def _max_bytes_per_char(converter: bytes) -> int:
    """``maxBytesPerChar`` of an ICU .cnv item: after the data header, UConverterStaticData
    (uint32 size, char name[60], int32 codepage, int8 platform, int8 type, int8 min, int8 max)."""
    header_size = int.from_bytes(converter[:2], "little")
    return converter[header_size + 4 + 60 + 4 + 3]


def windows_version_info(text_version: str, exe_name: str) -> Any:
    """The version resource Windows shows in an .exe's properties (a PyInstaller VSVersionInfo)."""
    from PyInstaller.utils.win32 import versioninfo as vi

    numbers = version_tuple(text_version)
    strings = [
        vi.StringStruct("CompanyName", APP_NAME), vi.StringStruct("FileDescription", APP_NAME),
        vi.StringStruct("FileVersion", text_version), vi.StringStruct("InternalName", exe_name),
        vi.StringStruct("OriginalFilename", f"{exe_name}.exe"), vi.StringStruct("ProductName", APP_NAME),
        vi.StringStruct("ProductVersion", text_version),
    ]
    return vi.VSVersionInfo(
        ffi=vi.FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            vi.StringFileInfo([vi.StringTable("040904B0", strings)]),  # US English, Unicode
            vi.VarFileInfo([vi.VarStruct("Translation", [1033, 1200])]),
        ],
    )


def info_plist(text_version: str) -> dict[str, object]:
    """The macOS Info.plist entries (PyInstaller fills in the executable, icon and package type)."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleExecutable": APP_NAME,
        "CFBundleShortVersionString": text_version,
        "CFBundleVersion": text_version,
        "LSMinimumSystemVersion": "12.0",
        "LSApplicationCategoryType": "public.app-category.finance",
        "LSBackgroundOnly": False,
        "NSHighResolutionCapable": True,
        "NSPrincipalClass": "NSApplication",
        "NSHumanReadableCopyright": "Paydesk",
    }


def inputs_digest(root: Path = ROOT) -> str:
    """A SHA-256 over the bundle inputs' paths and contents (caches ignored)."""
    digest = hashlib.sha256()
    for entry in BUNDLE_INPUTS:
        path = root / entry
        files = [path] if path.is_file() else list(_files(path, ("",))) if path.is_dir() else []
        for file in files:
            relative = file.relative_to(root).as_posix()
            digest.update(relative.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()
