# Sourced by the runme.sh of the oauth_* targets: find the collection, start a simulated fleet
# (stopped again when the script exits, also on failure) and point ansible-playbook at it.
# shellcheck shell=bash

FLEET_HELPERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}

# The collection root holds simulator/. ansible-test runs a copy of the targets under
# tests/output/.tmp, so ../../../.. is not always the collection: then use ANSIBLE_COLLECTIONS_PATH.
find_collection_root() {
    local base candidate
    local IFS=:
    for base in "$FLEET_HELPERS/../../../.." ${ANSIBLE_COLLECTIONS_PATH:-}; do
        for candidate in "$base" "$base/ansible_collections/printfleet/cloudmail"; do
            if [ -f "$candidate/simulator/__main__.py" ] && [ -f "$candidate/galaxy.yml" ]; then
                (cd "$candidate" && pwd -P)
                return 0
            fi
        done
    done
    echo "cannot find the collection root (a directory with galaxy.yml and simulator/)" >&2
    return 1
}

COLLECTION_ROOT=$(find_collection_root)
export PYTHONPATH="$COLLECTION_ROOT${PYTHONPATH:+:$PYTHONPATH}"

# Run by hand (not by ansible-test): let ansible-playbook find printfleet.cloudmail.
if [ -z "${ANSIBLE_COLLECTIONS_PATH:-}" ]; then
    mkdir -p "$COLLECTION_ROOT/build/ansible_collections/printfleet"
    ln -sfn ../../.. "$COLLECTION_ROOT/build/ansible_collections/printfleet/cloudmail"
    export ANSIBLE_COLLECTIONS_PATH="$COLLECTION_ROOT/build"
fi

stop_fleet() {
    (cd "$COLLECTION_ROOT" && "$PYTHON" -m simulator stop --dir "$FLEET_DIR") || true
    rm -rf "$FLEET_DIR"
}

# start_fleet [simulator options]: sets FLEET_DIR and FLEET_INVENTORY.
start_fleet() {
    FLEET_DIR=$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/fleet.XXXXXX")
    trap stop_fleet EXIT
    (cd "$COLLECTION_ROOT" && "$PYTHON" -m simulator start --dir "$FLEET_DIR" "$@")
    FLEET_INVENTORY="$FLEET_DIR/inventory.yml"
}

# inventory_var NAME: a variable of the fleet inventory's top level or of any group (for log checks).
inventory_var() {
    "$PYTHON" - "$FLEET_INVENTORY" "$1" <<'PY'
import sys
import yaml

def walk(group):
    yield group.get('vars') or {}
    for child in (group.get('children') or {}).values():
        yield from walk(child or {})

inventory = yaml.safe_load(open(sys.argv[1]))
for variables in walk(inventory['all']):
    if sys.argv[2] in variables:
        print(variables[sys.argv[2]])
        break
PY
}

# assert_not_in_log FILE NAME...: none of the named inventory secrets appears in FILE.
assert_not_in_log() {
    local log=$1 name value tracing=${-//[^x]/}
    shift
    # Keep the secrets themselves out of the trace of set -x.
    set +x
    for name in "$@"; do
        value=$(inventory_var "$name")
        [ -n "$value" ] || { echo "inventory has no $name" >&2; return 1; }
        if grep -qF -- "$value" "$log"; then
            echo "the value of $name appears in $log" >&2
            return 1
        fi
    done
    [ -z "$tracing" ] || set -x
}
