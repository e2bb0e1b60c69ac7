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

.PHONY: run test test-gpu lint demo bench chaos services install superuser clean

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

# The optional Stable Diffusion engine (requirements/gpu.txt: torch, diffusers, transformers) in
# its own environment, so the main one and `make test` never need them: .venv-gpu sees the
# main environment's packages (a .pth file) and adds the large ones. Its tests build a tiny
# random pipeline and run the engine's real code on the CPU (on CUDA where there is a GPU).
GPU_VENV := .venv-gpu
GPU_STAMP := $(GPU_VENV)/.installed-stamp

$(GPU_STAMP): $(STAMP) requirements/gpu.txt
	[ -x $(GPU_VENV)/bin/python ] || $(PYTHON) -m venv $(GPU_VENV)
	echo "$(CURDIR)/$(VENV)/lib/python3.11/site-packages" \
	  > $(GPU_VENV)/lib/python3.11/site-packages/filmstudio-main.pth
	$(GPU_VENV)/bin/pip install --quiet -r requirements/gpu.txt
	touch $(GPU_STAMP)

test-gpu: $(GPU_STAMP) services
	$(TEST_ENV) $(GPU_VENV)/bin/python -m pytest --create-db -p no:cacheprovider -m gpu tests/film/test_diffusers_provider.py

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
	$(BENCH_ENV) $(BIN)/python bench/analytics.py

# Jobs through real workers while the broker, workers and database fail (docs/operations.md);
# several minutes: the sweeper runs every minute, as in production (CHAOS_ARGS=--fast: 10 s).
chaos: $(STAMP) services
	PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -tAc \
	  "SELECT 1 FROM pg_database WHERE datname = 'filmstudio_bench'" | grep -q 1 \
	  || PGPASSWORD=postgres createdb -h 127.0.0.1 -U postgres filmstudio_bench
	$(BENCH_ENV) $(BIN)/python bench/chaos.py $(CHAOS_ARGS)

clean:
	rm -rf var/test .pytest_cache
