#!/usr/bin/env sh
# Adds Paydesk to your desktop's application menu (for you only, no administrator rights needed).
# Run it from the unpacked Paydesk folder, wherever you keep it: ./add-to-menu.sh
# To remove the entry: rm ~/.local/share/applications/paydesk.desktop
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
mkdir -p "$APPS"
sed -e "s|@EXEC@|$HERE/Paydesk|" -e "s|@ICON@|$HERE/paydesk.png|" "$HERE/paydesk.desktop.in" >"$APPS/paydesk.desktop"
chmod 644 "$APPS/paydesk.desktop"
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database "$APPS" >/dev/null 2>&1 || true
fi
echo "Paydesk is in your application menu ($APPS/paydesk.desktop)."
