#!/usr/bin/env bash
# Serve the demo shop and print its URL only once it answers searches at full speed: the
# server warms its models and search index at start (config/readiness.py), and
# scripts/wait_ready.py waits for /readyz, then times the first searches.
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
"$PY" manage.py runserver --noreload "127.0.0.1:$PORT" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT INT TERM
if ! "$PY" scripts/wait_ready.py "http://127.0.0.1:$PORT" --pid "$server"; then
  echo "The demo shop did not become ready; see the server log above." >&2
  exit 1
fi
echo "Serving the demo shop on http://127.0.0.1:$PORT/  (admin: /en/admin/, see README)"
echo "Demo sign-in (merchant, demo_customer_01 …): the passwords are in ${VAR_DIR:-var}/demo-accounts.txt"
wait "$server"
