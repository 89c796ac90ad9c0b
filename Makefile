# acronis.cyber_cloud — developer commands. `make demo` and `make test` are all the set-up a machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COLLECTION_LINK := $(VENV)/collections/ansible_collections/acronis/cyber_cloud
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(VENV)/collections

.PHONY: venv test test-pytest demo bench clean

venv: $(STAMP)

# Rebuilt only when a requirements file changes; the symlink makes this checkout importable as
# ansible_collections.acronis.cyber_cloud without installing it.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	mkdir -p $(dir $(COLLECTION_LINK))
	ln -sfn ../../../.. $(COLLECTION_LINK)
	touch $@

test: venv test-pytest

# pytest exits 5 when it collected no tests: that is a broken suite, not a pass.
test-pytest: venv
	$(BIN)/python -m pytest tests; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose" >&2; fi; exit $$rc

clean:
	rm -rf $(VENV) .pytest_cache build dist
