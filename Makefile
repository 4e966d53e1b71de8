# The whole set-up on a fresh machine with Python 3.11+, pip and git:
#   make demo    simulated fleet, full rollout, fleet report
#   make test    everything CI runs
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(abspath $(BIN)):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(abspath build)
PYTHON_VERSION = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
COLLECTION_TREE := build/ansible_collections/printfleet/cloudmail
ANSIBLE_TEST_TREE := build/ansible-test/ansible_collections/printfleet/cloudmail
# ansible-core 2.20 and newer need Python 3.12 or newer.
NEWEST_MINIMUM ?= 3.12
NEWEST_ROOT := build/newest
NEWEST_VENV := $(abspath $(NEWEST_ROOT)/venv)
NEWEST_TREE := $(NEWEST_ROOT)/ansible_collections/printfleet/cloudmail
DEMO_DIR := .sim/demo
DEMO_PRINTERS ?= 20
# Where `make install` puts the collection; ansible-playbook looks there by default.
COLLECTIONS_PATH ?= $(HOME)/.ansible/collections
DIST_DIR := build/dist

.PHONY: help install venv collection-tree ansible-test-tree demo demo-stop test lint sanity units \
	simulator-tests playbook-tests integration molecule build-test benchmark-smoke test-newest changelog release \
	benchmark reliability clean

help:
	@echo "make demo    start a simulated fleet, roll OAuth out to it, print the fleet report"
	@echo "make test    lint, ansible-test sanity + units + integration, simulator and playbook tests, molecule, build"
	@echo "make reliability  1000 printers, 10 % hostile, two operators at once; writes docs/reliability.md"
	@echo "make install build the collection and install it (COLLECTIONS_PATH=$(COLLECTIONS_PATH))"
	@echo "make test-newest   ansible-test sanity + units + integration on the newest ansible-core and Python"
	@echo "make changelog     check the changelog fragments and regenerate CHANGELOG.rst"
	@echo "make release VERSION=x.y.z   changelog, version, build, galaxy-importer, commit and tag"

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-test.txt tests/requirements-fleet.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	touch $@

# The Galaxy artifact, built from this checkout and installed for the user: afterwards the playbooks
# run from anywhere as printfleet.cloudmail.rollout, .status, .reauthorize, .rollback.
install: venv
	rm -rf $(DIST_DIR)
	$(BIN)/ansible-galaxy collection build --output-path $(DIST_DIR) .
	$(BIN)/ansible-galaxy collection install --force -p $(COLLECTIONS_PATH) $(DIST_DIR)/printfleet-cloudmail-*.tar.gz
	@echo "Installed into $(COLLECTIONS_PATH); on the controller also: pip install -r requirements.txt"

# Playbooks find the collection through ANSIBLE_COLLECTIONS_PATH=build: a symlink to this checkout.
collection-tree:
	mkdir -p $(dir $(COLLECTION_TREE))
	ln -sfn ../../.. $(COLLECTION_TREE)

# ansible-test needs its working directory inside ansible_collections/<namespace>/<name>/ and resolves
# symlinks, so it gets a fresh copy of the files git knows (tracked, or new and not ignored).
# copy_tree DIRECTORY: copy the files git knows into DIRECTORY, with a git index of its own
# (ansible-test lists files with git; without a repository of its own it would ask this one).
define copy_tree
	rm -rf $(1)
	mkdir -p $(1)
	git ls-files -co --exclude-standard | while IFS= read -r f; do [ -e "$$f" ] && printf '%s\0' "$$f"; done \
		| xargs -0 cp --parents --no-dereference -t $(1)
	cd $(1) && git init --quiet && git add --all
endef

ansible-test-tree: venv
	$(call copy_tree,$(ANSIBLE_TEST_TREE))
	$(BIN)/python tests/utils/pip_bootstrap.py --install

test: lint sanity units simulator-tests integration playbook-tests molecule build-test benchmark-smoke
	@echo "make test: all checks passed"

lint: venv collection-tree
	$(BIN)/antsibull-changelog lint
	$(BIN)/ansible-lint --profile production

sanity: ansible-test-tree
	cd $(ANSIBLE_TEST_TREE) && ansible-test sanity --venv --python $(PYTHON_VERSION) --color no

units: ansible-test-tree
	cd $(ANSIBLE_TEST_TREE) && ansible-test units --local --python $(PYTHON_VERSION) --color no

simulator-tests: venv
	$(BIN)/python -m pytest tests/simulator -q -p no:cacheprovider

# Two at a time: each test starts its own simulated fleet (own loopback addresses and ports) and mostly waits
# for its printers, so two workers halve the wall time on 2 cores.
playbook-tests: venv collection-tree
	$(BIN)/python -m pytest tests/playbooks -q -p no:cacheprovider -n 2

