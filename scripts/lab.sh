#!/usr/bin/env bash
# Starts JupyterLab for learners: on 127.0.0.1 only, on a free port, with a fresh token, opened at
# notebooks/00_start_here.ipynb, with the project's `rust` kernel. When the server answers, prints
# the URL to open (token included). One Ctrl-C stops the server and its kernels.
#
# Environment (all optional):
#   PORT            port to listen on (default: the first free one from 8888 up)
#   JUPYTER_TOKEN   the access token (default: a new random one each start)
#   NOTEBOOK_ROOT   the folder JupyterLab serves (default: this clone; the browser test serves a copy)
# Extra arguments are passed to `jupyter lab`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY="$ROOT/.venv/bin/python"
export JUPYTER_PREFER_ENV_PATH=1
die() { printf 'lab: %s\n' "$*" >&2; exit 1; }

[ -x "$ROOT/.venv/bin/jupyter" ] || die "no .venv/bin/jupyter: run 'make setup' (or 'make lab') first."
serve_dir=${NOTEBOOK_ROOT:-$ROOT}

if [ -z "${PORT:-}" ]; then
  PORT=$("$PY" - <<'EOF'
import socket
for port in range(8888, 8988):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
EOF
)
  [ -n "$PORT" ] || die "no free port between 8888 and 8987 (set PORT=...)."
fi
# Through the environment, not the command line: other users can read command lines (ps).
JUPYTER_TOKEN=${JUPYTER_TOKEN:-$("$PY" -c 'import secrets; print(secrets.token_hex(24))')}
export JUPYTER_TOKEN

args=(
  --ServerApp.ip=127.0.0.1
  --ServerApp.port="$PORT"
  --ServerApp.port_retries=0 # the URL printed below must be the one the server listens on
  --ServerApp.root_dir="$serve_dir"
  --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb
  # Nothing but 127.0.0.1: no news feed (and no "receive news?" pop-up), no update check.
  --LabApp.news_url=None
  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
  --no-browser
)
# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
[ "$(id -u)" = 0 ] && args+=(--allow-root)

# The server runs in the background of this script, so Ctrl-C reaches this script's trap (a
# background job of a script ignores SIGINT, and gets /dev/null as stdin, so JupyterLab never asks
# "Shut down this Jupyter server (y/[n])?"). The trap sends SIGTERM: the server shuts down its
# kernels (kernels run in their own sessions, Ctrl-C does not reach them) and exits.
"$ROOT/.venv/bin/jupyter" lab "${args[@]}" "$@" &
server=$!
stopping=0
running() { local s; s=$(ps -o stat= -p "$server" 2>/dev/null) && [ "${s#Z}" = "$s" ]; }
stop() {
  stopping=1
  trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM HUP
  printf '\nlab: stopping JupyterLab and its kernels...\n' >&2
  kill -TERM "$server" 2>/dev/null || true
}
trap stop INT TERM HUP

tries=0
until (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
  running && [ "$stopping" = 0 ] || break
  sleep 0.2
  tries=$((tries + 1))
  [ "$tries" -lt 600 ] || { echo "lab: the server did not answer on port $PORT within 2 minutes" >&2; stop; }
done
if [ "$stopping" = 0 ] && running; then
  url="http://127.0.0.1:$PORT/lab/tree/notebooks/00_start_here.ipynb?token=$JUPYTER_TOKEN"
  rule=$(printf '=%.0s' {1..78})
  printf '\n%s\n  JupyterLab is running. Open this URL in your browser:\n\n    %s\n\n  Ctrl-C stops the server and its kernels.\n%s\n\n' "$rule" "$url" "$rule"
fi

status=0
wait "$server" || status=$? # returns early when the trap runs
if [ "$stopping" = 1 ]; then
  # Bounded: a server still running 30 s after SIGTERM is killed.
  for ((i = 0; i < 150; i++)); do running || break; sleep 0.2; done
  if running; then
    echo "lab: the server did not stop within 30 s; killing it" >&2
    kill -KILL "$server" 2>/dev/null || true
  fi
  wait "$server" 2>/dev/null || true
  echo "lab: stopped." >&2
  exit 0
fi
exit "$status"
