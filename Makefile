# cloudgeo developer commands. `make report` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.cloudgeo-installed
LOWEST ?= .venv-lowest
LOWEST_STAMP := $(LOWEST)/.cloudgeo-installed
REPORT ?= out/cloudgeo-report.html
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg

.PHONY: report test lint docs test-lowest venv browser-deps notebooks lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,export,dev,dask,docs]"
	touch $(STAMP)

venv: $(STAMP)

## The main job: the offline HTML report on the shipped data.
report: $(STAMP)
	$(BIN)/cloudgeo report --out $(REPORT)

## Debian chromium for static export and the real-browser tests (skipped with a reason without it).
browser-deps:
	@if command -v chromium >/dev/null 2>&1; then echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium not installed and not root: browser and export tests will be skipped" \
	  "(install it with: sudo apt-get install -y chromium)"; fi

## The tests: unit, property and browser tests, then the tutorial notebooks under nbval.
test: $(STAMP) browser-deps
	$(BIN)/pytest tests
	$(BIN)/pytest $(NBVAL) notebooks

lint: $(STAMP)
	$(BIN)/ruff check cloudgeo tests benchmarks scripts docs
	$(BIN)/ruff format --check cloudgeo docs
	$(BIN)/mypy

## The API reference and the tutorials as a site (offline, warnings are errors): docs/_build/html
docs: $(STAMP)
	$(BIN)/sphinx-build -b html -E -W --keep-going -q docs docs/_build/html
	$(BIN)/python docs/check_site.py docs/_build/html
	@echo "docs: file://$(CURDIR)/docs/_build/html/index.html"

## The fast tests against the oldest dependency versions pyproject.toml allows (the floors)
$(LOWEST_STAMP): pyproject.toml scripts/lowest_constraints.py
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) scripts/lowest_constraints.py > $(LOWEST)/constraints.txt
	$(LOWEST)/bin/python -m pip install --quiet -c $(LOWEST)/constraints.txt -e ".[test]"
	touch $(LOWEST_STAMP)

test-lowest: $(LOWEST_STAMP)
	$(LOWEST)/bin/python -m pip freeze | grep -iE "^($$(cut -d= -f1 $(LOWEST)/constraints.txt | paste -sd'|'))=="
	$(LOWEST)/bin/pytest tests -m "not slow and not browser" -q

## Re-run the tutorials and store their outputs (after a deliberate change of numbers).
notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.store_widget_state=False notebooks/*.ipynb

## Open the tutorials in JupyterLab (as root, e.g. in a container, Jupyter needs --allow-root).
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = "0" ] && echo --allow-root ) $(LAB_ARGS)

clean:
	rm -rf $(VENV) $(LOWEST) out dist build docs/_build docs/api docs/tutorials docs/_generated_static
