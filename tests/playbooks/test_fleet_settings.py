"""The rollout's push (fleet_settings: one controller-side task for the batch) keeps what the per-printer
task gave: check mode writes nothing, diff mode shows each printer's change, a failing printer fails alone
and is reported with its own state and next action, no secret is printed, no session is left open."""

import copy
import json
import os
import signal
import subprocess
import time

from conftest import BIN, PLAYBOOKS, load_report, token_status, write_yaml


def with_host_variables(fleet, tmp_path, **host_variables):
    inventory = copy.deepcopy(fleet.inventory)
    for group in inventory['all']['children']['printers']['children'].values():
        for name, variables in group['hosts'].items():
            variables.update(host_variables.get(name, {}))
    return write_yaml(tmp_path / 'inventory.yml', inventory)


def test_push_fails_printers_alone_and_check_mode_writes_nothing(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=3, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    reports = tmp_path / 'reports'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60}
    wrong_password = 'not-the-password-%s' % fleet.password[-4:]
    inventory = with_host_variables(fleet, tmp_path, **{
        # No pre-flight for these two, so that the push meets their problems: this tenant's authority
        # does not answer the printer; the other printer refuses the password.
        'printer-0002': {'cloudmail_microsoft_tenant': 'contoso.com',
                         'cloudmail_preflight': False},
        'printer-0003': {'cloudmail_password': wrong_password, 'cloudmail_preflight': False},
    })

    check = run_playbook('rollout.yml', inventory, '--check', '--diff', extra_vars=settings)
    assert fleet.control.counters()['writes'] == 0
    assert fleet.control.counters()['open_sessions'] == 0
    for name in ('printer-0001', 'printer-0002'):
        assert '--- before: %s' % name in check.output and '+++ after: %s' % name in check.output
    assert 'printer-0003 (127.' in check.output and 'login refused for user' in check.output

    run = run_playbook('rollout.yml', inventory, extra_vars=settings, timeout=300)
    assert run.returncode != 0
    assert token_status(fleet, 'printer-0001', 'microsoft')['status'] == 'active'
    assert fleet.control.printer('printer-0003')['counters']['writes'] == 0
    assert fleet.control.counters()['open_sessions'] == 0
    states = {row['host']: row for row in load_report(reports)['printers']}
    assert states['printer-0001']['state'] == 'ok'
    assert states['printer-0002']['state'] == 'not_connected'
    assert 'cloudmail_verify_server_certificate' in run.output
    assert states['printer-0003']['state'] == 'wrong_password'
    assert 'cloudmail_password' in states['printer-0003']['next_action']
    for output in (check.output, run.output):
        assert fleet.password not in output and wrong_password not in output


def test_a_stopped_push_logs_out_of_every_printer(simulated_fleet, ansible_env, tmp_path):
    # Slow printers, so that the push is still in progress on each of them when the worker is stopped.
    fleet = simulated_fleet(printers=3, providers='microsoft', settle_seconds=0.5)
    for name in fleet.printers:
        fleet.control.faults(name, latency=1.0)
    command = [str(BIN / 'ansible-playbook'), '-i', str(fleet.inventory_path), str(PLAYBOOKS / 'rollout.yml'),
               '-e', json.dumps({'cloudmail_preflight': False, 'cloudmail_report_dir': str(tmp_path / 'reports')})]
    run = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, env=ansible_env)
    try:
        deadline = time.monotonic() + 120
        while fleet.control.counters()['writes'] == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fleet.control.counters()['open_sessions'] > 0
        workers = subprocess.run(['pgrep', '-P', str(run.pid)], capture_output=True, text=True, check=False).stdout.split()
        for pid in workers:
            os.kill(int(pid), signal.SIGTERM)
        output = run.communicate(timeout=120)[0]
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    # The stop is said in words, with what became of each printer (each logged out mid-way).
    assert 'fleet_rollout stopped (SIGTERM)' in output and 'stopped mid-way (logged out)' in output
    assert fleet.control.counters()['open_sessions'] == 0
    assert fleet.password not in output
