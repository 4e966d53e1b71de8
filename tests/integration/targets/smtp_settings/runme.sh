#!/usr/bin/env bash
# smtp_settings and mail_test against a simulated fleet of 8 printers (both families, both UI
# languages, both providers) and the simulator's SMTP servers: settings push and idempotence,
# a real XOAUTH2 send, a refused token, a refused password set-up (550 5.7.30), no secret in output.
set -eux

source ../oauth_fleet/fleet.sh
start_fleet --printers 8 --settle-seconds 1 --poll-interval 1

log="${OUTPUT_DIR:-$FLEET_DIR}/smtp_settings.log"
ansible-playbook -i "$FLEET_INVENTORY" mail.yml --diff -vvvv "$@" > "$log" 2>&1 || { tail -n 200 "$log"; exit 1; }
grep -q 'PLAY RECAP' "$log"
assert_not_in_log "$log" cloudmail_password cloudmail_google_client_secret
# The printers' access tokens (Entra "EwB...", Google "ya29....") and the SASL string never show.
if grep -E 'auth=Bearer|ya29\.a0|"EwB' "$log"; then echo "an access token appears in $log" >&2; exit 1; fi
