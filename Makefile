# One-command set-up: `make demo` and `make test` work on a fresh machine with Python 3.11+, pip and git.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
COLLECTION_TREE := build/ansible_collections/printfleet/cloudmail

.PHONY: venv collection-tree ansible-test-tree
venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	touch $@

# Playbooks find the collection through ANSIBLE_COLLECTIONS_PATH=build: a symlink to this checkout.
collection-tree:
	mkdir -p $(dir $(COLLECTION_TREE))
	ln -sfn ../../.. $(COLLECTION_TREE)

# ansible-test needs its working directory inside ansible_collections/<namespace>/<name>/ and resolves
# symlinks, so it gets a fresh copy of the files git knows (tracked, or new and not ignored).
ANSIBLE_TEST_TREE := build/ansible-test/ansible_collections/printfleet/cloudmail
ansible-test-tree:
	rm -rf $(ANSIBLE_TEST_TREE)
	mkdir -p $(ANSIBLE_TEST_TREE)
	git ls-files -co --exclude-standard | while IFS= read -r f; do [ -e "$$f" ] && printf '%s\0' "$$f"; done \
		| xargs -0 cp --parents --no-dereference -t $(ANSIBLE_TEST_TREE)
	# ansible-test lists files with git; without a repository of its own it would ask this one.
	cd $(ANSIBLE_TEST_TREE) && git init --quiet && git add --all