integration: ansible-test-tree
	cd $(ANSIBLE_TEST_TREE) && ansible-test integration --local --python $(PYTHON_VERSION) --color no

molecule: venv collection-tree
	cd extensions && $(BIN)/molecule test --all

build-test: venv
	$(BIN)/python -m pytest tests/build -q -p no:cacheprovider

# The other end of the support matrix (make test covers ansible-core 2.19 on the default Python):
# the newest ansible-core on the newest Python of this machine, in a virtualenv of its own.
test-newest:
	@python=$$(tests/utils/newest_python.sh $(NEWEST_MINIMUM)) || { echo "make test-newest: cannot run the newest-version leg" >&2; exit 1; }; \
		echo "make test-newest: $$python"; \
		version() { "$$1" -c 'import sys; print(sys.version)'; }; \
		if [ ! -x $(NEWEST_VENV)/bin/python ] || [ "$$(version $$python)" != "$$(version $(NEWEST_VENV)/bin/python)" ]; then \
			rm -rf $(NEWEST_VENV) && $$python -m venv $(NEWEST_VENV); fi
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade ansible-core -r requirements.txt -r tests/requirements-fleet.txt
	$(call copy_tree,$(NEWEST_TREE))
	$(NEWEST_VENV)/bin/python tests/utils/pip_bootstrap.py --install
	@$(NEWEST_VENV)/bin/python -c 'import sys, ansible.release; print("ansible-core", ansible.release.__version__, "on Python", sys.version.split()[0])'
	cd $(NEWEST_TREE) && export PATH=$(NEWEST_VENV)/bin:$$PATH \
		&& python=$$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])') \
		&& ansible-test sanity --venv --python $$python --color no \
		&& ansible-test units --local --python $$python --color no \
		&& ansible-test integration --local --python $$python --color no
	@echo "make test-newest: all checks passed"

# Check the fragments and rebuild CHANGELOG.rst from changelogs/changelog.yaml (a release adds to it).
changelog: venv
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog generate
	@ls changelogs/fragments/*.y*ml >/dev/null 2>&1 && echo "unreleased fragments (go into the next release):" \
		&& ls changelogs/fragments/*.y*ml || echo "no unreleased fragments"

# make release VERSION=x.y.z: see "Making a release" in README.md.
release: venv
	@[ -n "$(VERSION)" ] || { echo "usage: make release VERSION=x.y.z" >&2; exit 1; }
	$(BIN)/python tests/utils/release.py $(VERSION)

# The benchmark on a fleet of 2, so that it keeps working; no timing is checked.
benchmark-smoke: venv
	$(BIN)/python -m pytest tests/benchmarks -q -p no:cacheprovider

# Not part of make test (timing belongs in a report, not in a test): writes docs/performance.md and its
# plot. About an hour on 2 cores; BENCHMARK_OPTIONS narrows it (e.g. --sizes 100 --works status).
BENCHMARK_OPTIONS ?= --sizes 100 1000 --uri-sizes 100 --slice-size 250 --works push status rollout
benchmark: venv collection-tree
	mkdir -p build/benchmarks
	$(BIN)/python benchmarks/simulator_startup.py --printers 1000 --report build/benchmarks/simulator-startup.md
	$(BIN)/python benchmarks/fleet_benchmark.py $(BENCHMARK_OPTIONS) \
		--simulator-report build/benchmarks/simulator-startup.md

# Not part of make test: 1000 printers, 10 % hostile, two operators at once, then a re-run; prints the
# figures and writes docs/reliability.md (method in benchmarks/reliability.py). Smaller: RELIABILITY_PRINTERS=100.
RELIABILITY_PRINTERS ?= 1000
reliability: venv collection-tree
	$(BIN)/python benchmarks/reliability.py --printers $(RELIABILITY_PRINTERS) --report docs/reliability.md

demo: venv collection-tree
	$(BIN)/python -m simulator stop --dir $(DEMO_DIR)
	$(BIN)/python -m simulator start --dir $(DEMO_DIR) --printers $(DEMO_PRINTERS) --auto-approve-seconds 3
	trap '$(BIN)/python -m simulator stop --dir $(DEMO_DIR)' EXIT; \
		$(BIN)/python -m simulator.demo --simulator-dir $(DEMO_DIR)

demo-stop:
	$(BIN)/python -m simulator stop --dir $(DEMO_DIR)

clean:
	-$(BIN)/python -m simulator stop --dir $(DEMO_DIR)
	rm -rf build .sim reports tests/output
