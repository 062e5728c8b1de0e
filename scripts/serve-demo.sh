#!/usr/bin/env bash
# Serve the demo shop and print its URL only once it answers searches at full speed: the
# server warms its models and search index at start (config/readiness.py), and
# scripts/wait_ready.py waits for /readyz, then times the first searches.
#
# Background work (copy batches, "Retrain the copy model", index rebuilds, imports) goes to
# two Celery workers on kombu's file transport (messages under VAR_DIR/broker): no Redis, and
# no admin request waits for a training run. CELERY_BROKER_URL set outside (Redis) is kept,
# with no worker started here: run your own (README, "Running with PostgreSQL, Redis and a
# worker"). DEMO_WORKERS=0 runs every task inline in the web process instead.
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
pids=()
alive() {
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}
stop() {
  # Workers get 10 s to finish what they hold (warm shutdown), then stop at once (cold: a
  # training run still going is recorded as failed, on the admin's Training runs page).
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 10); do
    alive || return 0
    sleep 1
  done
  kill -QUIT "${pids[@]}" 2>/dev/null || true
}
trap stop EXIT INT TERM
if [[ -z "${CELERY_BROKER_URL:-}" && "${DEMO_WORKERS:-1}" != "0" ]]; then
  export CELERY_BROKER_URL=filesystem://
  # The Procfile's two workers, one process each: a training run on `llm` does not hold
  # up an index rebuild on `index`.
  "$PY" -m celery -A config worker -Q default,index --hostname "default@%h" --pool solo \
    --loglevel WARNING &
  pids+=($!)
  "$PY" -m celery -A config worker -Q llm --hostname "llm@%h" --pool solo --loglevel WARNING &
  pids+=($!)
fi
"$PY" manage.py runserver --noreload "127.0.0.1:$PORT" &
server=$!
pids+=("$server")
if ! "$PY" scripts/wait_ready.py "http://127.0.0.1:$PORT" --pid "$server"; then
  echo "The demo shop did not become ready; see the server log above." >&2
  exit 1
fi
echo "Serving the demo shop on http://127.0.0.1:$PORT/  (admin: /en/admin/, see README)"
if [[ "${CELERY_BROKER_URL:-}" == filesystem://* ]]; then
  echo "Background work runs on two Celery workers (file transport under ${VAR_DIR:-var}/broker)."
fi
echo "Demo sign-in (merchant, demo_customer_01 …): the passwords are in ${VAR_DIR:-var}/demo-accounts.txt"
wait "$server"
