#!/usr/bin/env bash
# Builds Paydesk for macOS: dist/Paydesk.app (PyInstaller, packaging/paydesk.spec), runs its
# self-test, signs it (packaging/macos/sign.sh), packs it into dist/Paydesk-<version>-macos-<arch>.dmg
# (hdiutil, with a link to /Applications to drag it onto), signs and notarizes the image
# (packaging/macos/notarize.sh), and runs the self-test again from the mounted, read-only image.
#
#   packaging/macos/build.sh
#
# Uses .venv/bin/python when there is one, else python3 (PYTHON=... to choose), and installs the
# `packaging` extra into it. Signing and notarization are skipped, with a message, without their
# environment variables (APPLE_SIGNING_IDENTITY; APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
log() { echo "[build-macos] $*" >&2; }
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi

"$PYTHON" -m pip install --quiet --disable-pip-version-check -e '.[packaging]'
version="$("$PYTHON" -c 'import sys; sys.path.insert(0, "packaging"); import bundle_contents; print(bundle_contents.version())')"
arch="$(uname -m)"
app="dist/Paydesk.app"
image="dist/Paydesk-$version-macos-$arch.dmg"

log "building $app (Paydesk $version, $arch)"
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build packaging/paydesk.spec
/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$app/Contents/Info.plist"
log "self-test of $app"
"$app/Contents/MacOS/Paydesk" --self-test

packaging/macos/sign.sh "$app"

log "packing $image"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$image"
hdiutil create -volname "Paydesk $version" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$image"
if [[ -n "${APPLE_SIGNING_IDENTITY:-}" ]]; then
    codesign --force --timestamp --sign "$APPLE_SIGNING_IDENTITY" "$image"
fi
packaging/macos/notarize.sh "$image"

log "self-test of the app inside $image (mounted read-only)"
mount_point="$(mktemp -d)"
hdiutil attach "$image" -nobrowse -readonly -mountpoint "$mount_point" >/dev/null
status=0
"$mount_point/Paydesk.app/Contents/MacOS/Paydesk" --self-test || status=$?
hdiutil detach "$mount_point" >/dev/null || hdiutil detach -force "$mount_point" >/dev/null
((status == 0)) || { log "the self-test failed in the disk image"; exit "$status"; }
log "done: $image ($(du -h "$image" | cut -f1))"
