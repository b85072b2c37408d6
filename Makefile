# The README's commands. Everything is set up from nothing: a fresh clone needs only
# Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
LABSTAMP := $(VENV)/.installed-lab
PYTEST_ARGS ?=

.PHONY: setup report test lab lint bench clean-reports help

help:
	@echo "make report   set up, generate demo data, run the demo profile, print where the report is"
	@echo "make test     set up, run the whole test suite"
	@echo "make lab      set up with JupyterLab and open the notebooks"
	@echo "make bench    run the benchmarks and write docs/PERFORMANCE.md"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the Spark engine's extra too: tests/test_spark.py runs a real local Spark (docs/SCALE.md)
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@touch $@

setup: $(STAMP)

report: setup
	$(BIN)/clientbase run params/demo.yaml

test: setup
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-java.sh
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(LABSTAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[lab,dev,spark]'
	@touch $@

lab: $(LABSTAMP)
	$(BIN)/jupyter lab notebooks/

lint: setup
	$(BIN)/ruff check lib tests

bench: setup
	$(BIN)/python benchmarks/run.py --run-repeats 2 --large-skip analyses,run_warm

clean-reports:
	find reports -mindepth 1 ! -name README.md -exec rm -rf {} +
