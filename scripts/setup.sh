#!/usr/bin/env bash
# Shared setup for Paydesk on Debian/Ubuntu. Idempotent; fast when everything is in place.
#
#   1. checks that the system libraries Qt needs are installed (installs them with apt when
#      root or with passwordless sudo, otherwise prints the exact command and stops);
#   2. creates the virtualenv in .venv (needs Python 3.11+);
#   3. runs `pip install -e '.[test]'`, skipped when pyproject.toml is unchanged since the last
#      successful install (a hash of it is kept in .venv/.paydesk-install.stamp).
#
# Usage: scripts/setup.sh [--gui]
#   --gui  also check the X11/Wayland libraries needed to show windows (used by run-demo.sh);
#          without it only what the headless test suite needs (QT_QPA_PLATFORM=offscreen).
#
# The functions can be sourced for manual checks, e.g.
#   bash -c 'source scripts/setup.sh && missing_debian_packages libgl1 no-such-package'
# Sourcing defines functions and variables only; nothing runs.

PAYDESK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="$PAYDESK_ROOT/.venv"
STAMP_FILE="$VENV_DIR/.paydesk-install.stamp"

# What PySide6 needs to import QtGui/QtWidgets and run on the offscreen platform.
QT_PACKAGES=(libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3)
# What the xcb (X11) and wayland platform plugins need on top, to open real windows.
GUI_PACKAGES=(libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libwayland-client0 libwayland-cursor0)

_apt_updated=0

log() { printf '[setup] %s\n' "$*" >&2; }
die() {
    printf '[setup] ERROR: %s\n' "$*" >&2
    exit 1
}

# True when the Debian package PKG is installed.
deb_installed() {
    local status
    status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" || return 1
    [[ "$status" == *" ok installed" ]]
}

# Prints apt's candidate version of PKG; fails when apt knows no installable PKG.
apt_candidate() {
    local candidate
    candidate="$(apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }')"
    [[ -n "$candidate" && "$candidate" != "(none)" ]] || return 1
    printf '%s\n' "$candidate"
}

# Prints, one per line, those of the given packages that are not installed. A package also
# counts as installed under its 64-bit-time name (Ubuntu 24.04 / Debian 13: libglib2.0-0t64).
missing_debian_packages() {
    local pkg
    for pkg in "$@"; do
        deb_installed "$pkg" || deb_installed "${pkg}t64" || printf '%s\n' "$pkg"
    done
}

# Prints the name apt should install for PKG: PKGt64 when the archive has it (the old name is
# then only a virtual package), else PKG.
apt_install_name() {
    if [[ "$1" != *t64 ]] && apt_candidate "${1}t64" >/dev/null; then
        printf '%s\n' "${1}t64"
    else
        printf '%s\n' "$1"
    fi
}

# Runs `apt-get update` at most once per run. Arguments: the command prefix (empty or sudo -n).
apt_update_once() {
    ((_apt_updated)) && return 0
    log "apt-get update"
    "$@" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || die "apt-get update failed"
    _apt_updated=1
}

# True when this process can run apt-get as root: prints the prefix to use ("" or "sudo -n").
root_prefix() {
    if [[ "$(id -u)" -eq 0 ]]; then
        printf '\n'
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        printf 'sudo -n\n'
    else
        return 1
    fi
}

