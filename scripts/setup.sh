#!/usr/bin/env bash
# Installs what the notebooks and their tests need, inside this project, at pinned versions:
#   .venv/              Python: JupyterLab, nbclient, pytest... (requirements.txt)
#   .tools/bin/         evcxr_jupyter, the Rust kernel, built from crates.io
#   .venv/share/jupyter/kernels/rust   the kernelspec that points at that binary
# plus rustup's rust-src component (evcxr needs the standard library's source for completions and
# type lookups). Idempotent: a step already done is skipped, and a run with nothing to do prints
# one line. Usage: scripts/setup.sh [--browser]   (--browser: also Debian's Chromium, for the
# browser test).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
TOOLS="$ROOT/.tools"
EVCXR_VERSION=0.22.0
MIN_RUSTC=1.95
# cargo keeps evcxr's build here, outside the clone, so a second clone on the same machine
# installs the kernel in seconds instead of rebuilding it for minutes.
EVCXR_BUILD_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/rust-concurrency-notebooks/evcxr-target"

did=0
step() { did=1; printf '==> %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# --- Rust toolchain -----------------------------------------------------------------------------
command -v cargo >/dev/null && command -v rustc >/dev/null ||
  die "cargo and rustc are not on PATH. Install Rust with rustup (rustup.rs), then run this again."
rustc_version=$(rustc --version | awk '{print $2}')
if [ "$(printf '%s\n%s\n' "$MIN_RUSTC" "$rustc_version" | sort -V | head -n1)" != "$MIN_RUSTC" ]; then
  die "rustc $rustc_version is too old: evcxr_jupyter $EVCXR_VERSION needs >= $MIN_RUSTC (rustup update stable)."
fi
if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  step "adding rustup component rust-src (evcxr reads the standard library's source)"
  rustup component add rust-src
fi

# --- Python virtualenv ---------------------------------------------------------------------------
req_hash=$(sha256sum "$ROOT/requirements.txt" | cut -d' ' -f1)
if [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$req_hash" ]; then
  python=${PYTHON:-python3}
  command -v "$python" >/dev/null || die "python3 is not on PATH (3.10 or newer is needed)."
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
    die "$("$python" --version) is too old: 3.10 or newer is needed (set PYTHON=/path/to/python3)."
  step "creating .venv with the pinned Python packages (requirements.txt; about a minute)"
  [ -x "$VENV/bin/python" ] || "$python" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements.txt"
  echo "$req_hash" > "$VENV/.requirements.sha256"
fi

# --- evcxr_jupyter -----------------------------------------------------------------------------
evcxr="$TOOLS/bin/evcxr_jupyter"
if ! { [ -x "$evcxr" ] && [ "$(cat "$TOOLS/.evcxr-version" 2>/dev/null)" = "$EVCXR_VERSION" ]; }; then
  step "building evcxr_jupyter $EVCXR_VERSION into .tools/ (the Rust kernel; about 6 minutes on 2 cores the first time on a machine, seconds after that)"
  mkdir -p "$EVCXR_BUILD_CACHE"
  CARGO_TARGET_DIR="$EVCXR_BUILD_CACHE" cargo install --locked --quiet --force \
    --root "$TOOLS" evcxr_jupyter --version "$EVCXR_VERSION"
  echo "$EVCXR_VERSION" > "$TOOLS/.evcxr-version"
fi

# --- kernelspec ----------------------------------------------------------------------------------
# Written into the virtualenv (not ~/.local), so it points at this clone's kernel; the Makefile sets
# JUPYTER_PREFER_ENV_PATH=1 so it wins over a `rust` kernel the user may have installed elsewhere.
spec_dir="$VENV/share/jupyter/kernels/rust"
if ! { grep -qF "\"$evcxr\"" "$spec_dir/kernel.json" 2>/dev/null && [ -f "$spec_dir/logo-64x64.png" ]; }; then
  step "installing the 'rust' kernelspec into .venv (points at .tools/bin/evcxr_jupyter)"
  # evcxr's own installer writes kernel.json, its logos and its CodeMirror mode into a home folder;
  # give it a throwaway one and copy the result into the virtualenv.
  scratch=$(mktemp -d)
  HOME="$scratch" XDG_DATA_HOME="$scratch/share" JUPYTER_DATA_DIR="$scratch/share/jupyter" \
    "$evcxr" --install >/dev/null
  written=$(dirname "$(find "$scratch" -name kernel.json | head -n1)")
  grep -qF "\"$evcxr\"" "$written/kernel.json" || die "evcxr_jupyter --install wrote an unexpected kernelspec in $written"
  rm -rf "$spec_dir" && mkdir -p "$spec_dir" && cp "$written"/* "$spec_dir"/
  rm -rf "$scratch"
fi

# --- Chromium, for the browser test only ----------------------------------------------------------
if [ "${1:-}" = "--browser" ] && ! [ -x /usr/bin/chromium ]; then
  step "installing Debian's chromium (the browser test drives it; nothing downloads a browser)"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

if [ "$did" = 0 ]; then
  echo "setup: nothing to do (.venv, rust-src, evcxr_jupyter $EVCXR_VERSION and the rust kernelspec are in place)"
fi
