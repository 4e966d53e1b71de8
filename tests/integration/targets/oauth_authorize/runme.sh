#!/usr/bin/env bash
# oauth_authorize against a simulated fleet of 8 printers (both families, languages and providers),
# with the simulator's control API signing in as the person would.
set -eux

source ../oauth_fleet/fleet.sh
start_fleet --printers 8 --settle-seconds 1 --poll-interval 1

log="${OUTPUT_DIR:-$FLEET_DIR}/oauth_authorize.log"
ansible-playbook -i "$FLEET_INVENTORY" authorize.yml -v "$@" > "$log" 2>&1 || { cat "$log"; exit 1; }
assert_not_in_log "$log" cloudmail_password cloudmail_google_client_secret
