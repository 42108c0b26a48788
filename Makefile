# Two commands that work on a fresh Debian with Python 3, pip, make and apt:
#   make demo   two local Swift clusters: fill, sync, verify, report, stop
#   make test   the whole test suite (tox: lint, types, unit, docs, packaging,
#               functional on real clusters)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: test demo bench fuzz deps clean

# make fuzz SEEDS=1000-1100 OPS=40: the model-based test over many seeds
SEEDS ?= 1000-1099
OPS ?= 40

$(BIN)/tox:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q tox

$(BIN)/swsync: setup.cfg
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e . swift
	touch $@

deps:
	tools/install-deps

test: deps $(BIN)/tox
	$(BIN)/tox

demo: deps $(BIN)/swsync
	$(BIN)/python tools/demo.py

fuzz: deps $(BIN)/tox
	SWIFTSYNC_FUZZ_SEEDS=$(SEEDS) SWIFTSYNC_FUZZ_OPS=$(OPS) $(BIN)/tox -e fuzz

bench: $(BIN)/swsync
	tools/install-deps --bench
	$(BIN)/python bench/run.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/throttle.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/changes.py

clean:
	rm -rf $(VENV) .tox *.egg-info AUTHORS ChangeLog doc/build releasenotes/build .mypy_cache
