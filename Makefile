# 驻村通 — two commands: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PGHOST ?= 127.0.0.1
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/zhucuntong
TEST_BROKER_URL ?= redis://127.0.0.1:6379/14
BENCH_CADRES ?= 20000
BENCH_WEB_CADRES ?= 400
BENCH_WEB_SECONDS ?= 5

.PHONY: run test install lint lock services browser bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

# `make run` is a local demo: DEBUG on (so a dev-only secret key is allowed and the demo logins may be created).
# Production never sets DJANGO_DEBUG; without DJANGO_SECRET_KEY it refuses to start.
RUN_ENV := DJANGO_DEBUG=1 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-make-run-only-insecure-key}
run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_policies
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Start PostgreSQL and Redis when they are installed but not answering (CI machines start them already).
services:
	@pg_isready -h 127.0.0.1 -p 5432 -q || { echo "starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; \
	  for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "starting Redis"; \
	  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
	    --dir /var/lib/redis --logfile /var/log/redis/ci.log; \
	  for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done; }

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# pytest includes subsidies/tests/test_bench.py: the benchmark at 100 cadres in its own database, so it cannot rot,
# and tests/test_security.py: `check --deploy` in the README's production environment, headers, lockout, throttles.
# pytest uses config/settings_test.py (a test-only secret key), so CI needs no DJANGO_SECRET_KEY.
test: install services browser
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) DB_CONN_MAX_AGE=0 \
	  $(BIN)/pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings_test $(BIN)/python manage.py makemigrations --check --dry-run

lock:
	$(BIN)/pip freeze --exclude-editable > requirements.lock

# the benchmarks run DEBUG off, as in production, in databases of their own: a key only they use
BENCH_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-make-bench-only-insecure-key-0123456789abcdef}
bench: install services
	$(BENCH_ENV) DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL= $(BIN)/python bench/subsidy_run.py --cadres $(BENCH_CADRES)
	$(BENCH_ENV) DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL= $(BIN)/python bench/web.py --cadres $(BENCH_WEB_CADRES) \
	  --seconds $(BENCH_WEB_SECONDS)
	$(BENCH_ENV) DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL= $(BIN)/python bench/monthly_report.py --cadres $(BENCH_CADRES)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
