# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# The tests run against real PostgreSQL and Redis (started by .ci/services.sh).
TEST_ENV := DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/filmstudio} \
	REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/14} \
	FILMSTUDIO_VAR_DIR=$(CURDIR)/var/test DEBUG=false SECURE_SSL_REDIRECT=false

.PHONY: run test lint demo bench services install superuser clean

$(STAMP): requirements/base.txt requirements/dev.txt requirements/prod.txt requirements/pipeline.txt
	@[ -x $(BIN)/python ] || PYTHON=$(PYTHON) bash .ci/services.sh python
	[ -x $(BIN)/python ] || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt -r requirements/prod.txt
	touch $(STAMP)

install: $(STAMP)

services:
	@bash .ci/services.sh ffmpeg postgres redis

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) services
	@bash .ci/services.sh chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --quiet .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(TEST_ENV) $(BIN)/pytest --create-db -p no:cacheprovider $(PYTEST_ARGS)

# The platform with embedded defaults: SQLite, local files, Celery on the filesystem broker.
# migrate_fast: a fresh database gets dj-stripe's tables in one step (billing/djstripe_schema.py).
run: $(STAMP)
	@bash .ci/services.sh ffmpeg
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate_fast
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py ensure_admin
	DEBUG=$${DEBUG:-true} PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho start -f Procfile -p $${PORT:-8000} web worker gpu-worker beat

demo: $(STAMP)
	@bash .ci/services.sh ffmpeg
	DEBUG=true $(BIN)/python manage.py migrate_fast --verbosity 0
	DEBUG=true $(BIN)/python manage.py make_film examples/the_lighthouse.fountain --out var/demo.mp4

# The benchmarks use their own database and Redis db, so they never touch the tests' ones.
BENCH_ENV := DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/filmstudio_bench \
	REDIS_URL=redis://127.0.0.1:6379/13 FILMSTUDIO_VAR_DIR=$(CURDIR)/var/bench \
	DEBUG=false SECURE_SSL_REDIRECT=false

bench: $(STAMP) services
	PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -tAc \
	  "SELECT 1 FROM pg_database WHERE datname = 'filmstudio_bench'" | grep -q 1 \
	  || PGPASSWORD=postgres createdb -h 127.0.0.1 -U postgres filmstudio_bench
	$(BENCH_ENV) $(BIN)/python bench/jobs.py
	$(BENCH_ENV) $(BIN)/python bench/film.py
	$(BENCH_ENV) $(BIN)/python bench/media.py
	$(BENCH_ENV) $(BIN)/python bench/migrations.py
	$(BENCH_ENV) $(BIN)/python bench/scale.py

clean:
	rm -rf var/test .pytest_cache
