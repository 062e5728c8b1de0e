#!/usr/bin/env bash
# The production stack on this machine: PostgreSQL and Redis on 127.0.0.1, production settings
# (config.settings.prod), gunicorn, the Celery workers and beat from the Procfile under honcho.
#
#   scripts/stack.sh            prepare, then start (what `make stack` runs)
#   scripts/stack.sh prepare    the one-shot prepare step only
#   scripts/stack.sh start      honcho start: the Procfile's processes, in the foreground
#   scripts/stack.sh manage ARGS...  manage.py in the stack's environment (e.g. createsuperuser)
#   scripts/stack.sh run COMMAND...  any command in the stack's environment
#   scripts/stack.sh reset      drop the stack's database, Redis databases and VAR_DIR contents
#   scripts/stack.sh env        print the environment the processes get (not the secret)
#
# The one-shot prepare step: create the database if missing, migrate, collectstatic,
# llm_prepare, the demo data when the database has no products, rebuild_search_index
# (incremental: a no-op when nothing changed). Every process gets the same VAR_DIR, so the web
# process serves the index the index worker publishes and the media both write.
#
# Settings (environment, defaults in brackets):
#   STACK_DATABASE_URL  [postgres://postgres@127.0.0.1:5432/shop_stack], created if missing
#   STACK_REDIS_URL     [redis://127.0.0.1:6379]; STACK_REDIS_DB [3]: the cache uses that
#                       database number, the broker the next, results the one after (CI's
#                       test run uses 0, 1 and 2)
#   VAR_DIR             [var/stack]: static files, media, search indexes, the generated
#                       SECRET_KEY (secret_key) and demo password (demo_password)
#   LLM_MODEL_DIR       [var/models]: the converted models, shared with `make demo` and CI
#                       (1.5 GB; llm_prepare is a no-op when they are up to date)
#   PORT [8000], STACK_PRODUCTS [2000] (demo products loaded into an empty database),
#   WEB_CONCURRENCY [2] (gunicorn workers), WORKER_CONCURRENCY [2] (default,index worker),
#   STACK_STOP_SECONDS [30] (from SIGTERM to SIGKILL when the stack stops)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export PATH="$root/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=config.settings.prod
STACK_DATABASE_URL=${STACK_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/shop_stack}
STACK_REDIS_URL=${STACK_REDIS_URL:-redis://127.0.0.1:6379}
STACK_REDIS_DB=${STACK_REDIS_DB:-3}
STACK_PRODUCTS=${STACK_PRODUCTS:-2000}
VAR_DIR=$(realpath -m "${VAR_DIR:-var/stack}")
LLM_MODEL_DIR=$(realpath -m "${LLM_MODEL_DIR:-var/models}")
export VAR_DIR LLM_MODEL_DIR
export DATABASE_URL=$STACK_DATABASE_URL
export REDIS_URL="$STACK_REDIS_URL/$STACK_REDIS_DB"
export CELERY_BROKER_URL="$STACK_REDIS_URL/$((STACK_REDIS_DB + 1))"
export CELERY_RESULT_BACKEND="$STACK_REDIS_URL/$((STACK_REDIS_DB + 2))"
export ALLOWED_HOSTS=localhost,127.0.0.1
# Plain HTTP on 127.0.0.1: no redirect to https and no HSTS for localhost.
export SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
# Production settings require a mail backend and refuse the console one (it would print
# customers' names and addresses into the logs): mail goes to files under VAR_DIR/mail.
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}
export EMAIL_FILE_PATH=${EMAIL_FILE_PATH:-$VAR_DIR/mail}
export PORT=${PORT:-8000}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2} WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-2}
export PYTHONUNBUFFERED=1

log() { printf '== stack: %s\n' "$*"; }

# A generated secret, kept under VAR_DIR so restarts keep sessions valid.
secret() {
  local file="$VAR_DIR/$1"
  if [[ ! -s $file ]]; then
    (umask 077 && python -c "import secrets; print(secrets.token_urlsafe($2))" >"$file")
  fi
  cat "$file"
}
mkdir -p "$VAR_DIR"
SECRET_KEY=$(secret secret_key 50)
export SECRET_KEY

