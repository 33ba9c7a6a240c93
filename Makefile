# The two commands a newcomer needs: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= config.example.toml

.PHONY: demo test install lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/powerbot chat --config $(CONFIG)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check bot handlers tests bench
	$(BIN)/ruff format --check bot handlers tests bench

bench: install
	$(BIN)/python bench/parse_speed.py
	$(BIN)/python bench/nlu_heldout.py --dev
	$(BIN)/python bench/nlu_cv.py
	$(BIN)/python bench/faq_accuracy.py
	$(BIN)/python bench/gateway_roundtrip.py --mode both --messages 500
	$(BIN)/python bench/storm.py --database-url auto
	$(BIN)/python bench/pg_drivers.py
	$(BIN)/python bench/kill_burst.py

clean:
	rm -rf $(VENV) var .pytest_cache
