# ma52: every target depends on the environment, which `make install` builds once and then
# leaves alone until settings.ini, setup.py or constraints.txt change.
SHELL := /bin/bash
PY311 ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ma52-installed
# the exact version of every package `make install` installs, pip included; `make lock` writes it from $(VENV)
LOCK := constraints.txt
PIN := $(if $(wildcard $(LOCK)),-c $(LOCK))
OPENCV := $(shell sed -n 's/.*opencv-python==\([0-9.]*\).*/\1/p' settings.ini)
POSE_NODEPS := $(shell sed -n 's/^pose_nodeps *= *//p' settings.ini)
export YOLO_OFFLINE ?= 1
export MPLBACKEND ?= Agg

.PHONY: install lock export clean-nbs sync-check test test-fast test-gpu docs docs-check docs-shots demo demo-clean run-nbs clean kernel lab

install: $(STAMP)

# A $(VENV) without a working pip (left by a failed `python3.11 -m venv`, e.g. without Debian's python3.11-venv) is made
# again, and one whose making fails is removed, so that the next `make install` starts clean.
$(STAMP): settings.ini setup.py $(wildcard $(LOCK))
	@echo "== ma52: building $(VENV) (Python 3.11) =="
	@start=$$(date +%s); \
	if ! $(BIN)/python -m pip --version >/dev/null 2>&1; then \
	  if [ -e $(VENV) ]; then \
	    [ -f $(VENV)/pyvenv.cfg ] || { echo "ma52: $(VENV) exists but is not a virtual environment; move it away" >&2; exit 1; }; \
	    echo "== $(VENV) has no working pip (half made?): making it again =="; rm -rf $(VENV); \
	  fi; \
	  $(PY311) -m venv $(VENV) && $(BIN)/python -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV); \
	    echo "ma52: '$(PY311) -m venv $(VENV)' did not make an environment with pip, so it was removed. Install Python 3.11 with its venv module (Debian/Ubuntu: apt install python3.11-venv) or pass PY311=/path/to/python3.11" >&2; exit 1; }; \
	fi; \
	$(if $(PIN),,echo "== no $(LOCK): installing the newest versions settings.ini allows (make lock pins them) ==";) \
	$(BIN)/python -m pip install -q $(PIN) --upgrade pip || exit 1; \
	$(BIN)/pip install -q $(PIN) -e ".[dev,pose]" || exit 1; \
	$(BIN)/pip install -q $(PIN) --no-deps $(POSE_NODEPS) || exit 1; \
	$(BIN)/pip install -q $(PIN) --no-deps --force-reinstall "opencv-contrib-python==$(OPENCV)" || exit 1; \
	$(BIN)/python -c "import ma52, mmaction.models, cv2; print('ma52', ma52.__version__, '| opencv', cv2.__version__)" || exit 1; \
	echo "== install took $$(( $$(date +%s) - start )) s =="
	@touch $(STAMP)

# $(LOCK) from what $(VENV) holds now. To move to newer versions: rm -rf $(VENV) $(LOCK), make install, make test, make lock.
lock: install
	@{ echo "# ma52: the exact version of every package \`make install\` installs (it runs pip install -c $(LOCK) ...)."; \
	  echo "# Written by \`make lock\` (pip freeze --all of $(VENV)). Newer versions: rm -rf $(VENV) $(LOCK); make install; make test; make lock"; \
	  $(BIN)/python -m pip freeze --all --exclude-editable --exclude ma52; } > $(LOCK).tmp && mv $(LOCK).tmp $(LOCK) || { rm -f $(LOCK).tmp; exit 1; }
	@touch $(STAMP)
	@echo "wrote $(LOCK): $$(grep -c '==' $(LOCK)) packages pinned"

# ma52/ from the notebooks, notebooks cleaned, README.md from nbs/index.ipynb
export: install
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean
	$(BIN)/python scripts/build_docs.py --readme

# notebooks and ma52/ in sync, notebooks clean: nbdev_export and nbdev_clean must change nothing; every numbered
# notebook says what running it costs (scripts/nb_times.py writes those notes from a `make test` log)
sync-check: install
	$(BIN)/python scripts/check_sync.py
	$(BIN)/python scripts/nb_times.py --check

# every test a CPU can run (slow ones included, `cuda` cells skipped), then the sync check
test: install
	$(BIN)/python scripts/run_tests.py --flags slow
	$(MAKE) --no-print-directory sync-check

# on a machine with a CUDA GPU: every test, the `cuda` cells too (scripts/gpu_check.sh runs only the notebooks that have them)
test-gpu: install
	$(BIN)/python scripts/run_tests.py --flags "slow cuda"

# quick iteration: skips `slow` cells too
test-fast: install
	$(BIN)/python scripts/run_tests.py

# HTML site in _docs/, complete offline (open _docs/index.html in a browser): nbdev_docs with quarto (its links then
# pointed at the local pages), else scripts/build_docs.py. The check fails on unrendered formulas, broken local
# links/images/anchors, links to the placeholder hosts of settings.ini, notebooks missing from the navigation.
docs: install
	@if command -v quarto >/dev/null 2>&1; then $(BIN)/nbdev_docs && $(BIN)/python scripts/build_docs.py --localize; \
	else $(BIN)/python scripts/build_docs.py; fi
	$(BIN)/python scripts/build_docs.py --check

docs-check: install
	$(BIN)/python scripts/build_docs.py --check

# screenshots of every page of _docs/ at desktop and phone width into _docs/shots/ (needs chromium: apt install chromium)
docs-shots: install
	$(BIN)/python scripts/build_docs.py --shots

# a Jupyter kernel named `ma52` that runs $(VENV)'s Python: in $(VENV) (for `make lab`) and in the user's Jupyter data
# folder (so a notebook opened from any Jupyter finds it; the notebooks ask for the kernel `ma52`)
kernel: install
	@$(BIN)/python -m ipykernel install --sys-prefix --name ma52 --display-name ma52 >/dev/null
	@$(BIN)/python -m ipykernel install --user --name ma52 --display-name ma52

# JupyterLab from $(VENV) on nbs/ with the `ma52` kernel: make lab LAB_ARGS="--port 8899 --no-browser"
LAB_ARGS ?=
lab: kernel
	$(BIN)/jupyter lab --notebook-dir=nbs $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

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
