"""Fault suite: printers that misbehave at the transport level, and every other hostile case.

A small fleet where most printers are hostile in one way each (simulator/printer.py
TRANSPORT_FAULTS, the control faults, a wrong password, an untrusted certificate) and two are
healthy, driven by status.yml (oauth_info) and rollout.yml (oauth_settings, the authorization)
through real ansible-playbook. Every hostile printer fails with a message that names its
inventory host, its address, port and page, and the limit or fault; the healthy ones are
authorized as if nothing happened; no session is left open where the device still answers; no
secret in any output. That the run ends at all is the time bound (run_playbook's timeout): the
trickling printers would otherwise hold their workers for 600 s.
"""

import re

import pytest
import yaml

from conftest import load_report, write_yaml

# printer -> (fault for the control interface, words its message must hold)
HOSTILE = {
    'printer-0001': ({'transport': 'trickle_headers', 'transport_scope': 'all'},
                     ['GET /', 'deadline of 3 s per request', 'cloudmail_timeout']),
    'printer-0002': ({'transport': 'trickle_body'}, ['GET /', 'deadline of 3 s per request', 'cloudmail_timeout']),
    'printer-0003': ({'transport': 'oversized'}, ['size limit', 'cloudmail_host']),
    'printer-0004': ({'transport': 'redirect_host'}, ['redirects to another host (127.2.0.1:', 'not followed']),
    'printer-0005': ({'transport': 'truncated'}, ['cut off before its end', 'cloudmail_retries']),
    'printer-0006': ({'transport': 'tls_failure'}, ['GET /', 'TLS handshake']),
    'printer-0007': ({'transport': 'reset_post'}, ['POST /', 'connection closed by the device']),
    'printer-0008': ({'latency': 2.5}, ['task budget of 4 s', 'cloudmail_task_budget']),
    'printer-0009': ({'offline': 3600}, ['connection refused', 'cloudmail_port']),
    'printer-0010': ({'http_500': 1000}, ['HTTP 500', 'cloudmail_retries']),
    'printer-0011': ({'drop': 1000}, ['cloudmail_host']),
    'printer-0012': ({'busy': 1000}, ['busy', 'cloudmail_retries']),
    'printer-0013': ({}, ['login refused', 'cloudmail_password']),     # wrong password (inventory)
    'printer-0014': ({}, ['certificate', 'cloudmail_ca_path']),        # untrusted certificate
}
HEALTHY = ['printer-0015', 'printer-0016']
# Hostile printers where a session could be open when the fault hits, and that still answer.
ANSWERING = ['printer-0002', 'printer-0003', 'printer-0004', 'printer-0005', 'printer-0007', 'printer-0008',
             'printer-0010', 'printer-0012', 'printer-0013']


@pytest.fixture
def hostile_fleet(simulated_fleet, tmp_path):
    # The untrusted certificate goes to the last printers: the two healthy ones are moved behind it.
    fleet = simulated_fleet(printers=16, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5, foreign_cert_printers=3)
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    hosts = inventory['all']['children']['printers']['children']['microsoft']['hosts']
    hosts['printer-0008']['cloudmail_task_budget'] = 4
    hosts['printer-0013']['cloudmail_password'] = 'not-the-password'
    for name in HEALTHY:    # printers 15 and 16 present the foreign certificate too: they get its CA
        hosts[name]['cloudmail_validate_certs'] = False
    fleet.inventory_path = write_yaml(tmp_path / 'hostile.yml', inventory)
    for name, (faults, _words) in HOSTILE.items():
        if faults:
            fleet.control.faults(name, **faults)
    return fleet


def assert_named(fleet, rows, step, spared=()):
    for name, (_faults, words) in HOSTILE.items():
        if name in spared:
            continue
        printer = fleet.printers[name]
        message = rows[name]['last_error']
        assert message, f'{step}: {name} reported no error'
        assert f'{name} ({printer["address"]}' in message, f'{step}: {name} not named: {message}'
        port = printer['port']
        assert f'port {port}' in message or f':{port}' in message or name == 'printer-0013', f'{step}: {message}'
        for word in words:
            assert word in message, f'{step}: {name}: {word!r} missing from {message}'
        assert 'Traceback' not in message


def test_hostile_printers_fail_alone_with_the_limit_named(hostile_fleet, run_playbook, tmp_path):
    fleet = hostile_fleet
    common = {'cloudmail_timeout': 3, 'cloudmail_retries': 1, 'cloudmail_authorization_timeout': 60,
              'cloudmail_fail_on_attention': False}
    secrets = [fleet.password]

    status = run_playbook('status.yml', fleet.inventory_path,
                          extra_vars={**common, 'cloudmail_report_dir': str(tmp_path / 'status')})
    rows = {row['host']: row for row in load_report(tmp_path / 'status')['printers']}
    # oauth_info posts nothing: the printer that resets posts answers its status pages.
    assert_named(fleet, rows, 'status.yml', spared=['printer-0007'])
    for name in HEALTHY + ['printer-0007']:
        assert not rows[name]['last_error'], rows[name]
    assert not fleet.open_sessions()

    rollout = run_playbook('rollout.yml', fleet.inventory_path, '-vvv',
                           extra_vars={**common, 'cloudmail_report_dir': str(tmp_path / 'rollout')})
    assert rollout.returncode != 0
    rows = {row['host']: row for row in load_report(tmp_path / 'rollout')['printers']}
    assert_named(fleet, rows, 'rollout.yml')
    for name in HEALTHY:
        assert fleet.control.printer(name)['token']['microsoft']['status'] == 'active'
        assert rows[name]['state'] == 'ok' and not rows[name]['last_error']
    for name in HOSTILE:
        assert fleet.control.printer(name)['token']['microsoft']['status'] != 'active'
    # Nothing was posted to the printers that answer only with garbage.
    for name in ('printer-0002', 'printer-0003', 'printer-0004'):
        assert fleet.control.printer(name)['counters']['writes'] == 0
    sessions = {name: fleet.control.printer(name)['counters']['open_sessions'] for name in ANSWERING}
    assert sessions == dict.fromkeys(ANSWERING, 0)
    for run in (status, rollout):
        for secret in secrets:
            assert secret not in run.output
    assert not re.search(r'Traceback \(most recent call last\)', rollout.output)