# Installs whichever of the given Debian packages are missing, or explains how to and fails.
ensure_debian_packages() {
    local missing names pkg prefix_line
    local -a prefix=()
    mapfile -t missing < <(missing_debian_packages "$@")
    ((${#missing[@]})) || return 0

    if ! prefix_line="$(root_prefix)"; then
        names=()
        for pkg in "${missing[@]}"; do names+=("$(apt_install_name "$pkg")"); done
        {
            echo
            echo "Paydesk needs these system packages, which are not installed:"
            echo "    ${names[*]}"
            echo "Installing them needs root, and this user is not root and has no passwordless sudo."
            echo "Run this once (you will be asked for your password), then run this command again:"
            echo
            echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${names[*]}"
            echo
        } >&2
        exit 1
    fi
    read -r -a prefix <<<"$prefix_line"

    apt_update_once "${prefix[@]}"
    names=()
    for pkg in "${missing[@]}"; do names+=("$(apt_install_name "$pkg")"); done
    log "installing system packages: ${names[*]}"
    "${prefix[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "${names[@]}" >&2 ||
        die "apt-get install failed for: ${names[*]}"

    mapfile -t missing < <(missing_debian_packages "$@")
    ((${#missing[@]} == 0)) || die "still not installed after apt-get install: ${missing[*]}"
}

# True when the python executable $1 is version 3.11 or newer.
python_ok() {
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

python_version() {
    command -v "$1" >/dev/null 2>&1 || { echo "not installed"; return 0; }
    "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null || echo "unknown"
}

# Prints the first Python 3.11+ found: $PAYDESK_PYTHON if set, else python3, else the newest
# python3.X on PATH. Fails when there is none.
find_python() {
    local candidate
    if [[ -n "${PAYDESK_PYTHON:-}" ]]; then
        python_ok "$PAYDESK_PYTHON" || return 1
        printf '%s\n' "$PAYDESK_PYTHON"
        return 0
    fi
    for candidate in python3 python3.14 python3.13 python3.12 python3.11; do
        command -v "$candidate" >/dev/null 2>&1 || continue
        if python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# Prints the Debian package that provides `-m venv` for the system python $1 (python3-venv for
# the default python3, python3.X-venv for another version); fails for non-system pythons.
venv_package_for() {
    local real version default_real
    real="$(readlink -f "$(command -v "$1")")"
    [[ "$real" == /usr/bin/python3* ]] || return 1
    version="$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" || return 1
    default_real="$(readlink -f /usr/bin/python3 2>/dev/null || true)"
    if [[ "$real" == "$default_real" ]]; then
        printf 'python3-venv\n'
    else
        printf 'python%s-venv\n' "$version"
    fi
}

# Creates .venv with python $1; on failure removes what it created and fails.
create_venv() {
    log "creating virtualenv .venv with $1 (Python $(python_version "$1"))"
    if "$1" -m venv "$VENV_DIR" >&2 && venv_ready; then
        return 0
    fi
    rm -rf "$VENV_DIR"
    return 1
}

# True when apt can install python3.11 (refreshing the package lists first when able to).
python311_installable() {
    local prefix_line
    local -a prefix=()
    apt_candidate python3.11 >/dev/null && return 0
    prefix_line="$(root_prefix)" || return 1
    read -r -a prefix <<<"$prefix_line"
    apt_update_once "${prefix[@]}"
    apt_candidate python3.11 >/dev/null
}

# True when .venv holds a working Python 3.11+ with pip.
venv_ready() {
    [[ -x "$VENV_DIR/bin/python" ]] && python_ok "$VENV_DIR/bin/python" &&
        "$VENV_DIR/bin/python" -m pip --version >/dev/null 2>&1
}

pyproject_hash() {
    sha256sum "$PAYDESK_ROOT/pyproject.toml" | cut -d' ' -f1
}

# True when the last successful `pip install` was for the current pyproject.toml and the
# project is still installed in .venv.
install_up_to_date() {
    [[ -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$(pyproject_hash)" ]] &&
        compgen -G "$VENV_DIR/lib/python3*/site-packages/paydesk-*.dist-info" >/dev/null
}

main() {
    local gui=0 arg python="" have_dpkg=0
    local -a packages=()
    for arg in "$@"; do
        case "$arg" in
            --gui) gui=1 ;;
            -h | --help)
                sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
                return 0
                ;;
            *) die "unknown argument: $arg (see --help)" ;;
        esac
    done
    cd "$PAYDESK_ROOT"

    command -v dpkg-query >/dev/null 2>&1 && have_dpkg=1

    # The virtualenv. Created before the system libraries are checked, so that a Python that
    # cannot make one (Debian without python3-venv) adds its fix to the same apt-get call.
    if ! venv_ready; then
        if [[ -e "$VENV_DIR" ]]; then
            if [[ -x "$VENV_DIR/bin/python" ]] && ! python_ok "$VENV_DIR/bin/python"; then
                die "$VENV_DIR uses Python $(python_version "$VENV_DIR/bin/python"); Paydesk needs 3.11+." \
                    "Remove it (rm -rf .venv) and run this again."
            fi
            die "$VENV_DIR exists but has no working python/pip. Remove it (rm -rf .venv) and run this again."
        fi
        if [[ -n "${PAYDESK_PYTHON:-}" ]] && ! python_ok "$PAYDESK_PYTHON"; then
            die "PAYDESK_PYTHON=$PAYDESK_PYTHON is Python $(python_version "$PAYDESK_PYTHON"); Paydesk needs 3.11+."
        fi
        if python="$(find_python)"; then
            if ! create_venv "$python"; then
                local venv_pkg=""
                if ((have_dpkg)); then venv_pkg="$(venv_package_for "$python")" || venv_pkg=""; fi
                [[ -n "$venv_pkg" ]] ||
                    die "$python cannot create a virtualenv (python -m venv fails, see above); fix that and run this again."
                log "$python cannot create a virtualenv yet: needs the $venv_pkg package"
                packages+=("$venv_pkg")
            fi
        elif ((have_dpkg)) && python311_installable; then
            # Ubuntu 22.04 ships Python 3.10 as python3 but has python3.11 in its archive.
            log "no Python 3.11+ found (python3 is $(python_version python3)); will use the distribution's python3.11"
            packages+=(python3.11 python3.11-venv)
        else
            local hint=""
            ((have_dpkg)) && hint=" On Ubuntu 22.04: sudo apt-get install -y python3.11 python3.11-venv"
            die "Paydesk needs Python 3.11 or newer, but python3 is $(python_version python3)." \
                "Install Python 3.11+ (or point PAYDESK_PYTHON at one) and run this again.$hint"
        fi
    fi

    # System libraries (and the Python packages found missing above), in one apt-get call.
    if ((have_dpkg)); then
        packages+=("${QT_PACKAGES[@]}")
        ((gui)) && packages+=("${GUI_PACKAGES[@]}")
        ensure_debian_packages "${packages[@]}"
    else
        log "warning: dpkg-query not found (not Debian/Ubuntu?); not checking the system libraries Qt needs"
    fi

    if ! venv_ready; then
        [[ -n "$python" ]] || python="$(find_python)" || die "still no Python 3.11+ after installing python3.11"
        create_venv "$python" || die "could not create the virtualenv with $python (see above)"
    fi

    # The pip packages.
    if install_up_to_date; then
        log "Python packages up to date (pyproject.toml unchanged)"
    else
        log "installing Python packages: pip install -e '.[test]' (the first time this downloads ~200 MB)"
        rm -f "$STAMP_FILE"
        "$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]' >&2 ||
            die "pip install -e '.[test]' failed (see above)"
        pyproject_hash >"$STAMP_FILE"
    fi
    log "ready: $VENV_DIR (Python $(python_version "$VENV_DIR/bin/python"))"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    main "$@"
fi
