#!/usr/bin/env bash
# Starts JupyterLab for learners: on 127.0.0.1 only, with a fresh token (printed in the URL),
# opened at notebooks/, with the project's `rust` kernel. Ctrl-C stops the server and its kernels.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export JUPYTER_PREFER_ENV_PATH=1
args=(
  --ServerApp.ip=127.0.0.1
  --ServerApp.port="${PORT:-8888}"
  --ServerApp.root_dir="$ROOT"
  --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb
  --no-browser
)
# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
[ "$(id -u)" = 0 ] && args+=(--allow-root)
exec "$ROOT/.venv/bin/jupyter" lab "${args[@]}" "$@"
