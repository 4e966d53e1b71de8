# One-command set-up: `make demo` and `make test` work on a fresh machine with Python 3.11+, pip and git.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
COLLECTION_TREE := build/ansible_collections/printfleet/cloudmail

.PHONY: venv collection-tree
venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	touch $@

# ansible-test needs the collection at ansible_collections/<namespace>/<name>/: a symlink, never a move.
collection-tree:
	mkdir -p $(dir $(COLLECTION_TREE))
	ln -sfn ../../.. $(COLLECTION_TREE)
