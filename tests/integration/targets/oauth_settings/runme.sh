#!/usr/bin/env bash
# oauth_settings against a simulated fleet of 8 printers: both families, both UI languages,
# both providers. Proves idempotence, check mode, diff mode and that no secret reaches the output.
set -eux

source ../oauth_fleet/fleet.sh
start_fleet --printers 8 --settle-seconds 1

ansible-playbook -i "$FLEET_INVENTORY" settings.yml "$@"

log="${OUTPUT_DIR:-$FLEET_DIR}/oauth_settings-secrets.log"
ansible-playbook -i "$FLEET_INVENTORY" secrets.yml --diff -vvvv > "$log" 2>&1 || { cat "$log"; exit 1; }
grep -q '\*\*\*\*\*\*\*\*' "$log"
assert_not_in_log "$log" cloudmail_password cloudmail_google_client_secret
