# Écoute — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PY_VERSION := 3.11
UV_VERSION := 0.13.8
# uv from PATH, else a private copy bootstrapped into .uv/ (see $(UV_BOOT) below).
UV_BOOT := .uv/bin/uv
UV := $(or $(shell command -v uv 2>/dev/null),$(UV_BOOT))
VENV := .venv
BIN := $(VENV)/bin
WAREHOUSE ?= warehouse/ecoute.duckdb
DEMO_DIR ?= demo
BENCH_ROWS ?= 5000000
BENCH_CUSTOMERS ?= 1000000
PYTEST_ARGS ?=

.PHONY: help install system-deps demo test lint bench notebooks clean

help:
	@echo "make demo       install, generate a demo operator, load it, write the report, print where to look"
	@echo "make test       install, then run every test (unit, warehouse, browser, notebooks)"
	@echo "make bench      benchmarks (BENCH_ROWS=$(BENCH_ROWS), BENCH_CUSTOMERS=$(BENCH_CUSTOMERS)); writes bench/out/"
	@echo "make notebooks  JupyterLab on notebooks/ with the demo warehouse"
	@echo "make lint       ruff"

# uv (from PATH or bootstrapped below) installs the locked environment, pyspark (with its
# Spark Connect client) and sqlglot included: the `spark` group (docs/spark.md).
$(BIN)/python: pyproject.toml uv.lock
	@test -x "$(UV)" || $(MAKE) --no-print-directory $(UV_BOOT)
	$(UV) sync --frozen --compile-bytecode --python $(PY_VERSION) --group dev --group spark
	@touch $(BIN)/python

# A fresh Debian has no uv, and its system Python refuses `pip install` ("externally managed"):
# uv goes into a private venv, which needs python3-venv (installed when missing and root).
$(UV_BOOT):
	@python3 -m venv .uv 2>/dev/null || { rm -rf .uv; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null) \
	  && python3 -m venv .uv; }
	.uv/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# Bytecode for our own modules too: where PYTHONDONTWRITEBYTECODE is set (as on our CI
# machines) every command and test subprocess would otherwise recompile them from source.
install: $(BIN)/python system-deps
	@$(BIN)/python -m compileall -q -j 0 ecoute etl warehouse reports expectations >/dev/null

# Debian packages the tests use: Chromium (dashboard tests, PDF printing), poppler (pdftotext)
# and a Java runtime (pyspark runs Spark in a local JVM for the Spark tests).
system-deps:
	@missing=""; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || echo "warning: could not install$$missing (need root); browser/PDF/Spark tests will be skipped"; \
	fi

DEMO_WEEK ?= 2026-W27
OUT_DIR ?= out

demo: install
	$(BIN)/ecoute --warehouse $(WAREHOUSE) demo --out $(DEMO_DIR) --end-week $(DEMO_WEEK)
	$(BIN)/ecoute --warehouse $(WAREHOUSE) report weekly --week $(DEMO_WEEK) --out $(OUT_DIR) --pdf
	$(BIN)/ecoute --warehouse $(WAREHOUSE) dashboard --export $(OUT_DIR)/dashboard.html
	@echo ""
	@echo "Écoute demo ready:"
	@echo "  warehouse      $(abspath $(WAREHOUSE))"
	@echo "  weekly report  $(abspath $(OUT_DIR))/weekly-$(DEMO_WEEK).html (and .pdf)"
	@echo "  dashboard      $(abspath $(OUT_DIR))/dashboard.html (static);  live: $(BIN)/ecoute dashboard"
	@echo "  notebooks      make notebooks"
	@echo "  try            $(BIN)/ecoute metrics --week $(DEMO_WEEK)   ·   $(BIN)/ecoute worst --week $(DEMO_WEEK)"

test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(BIN)/python
	$(BIN)/ruff check .

# Every benchmark always runs, each figure beside its peer of the same run (docs/performance.md);
# the target fails at the end if any missed a target. dbt-duckdb comes from the `bench` group.
BENCH_BUILD_CUSTOMERS ?= 200000
BENCH_DEMO ?= bench/out/demo.duckdb
BENCH_GATE_ROWS ?= 2000000
BENCH_PACK_ROWS ?= 1000000
bench: install
	$(UV) sync --frozen --python $(PY_VERSION) --group dev --group spark --group bench
	@rm -f bench/out/*.json bench/out/*.md; rc=0; \
	$(BIN)/python -m bench.run --rows $(BENCH_ROWS) || rc=1; \
	$(BIN)/python -m bench.build --customers $(BENCH_BUILD_CUSTOMERS) || rc=1; \
	test -f $(BENCH_DEMO) || $(BIN)/ecoute --warehouse $(BENCH_DEMO) demo --out bench/out/demo \
	  --end-week $(DEMO_WEEK) >/dev/null || rc=1; \
	$(BIN)/python -m bench.reads --warehouse $(BENCH_DEMO) --week $(DEMO_WEEK) || rc=1; \
	$(BIN)/python -m bench.dashboard_landing --warehouse $(BENCH_DEMO) || rc=1; \
	$(BIN)/python -m bench.packs --rows $(BENCH_PACK_ROWS) || rc=1; \
	$(BIN)/python -m bench.expectations --rows $(BENCH_GATE_ROWS) --demo bench/out/demo --gate-clock || rc=1; \
	$(BIN)/python -m bench.world --customers $(BENCH_CUSTOMERS) || rc=1; \
	$(BIN)/python -m bench.daily --customers $(BENCH_CUSTOMERS) || rc=1; \
	$(BIN)/python -m bench.summary; \
	exit $$rc

notebooks: install
	$(UV) sync --frozen --group dev --group spark --group lab
	@test -f $(WAREHOUSE) || $(BIN)/ecoute --warehouse $(WAREHOUSE) demo --out $(DEMO_DIR)
	ECOUTE_WAREHOUSE=$(abspath $(WAREHOUSE)) $(BIN)/jupyter lab notebooks/ $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

clean:
	rm -rf $(VENV) .uv bench/out build out $(DEMO_DIR) warehouse/*.duckdb warehouse/*.wal
