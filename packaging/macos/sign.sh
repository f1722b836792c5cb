#!/usr/bin/env bash
# Signs dist/Paydesk.app (or the paths given) for distribution with a Developer ID certificate:
#   codesign --deep --options runtime --timestamp (hardened runtime, needed for notarization).
#
#   APPLE_SIGNING_IDENTITY="Developer ID Application: Example B.V. (TEAMID1234)" packaging/macos/sign.sh [PATH...]
#
# Optional, for CI: APPLE_CERTIFICATE_P12_BASE64 and APPLE_CERTIFICATE_PASSWORD import the
# certificate into a temporary keychain first. Without APPLE_SIGNING_IDENTITY it signs nothing,
# says so, and exits 0: the app keeps PyInstaller's ad-hoc signature, which runs on the machine
# that built it; users elsewhere must right-click > Open it once (README, "Installing").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log() { echo "[sign] $*" >&2; }
(($# > 0)) || set -- "$ROOT/dist/Paydesk.app"

if [[ -z "${APPLE_SIGNING_IDENTITY:-}" ]]; then
    log "skipped: no APPLE_SIGNING_IDENTITY set, so $* stays unsigned (ad-hoc). Set it to a"
    log "'Developer ID Application: ...' identity in your keychain to sign for distribution."
    exit 0
fi

if [[ -n "${APPLE_CERTIFICATE_P12_BASE64:-}" ]]; then
    keychain="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/paydesk-signing.keychain-db"
    keychain_password="$(uuidgen)"
    certificate="$(mktemp)"
    trap 'rm -f "$certificate"' EXIT
    echo "$APPLE_CERTIFICATE_P12_BASE64" | base64 --decode >"$certificate"
    security create-keychain -p "$keychain_password" "$keychain"
    security set-keychain-settings -lut 21600 "$keychain"
    security unlock-keychain -p "$keychain_password" "$keychain"
    security import "$certificate" -P "${APPLE_CERTIFICATE_PASSWORD:-}" -A -t cert -f pkcs12 -k "$keychain"
    security set-key-partition-list -S apple-tool:,apple: -k "$keychain_password" "$keychain" >/dev/null
    # shellcheck disable=SC2046  # the existing keychains, one word each
    security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
    log "imported the signing certificate into $keychain"
fi

for target in "$@"; do
    log "signing $target as '$APPLE_SIGNING_IDENTITY'"
    codesign --force --deep --options runtime --timestamp \
        --entitlements "$ROOT/packaging/macos/entitlements.plist" --sign "$APPLE_SIGNING_IDENTITY" "$target"
    codesign --verify --deep --strict --verbose=2 "$target"
done
