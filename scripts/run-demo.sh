#!/usr/bin/env bash
# One command from a fresh Debian/Ubuntu machine to Paydesk running on a demo database:
# sets everything up (scripts/setup.sh --gui), creates the demo database if it does not exist
# yet, and opens the app on it. Extra arguments are passed to the app.
#
#   PAYDESK_DEMO_DB  where the demo database lives (default ~/.local/share/Paydesk/demo.sqlite);
#                    delete the file to get a fresh one on the next run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
DB="${PAYDESK_DEMO_DB:-$HOME/.local/share/Paydesk/demo.sqlite}"

"$ROOT/scripts/setup.sh" --gui

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
    cat >&2 <<HINT

[run-demo] No display found: neither \$DISPLAY nor \$WAYLAND_DISPLAY is set, so Paydesk's window
[run-demo] cannot be shown. Setup is done. To open the app:
[run-demo]   - run ./scripts/run-demo.sh from a terminal inside your desktop session,
[run-demo]   - use a virtual X server: sudo apt-get install -y xvfb && xvfb-run -a ./scripts/run-demo.sh,
[run-demo]   - or start it headless (no visible window, e.g. for a smoke test):
[run-demo]       QT_QPA_PLATFORM=offscreen ./scripts/run-demo.sh
HINT
    exit 2
fi

if [[ ! -e "$DB" ]]; then
    echo "[run-demo] creating the demo database at $DB" >&2
    mkdir -p "$(dirname "$DB")"
    if ! "$PY" -m desktop demo --db "$DB"; then
        # Do not leave a half-made database behind: the next run would open it as if complete.
        rm -f "$DB" "$DB-journal" "$DB-wal" "$DB-shm"
        echo "[run-demo] ERROR: creating the demo database failed (see above)" >&2
        exit 1
    fi
else
    echo "[run-demo] using the existing demo database $DB (delete it for a fresh one)" >&2
fi

echo "[run-demo] starting Paydesk" >&2
exec "$PY" -m desktop --db "$DB" "$@"
