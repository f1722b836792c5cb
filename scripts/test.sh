#!/usr/bin/env bash
# One command from a fresh Debian/Ubuntu machine to the whole test suite: sets everything up
# (scripts/setup.sh), then runs `ruff check .` and `pytest`, headless (QT_QPA_PLATFORM=offscreen
# unless already set). Extra arguments go to pytest, e.g. scripts/test.sh -x tests/unit -k money
#
# Exit code: pytest's; 1 when pytest collected no tests (its code 5), and 1 when ruff found
# problems but pytest passed (pytest still runs after a ruff failure so you see both).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
START_NS="$(date +%s%N)"

# shellcheck disable=SC2317  # called by the EXIT trap
print_wall_time() {
    local ms=$((($(date +%s%N) - START_NS) / 1000000))
    printf '[test] total wall time: %dm%02d.%01ds\n' $((ms / 60000)) $((ms / 1000 % 60)) $((ms % 1000 / 100)) >&2
}
trap print_wall_time EXIT

"$ROOT/scripts/setup.sh"
cd "$ROOT"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

echo "[test] ruff check ." >&2
ruff_rc=0
"$PY" -m ruff check . || ruff_rc=$?

echo "[test] pytest $*" >&2
pytest_rc=0
"$PY" -m pytest "$@" || pytest_rc=$?

status="$pytest_rc"
if ((pytest_rc == 5)); then
    echo "[test] FAILED: pytest collected no tests (exit code 5)" >&2
    status=1
fi
if ((ruff_rc != 0)); then
    echo "[test] FAILED: ruff check found problems (exit code $ruff_rc)" >&2
    ((status != 0)) || status=1
fi
if ((status == 0)); then
    echo "[test] OK" >&2
elif ((pytest_rc != 0 && pytest_rc != 5)); then
    echo "[test] FAILED: pytest exit code $pytest_rc" >&2
fi
exit "$status"
