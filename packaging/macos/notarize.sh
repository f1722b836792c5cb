#!/usr/bin/env bash
# Notarizes a signed disk image with Apple and staples the ticket to it, so Gatekeeper opens
# Paydesk without warnings, even offline:
#   xcrun notarytool submit --wait, then xcrun stapler staple.
#
#   packaging/macos/notarize.sh dist/Paydesk-0.1.0-macos-arm64.dmg
#
# Needs a signed image (packaging/macos/sign.sh, APPLE_SIGNING_IDENTITY) and an Apple ID:
# APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD (an app-specific password from appleid.apple.com).
# Without them it notarizes nothing, says so, and exits 0.
set -euo pipefail

log() { echo "[notarize] $*" >&2; }
(($# == 1)) || { echo "usage: $0 IMAGE.dmg" >&2; exit 2; }
image="$1"

if [[ -z "${APPLE_SIGNING_IDENTITY:-}" ]]; then
    log "skipped: $image is not signed (no APPLE_SIGNING_IDENTITY); Apple notarizes signed programs only."
    exit 0
fi
missing=()
for name in APPLE_ID APPLE_TEAM_ID APPLE_APP_PASSWORD; do
    [[ -n "${!name:-}" ]] || missing+=("$name")
done
if ((${#missing[@]})); then
    log "skipped: ${missing[*]} not set, so $image is signed but not notarized."
    exit 0
fi

log "submitting $image to Apple's notary service (this waits for the verdict, usually a few minutes)"
xcrun notarytool submit "$image" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD" --wait
xcrun stapler staple "$image"
xcrun stapler validate "$image"
log "notarized and stapled: $image"
