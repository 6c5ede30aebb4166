# Entry points for people and CI. Every target delegates to tox or a script
# and installs what it needs into .venv first.

PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
TOOLS_STAMP := $(VENV)/.tools-installed
TOOL_PACKAGES := "tox>=4.20" "build>=1.2" "cookiecutter>=2.7,<3" "setuptools>=69" wheel

# pyenv's shims resolve python3.12 and python3.13 only when PYENV_VERSION lists
# them, and tox's interpreter discovery does not see PYENV_VERSION. So list
# every installed 3.11-3.13 after the global version, and also append their bin
# folders to PATH, where discovery looks after a shim fails.
ifneq ($(shell command -v pyenv 2>/dev/null),)
PYENV_PYTHONS := $(shell pyenv versions --bare | grep -E '^3\.1[1-3]\.[0-9]+$$')
ifeq ($(origin PYENV_VERSION),undefined)
PYENV_VERSION := $(shell { pyenv global; printf '%s\n' $(PYENV_PYTHONS); } | awk '!seen[$$0]++' | paste -sd: -)
endif
export PYENV_VERSION
PYENV_BIN_PATH := $(shell for version in $(PYENV_PYTHONS); do echo "$$(pyenv root)/versions/$$version/bin"; done | paste -sd: -)
ifneq ($(PYENV_BIN_PATH),)
export PATH := $(PATH):$(PYENV_BIN_PATH)
endif
endif

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(TOOLS_STAMP):
	$(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --quiet --upgrade pip
	$(VENV_PYTHON) -m pip install --quiet $(TOOL_PACKAGES)
	touch $@

.PHONY: tools
tools: $(TOOLS_STAMP) ## Create .venv with tox, build and cookiecutter

.PHONY: demo
demo: $(TOOLS_STAMP) ## Build, generate, test, compile and serve a project, then send it requests (SERVE=1 keeps it running)
	$(VENV_PYTHON) scripts/demo.py $(if $(SERVE),--serve) $(if $(PORT),--port $(PORT)) $(if $(WORK_DIR),--work-dir "$(WORK_DIR)")

.PHONY: test
test: $(TOOLS_STAMP) ## Run every test through tox: library, hooks, template and real tools
	$(VENV)/bin/tox run $(if $(TOXENV),-e $(TOXENV))

.PHONY: bench
bench: $(TOOLS_STAMP) ## Measure cold start, latency and zip size; writes benchmarks/RESULTS.md
	$(VENV_PYTHON) benchmarks/run.py

.PHONY: lint
lint: $(TOOLS_STAMP) ## Run ruff over the library, hooks, tests and scripts
	$(VENV)/bin/tox run -e lint

.PHONY: clean
clean: ## Remove build output, tox environments, the demo folder and .venv
	rm -rf .demo .tox build dist *.egg-info $(VENV)
