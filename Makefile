# ma52: every target depends on the environment, which `make install` builds once and then
# leaves alone until settings.ini or setup.py change.
SHELL := /bin/bash
PY311 ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ma52-installed
OPENCV := $(shell sed -n 's/.*opencv-python==\([0-9.]*\).*/\1/p' settings.ini)
export YOLO_OFFLINE ?= 1
export MPLBACKEND ?= Agg

.PHONY: install export clean-nbs sync-check test test-fast docs docs-check demo demo-clean run-nbs clean

install: $(STAMP)

$(STAMP): settings.ini setup.py
	@echo "== ma52: building $(VENV) (Python 3.11) =="
	@start=$$(date +%s); \
	test -x $(BIN)/python || $(PY311) -m venv $(VENV) || exit 1; \
	$(BIN)/python -m pip install -q --upgrade pip || exit 1; \
	$(BIN)/pip install -q -e ".[dev]" || exit 1; \
	$(BIN)/pip install -q --no-deps --force-reinstall "opencv-contrib-python==$(OPENCV)" || exit 1; \
	$(BIN)/python -c "import ma52, mmaction.models, cv2; print('ma52', ma52.__version__, '| opencv', cv2.__version__)" || exit 1; \
	echo "== install took $$(( $$(date +%s) - start )) s =="
	@touch $(STAMP)

# ma52/ from the notebooks, notebooks cleaned, README.md from nbs/index.ipynb
export: install
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean
	$(BIN)/python scripts/build_docs.py --readme

# notebooks and ma52/ in sync, notebooks clean: nbdev_export and nbdev_clean must change nothing
sync-check: install
	$(BIN)/python scripts/check_sync.py

# every test a CPU can run (slow ones included, `cuda` cells skipped), then the sync check
test: install
	$(BIN)/python scripts/run_tests.py --flags slow
	$(MAKE) --no-print-directory sync-check

# quick iteration: skips `slow` cells too
test-fast: install
	$(BIN)/python scripts/run_tests.py

# HTML site in _docs/: nbdev_docs with quarto, else the offline fallback
docs: install
	@if command -v quarto >/dev/null 2>&1; then $(BIN)/nbdev_docs; \
	else $(BIN)/python scripts/build_docs.py; fi
	$(BIN)/python scripts/build_docs.py --check

docs-check: install
	$(BIN)/python scripts/build_docs.py --check

# re-execute notebooks in place so their outputs (plots) are fresh: make run-nbs NBS="nbs/04_losses.ipynb"
run-nbs: install
	$(BIN)/python scripts/run_nbs.py $(NBS)

demo: install
	@start=$$(date +%s); \
	$(BIN)/python -m ma52.demo $(DEMO_ARGS) || exit 1; \
	echo "== make demo took $$(( $$(date +%s) - start )) s =="

demo-clean:
	rm -rf demo

clean:
	rm -rf _docs _proc