services() {
  local pg_base=${STACK_DATABASE_URL%/*} database=${STACK_DATABASE_URL##*/}
  if ! pg_isready -q -d "$pg_base/postgres"; then
    echo "stack: PostgreSQL does not answer at $pg_base" >&2
    return 1
  fi
  if ! redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
    echo "stack: Redis does not answer at $STACK_REDIS_URL" >&2
    return 1
  fi
  if ! psql "$pg_base/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" |
    grep -q 1; then
    log "creating database $database"
    psql "$pg_base/postgres" -qc "CREATE DATABASE \"$database\""
  fi
}

prepare() {
  local started=$SECONDS
  services
  log "migrate"
  python manage.py migrate --noinput
  log "collectstatic"
  python manage.py collectstatic --noinput --verbosity 0
  log "llm_prepare (into $LLM_MODEL_DIR)"
  python manage.py llm_prepare
  local has_products
  has_products=$(python manage.py shell --no-imports -c \
    "from shop.catalog.models import Product; print(int(Product.objects.exists()))")
  if [[ $has_products != 1 ]]; then
    log "demo data ($STACK_PRODUCTS products)"
    python manage.py load_demo_shop --products "$STACK_PRODUCTS" \
      --i-know-this-is-not-production --password "$(secret demo_password 12)"
    log "the demo accounts' password is in $VAR_DIR/demo_password"
  fi
  log "rebuild_search_index"
  python manage.py rebuild_search_index --incremental
  # What make demo trains too: recommendations, the help articles and the intent classifier.
  log "train_recommender"
  python manage.py train_recommender --time-budget "${STACK_TRAIN_SECONDS:-60}"
  log "seed_help_articles, train_intents"
  python manage.py seed_help_articles
  python manage.py train_intents --seed
  log "prepared in $((SECONDS - started)) s"
}

# A fresh start (the smoke test's): drop the database, empty the three Redis databases and
# remove what VAR_DIR holds for this stack. The models (LLM_MODEL_DIR) stay.
reset() {
  local pg_base=${STACK_DATABASE_URL%/*} database=${STACK_DATABASE_URL##*/} number
  log "reset: dropping database $database, flushing Redis $REDIS_URL and the next two"
  psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)"
  for number in 0 1 2; do
    redis-cli -u "$STACK_REDIS_URL/$((STACK_REDIS_DB + number))" flushdb >/dev/null
  done
  rm -rf "$VAR_DIR/search" "$VAR_DIR/media" "$VAR_DIR"/celerybeat-schedule*
}

# honcho gives its processes a fixed 5 s between SIGTERM and SIGKILL (honcho.manager.KILL_WAIT,
# no option). A web process holding the models needs about 4 s to exit on an idle machine,
# and a Celery worker's warm shutdown waits for its task, so the stack allows
# STACK_STOP_SECONDS [30].
start() {
  log "honcho start on http://127.0.0.1:$PORT/ (VAR_DIR=$VAR_DIR)"
  exec python -c '
import sys

import honcho.manager
from honcho.command import main

honcho.manager.KILL_WAIT = float(sys.argv[1])
sys.exit(main(sys.argv[2:]))
' "${STACK_STOP_SECONDS:-30}" start --no-colour -f Procfile -p "$PORT"
}

case ${1:-all} in
  prepare) prepare ;;
  start) start ;;
  all) prepare && start ;;
  manage)
    shift
    exec python manage.py "$@"
    ;;
  run)
    shift
    exec "$@"
    ;;
  reset) reset ;;
  env)
    for name in DJANGO_SETTINGS_MODULE DATABASE_URL REDIS_URL CELERY_BROKER_URL \
      CELERY_RESULT_BACKEND VAR_DIR LLM_MODEL_DIR ALLOWED_HOSTS SECURE_SSL_REDIRECT PORT \
      EMAIL_BACKEND EMAIL_FILE_PATH; do
      printf '%s=%s\n' "$name" "${!name}"
    done
    ;;
  *)
    echo "usage: scripts/stack.sh [prepare|start|manage ARGS...|run COMMAND...|reset|env]" >&2
    exit 2
    ;;
esac
