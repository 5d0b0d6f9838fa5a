# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AS_OF ?=

.PHONY: run test ui portal audit-api verify browser bench validate-definitions sample-data clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)  ## the nightly job once, on sample_data/
	$(BIN)/naleving run --data sample_data $(if $(AS_OF),--as-of $(AS_OF))

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

browser:  ## Debian's chromium for the browser tests (Playwright drives it; no browser download)
	command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)

portal: $(STAMP)  ## the contract managers' portal on the latest published evidence
	test -f .naleving/snapshots/LATEST || $(BIN)/naleving run --data sample_data $(if $(AS_OF),--as-of $(AS_OF))
	$(BIN)/python -m naleving.portal --state .naleving --host 127.0.0.1 --port 8000

audit-api: $(STAMP)  ## the read-only audit API over the published evidence snapshots
	test -f .naleving/snapshots/LATEST || $(BIN)/naleving run --data sample_data $(if $(AS_OF),--as-of $(AS_OF))
	$(BIN)/naleving serve --state .naleving --host 127.0.0.1 --port 8080

verify: $(STAMP)  ## recompute every hash of the evidence and walk the chain
	$(BIN)/naleving verify .naleving

ui: $(STAMP)  ## the Dagster UI: asset graph, checks, schedule and sensor
	mkdir -p .naleving/dagster
	test -f .naleving/dagster/dagster.yaml || printf 'telemetry:\n  enabled: false\n' > .naleving/dagster/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/.naleving/dagster $(BIN)/dagster dev -w workspace.yaml

bench: $(STAMP)  ## national-scale benchmark: prints figures, see BENCHMARKS.md (SCALE=1.0 is the full national world; HISTORIES=1 leaves out 2x and 4x; NIGHTS=N runs each night N times, default 5)
	$(BIN)/python bench/run_benchmarks.py $(if $(SCALE),--scale $(SCALE)) $(if $(HISTORIES),--histories $(HISTORIES)) $(if $(NIGHTS),--nights $(NIGHTS))

validate-definitions: $(STAMP)
	$(BIN)/dagster definitions validate -w workspace.yaml

sample-data: $(STAMP)  ## regenerate sample_data/ from its seeded generator
	$(BIN)/python -m naleving.sample_world --out sample_data --seed 2026

clean:
	rm -rf .naleving
