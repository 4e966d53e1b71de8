#!/usr/bin/env bash
# oauth_info against a simulated fleet of 8 printers (both families, languages and providers);
# the last printer presents a certificate from a CA the inventory does not trust.
set -eux

source ../oauth_fleet/fleet.sh
start_fleet --printers 8 --settle-seconds 1 --foreign-cert-printers 1

# The fleet's language and certificate facts, for the playbook: an extra inventory of groups.
"$PYTHON" - "$FLEET_DIR" > "$FLEET_DIR/facts.yml" <<'PY'
import json
import sys
import urllib.request

state = json.load(open(sys.argv[1] + '/state.json'))
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
fleet = json.load(opener.open(state['control_url'] + '/fleet'))
hosts = {p['name']: {'cloudmail_language': p['language']} for p in fleet}
untrusted = {p['name']: None for p in fleet if p['foreign_cert']}
print(json.dumps({'all': {'hosts': hosts, 'children': {'untrusted': {'hosts': untrusted}}}}))
PY

# A second CA, which signed nothing the fleet serves.
"$PYTHON" -c 'import trustme, sys; trustme.CA().cert_pem.write_to_path(sys.argv[1])' other-ca.pem
trap 'rm -f other-ca.pem; stop_fleet' EXIT

ansible-playbook -i "$FLEET_INVENTORY" -i "$FLEET_DIR/facts.yml" info.yml "$@"
