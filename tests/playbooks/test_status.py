"""status.yml reads the whole fleet in one controller-side task: each printer fails on its own,
every session is closed, and no secret reaches the output, even at -vvvv."""

import yaml
from conftest import load_report, write_yaml


def test_status_reads_each_printer_once_and_fails_only_the_broken_ones(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=5, providers='microsoft', settle_seconds=0.5)
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    hosts = inventory['all']['children']['printers']['children']['microsoft']['hosts']
    hosts['printer-0002']['cloudmail_password'] = 'Wrong-Passw0rd-4711'
    hosts['printer-0003']['cloudmail_prot'] = 8443
    broken = write_yaml(tmp_path / 'inventory.yml', inventory)
    fleet.control.faults('printer-0004', offline=600)
    before = fleet.control.counters()
    reports = tmp_path / 'reports'

    run = run_playbook('status.yml', broken, '-vvvv', extra_vars={
        'cloudmail_report_dir': str(reports), 'cloudmail_retries': 0, 'cloudmail_timeout': 5,
        'cloudmail_fail_on_attention': False})

    assert run.returncode != 0
    recap = run.recap()
    assert {host for host, counts in recap.items() if counts['failed']} == {'printer-0002', 'printer-0003', 'printer-0004'}
    rows = {row['host']: row for row in load_report(reports)['printers']}
    assert sorted(rows) == sorted(fleet.printers)
    for name in ('printer-0001', 'printer-0005'):
        assert (rows[name]['token_status'], rows[name]['last_error']) == ('inactive', '')
    assert 'login refused' in rows['printer-0002']['last_error']
    assert 'cloudmail_prot: unknown variable' in rows['printer-0003']['last_error']
    assert rows['printer-0004']['last_error'] and rows['printer-0004']['token_status'] == 'unknown'
    # What oauth_info reads (login form, login, the portal page the login redirects to, settings page, status
    # page, logout) on each readable printer;
    # the login form, the refused login and the logout owed after any login post on printer-0002; nothing on
    # the printer with bad variables.
    after = fleet.control.counters()
    assert fleet.control.printer('printer-0003')['counters']['requests'] == 1   # the simulator's start-up check
    assert after['requests'] - before['requests'] == 6 * 2 + 3
    assert after['writes'] == before['writes']
    assert after['open_sessions'] == 0
    for secret in (fleet.password, 'Wrong-Passw0rd-4711'):
        assert secret not in run.output
        for path in reports.iterdir():
            assert secret not in path.read_text()
