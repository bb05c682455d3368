# Two commands for a new user (see README.md):
#   make app    set up .venv and start the app on the embedded KielRegion pack
#   make test   set up .venv with the test tools and run lint, type check and the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

.PHONY: app test lint bench data
app: $(VENV)/.installed
	$(VENV)/bin/streamlit run app.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check planner app.py app_pages tests benchmarks
	$(VENV)/bin/ruff format --check planner app.py app_pages tests benchmarks
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) benchmarks/bench_traveltime.py

data: $(VENV)/.installed
	$(PY) -m planner data build --raw ../shared/kielregion
