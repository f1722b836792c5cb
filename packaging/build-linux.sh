#!/usr/bin/env bash
# Builds the Linux bundle dist/Paydesk/ with PyInstaller (packaging/paydesk.spec), then runs the
# bundle's own self-test (dist/Paydesk/Paydesk --self-test) and fails when any check fails.
#
#   packaging/build-linux.sh [--archive] [--clean]
#
#   --archive  also write dist/Paydesk-<version>-linux-<arch>.tar.gz (what the installers workflow uploads)
#   --clean    drop PyInstaller's caches first (build/ and its per-user cache)
#
# Uses the project's virtualenv (.venv; made by scripts/setup.sh when missing) and installs the
# `packaging` extra (PyInstaller, Pillow) into it when missing or when pyproject.toml changed.
# Work files go to build/, the bundle to dist/ (both ignored by git). On success the digest of the
# bundle inputs is written to build/verified-bundle.sha256 (see tests/packaging/test_linux_bundle.py).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
STAMP="$ROOT/.venv/.paydesk-packaging.stamp"
archive=0
clean=()
for arg in "$@"; do
    case "$arg" in
        --archive) archive=1 ;;
        --clean) clean=(--clean) ;;
        *) echo "usage: $0 [--archive] [--clean]" >&2; exit 2 ;;
    esac
done
log() { echo "[build-linux] $*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

[[ -x "$PY" ]] || "$ROOT/scripts/setup.sh"
cd "$ROOT"

wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if ! "$PY" -c "import PyInstaller, PIL" 2>/dev/null || [[ "$(cat "$STAMP" 2>/dev/null)" != "$wanted" ]]; then
    log "installing the packaging extra: pip install -e '.[packaging]'"
    "$PY" -m pip install --quiet --disable-pip-version-check -e '.[packaging]' >&2
    echo "$wanted" >"$STAMP"
fi

version="$("$PY" -c 'import sys; sys.path.insert(0, "packaging"); import bundle_contents; print(bundle_contents.version())')"
started="$(now_ms)"
log "PyInstaller $("$PY" -m PyInstaller --version), Paydesk $version -> dist/Paydesk"
"$PY" -m PyInstaller --noconfirm --log-level WARN "${clean[@]}" --distpath "$ROOT/dist" --workpath "$ROOT/build" \
    "$ROOT/packaging/paydesk.spec"
built="$(now_ms)"
cp packaging/linux/paydesk.desktop.in packaging/linux/add-to-menu.sh dist/Paydesk/
cp packaging/icons/paydesk.png dist/Paydesk/paydesk.png
log "built in $(((built - started) / 1000)) s; size $(du -sh dist/Paydesk | cut -f1) (du -sh dist/Paydesk)"

log "self-test of the bundle: dist/Paydesk/Paydesk --self-test"
(cd "$(mktemp -d)" && "$ROOT/dist/Paydesk/Paydesk" --self-test)
log "self-test passed in $((($(date +%s%N) / 1000000 - built) / 1000)) s"
"$PY" -c 'import sys; sys.path.insert(0, "packaging"); import bundle_contents; print(bundle_contents.inputs_digest())' \
    >build/verified-bundle.sha256

if ((archive)); then
    name="Paydesk-$version-linux-$(uname -m).tar.gz"
    tar -C dist -czf "dist/$name" Paydesk
    log "archive: dist/$name ($(du -h "dist/$name" | cut -f1))"
fi
