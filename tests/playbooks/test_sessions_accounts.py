"""Sessions and accounts through real ansible-playbook runs: every session carrier works and is logged out,
redirects to the device's own address are followed, a wrong password never becomes a lockout, and a printer
that holds every session is reported as such without a storm of retries."""

import json
import os
import stat

import requests
import yaml

from conftest import load_report, token_status, write_yaml

from simulator.profile_data import profiles

ADVANCE, MF = 'imagerunner_advance', 'isensys_mf'


def printer_settings(*printers):
    return {f'printer-{index:04d}': settings for index, settings in enumerate(printers, start=1)}


def hosts_of(inventory):
    return {name: host for group in inventory['all']['children']['printers']['children'].values()
            for name, host in group['hosts'].items()}


def assert_every_login_logged_out(fleet):
    for name in fleet.printers:
        state = fleet.control.printer(name)
        assert state['login']['open_sessions'] == 0, (name, state['login'])
        assert state['counters']['logins'] == state['counters']['logouts'] > 0, (name, state['counters'])


def test_every_session_carrier_through_status_and_rollout(simulated_fleet, run_playbook, tmp_path):
    # One session per printer: a session left open by one run would refuse the next run's login.
    fleet = simulated_fleet(printers=4, session_limit=1, auto_approve_seconds=1, poll_interval=1, settle_seconds=0.5,
                            printer_settings=printer_settings(
                                {'family': ADVANCE, 'language': 'en', 'provider': 'microsoft',
                                 'variants': ['session_cookie_renamed']},
                                {'family': MF, 'language': 'fr', 'provider': 'microsoft', 'variants': ['session_in_url']},
                                # reached as "localhost": Domain=localhost, and the login redirect names 127.0.0.1
                                {'family': MF, 'language': 'en', 'provider': 'microsoft',
                                 'variants': ['cookie_domain', 'redirect_by_ip'], 'address': '127.0.0.1'},
                                {'family': ADVANCE, 'language': 'fr', 'provider': 'microsoft',
                                 'variants': ['cookie_domain', 'session_cookie_renamed']}))
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    hosts_of(inventory)['printer-0003']['cloudmail_host'] = 'localhost'
    inventory_path = write_yaml(tmp_path / 'inventory.yml', inventory)
    reports = tmp_path / 'reports'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60}

    status = run_playbook('status.yml', inventory_path, extra_vars={**settings, 'cloudmail_fail_on_attention': False})
    assert status.returncode == 0, status.output
    assert {row['state'] for row in load_report(reports)['printers']} == {'not_configured'}
    assert_every_login_logged_out(fleet)
    # The login under another cookie name worked, and the warning names the cookie the device set.
    assert "set the cookie 'RUISESSIONID', not 'sessionid'" in status.output
    assert "set the cookie 'RUISESSIONID', not 'sessid'" not in status.output    # printer-0002 has no cookie at all

    rollout = run_playbook('rollout.yml', inventory_path, extra_vars=settings, timeout=400)
    assert rollout.returncode == 0, rollout.output
    for name in fleet.printers:
        assert token_status(fleet, name, 'microsoft')['status'] == 'active', name
    assert_every_login_logged_out(fleet)

    again = run_playbook('status.yml', inventory_path, extra_vars=settings)
    assert again.returncode == 0, again.output
    assert [(row['host'], row['state']) for row in load_report(reports)['printers']] == [
        (name, 'ok') for name in sorted(fleet.printers)]
    assert_every_login_logged_out(fleet)
    assert fleet.password not in status.output + rollout.output + again.output


def test_a_redirect_to_another_host_is_refused_and_the_session_ended(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=2, session_limit=1, printer_settings=printer_settings(
        {'family': ADVANCE, 'language': 'en', 'provider': 'microsoft', 'variants': []},
        {'family': MF, 'language': 'en', 'provider': 'microsoft', 'variants': ['redirect_by_ip']}))
    fleet.control.faults('printer-0001', transport='redirect_host')
    reports = tmp_path / 'reports'
    run = run_playbook('status.yml', fleet.inventory_path, extra_vars={
        'cloudmail_report_dir': str(reports), 'cloudmail_fail_on_attention': False})
    rows = {row['host']: row for row in load_report(reports)['printers']}
    assert 'redirects to another host (127.2.0.1:' in rows['printer-0001']['last_error'], rows['printer-0001']
    # Reached by its address, a redirect_by_ip printer redirects to a path: nothing to refuse.
    assert rows['printer-0002']['last_error'] == '', (rows['printer-0002'], run.output)
    for name in fleet.printers:
        assert fleet.control.printer(name)['login']['open_sessions'] == 0


def test_a_wrong_password_never_becomes_a_lockout_across_runs(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=2, session_limit=1, printer_settings=printer_settings(
        # the device answers with a text no profile knows, and counts the failure
        {'family': MF, 'language': 'en', 'provider': 'microsoft', 'variants': ['unknown_login_answer']},
        {'family': ADVANCE, 'language': 'en', 'provider': 'microsoft', 'variants': []}))
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    for host in hosts_of(inventory).values():
        host['cloudmail_password'] = 'Wrong-Passw0rd-4711'
    wrong = write_yaml(tmp_path / 'inventory.yml', inventory)
    ledger_dir = tmp_path / 'ledger'
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_retries': 3,
                'cloudmail_state_dir': str(ledger_dir)}

    outputs = []
    for run_number in range(1, 7):
        run = run_playbook('status.yml', wrong, extra_vars=settings)
        assert run.returncode != 0
        outputs.append(run.output)
        failed = {name: fleet.control.printer(name)['counters']['failed_logins'] for name in fleet.printers}
        # One failed login per run, never retried, and none after the third: the device locks after 5.
        assert failed == dict.fromkeys(fleet.printers, min(run_number, 3)), (run_number, failed, run.output)
        for name in fleet.printers:
            state = fleet.control.printer(name)['login']
            assert not state['locked'] and state['lockouts'] == 0 and state['open_sessions'] == 0, (name, state)
        rows = {row['host']: row for row in load_report(tmp_path / 'reports')['printers']}
        if run_number <= 3:
            # The device's own text, and what to fix and run next.
            assert 'Benutzer-ID oder Passwort falsch' in rows['printer-0001']['last_error']
            assert rows['printer-0001']['state'] == 'login_unconfirmed'
            assert 'cloudmail_password' in rows['printer-0001']['last_error']
            assert 'playbooks/status.yml' in rows['printer-0001']['last_error']
            assert 'the device says: "The ID or password is incorrect."' in rows['printer-0002']['last_error']
            assert rows['printer-0002']['state'] == 'wrong_password'
        else:
            for name in fleet.printers:
                assert 'no password posted: 3 failed or unconfirmed login(s)' in rows[name]['last_error'], rows[name]
                assert rows[name]['state'] == 'login_paused'
    assert all('Wrong-Passw0rd-4711' not in output and fleet.password not in output for output in outputs)

    # The ledger: private, no secret, one entry per printer account; deleting an entry allows logins again.
    ledger = ledger_dir / 'login-failures.json'
    assert stat.S_IMODE(os.stat(ledger_dir).st_mode) == 0o700 and stat.S_IMODE(os.stat(ledger).st_mode) == 0o600
    text = ledger.read_text()
    assert 'Wrong-Passw0rd-4711' not in text and fleet.password not in text
    entries = json.loads(text)['logins']
    assert sorted(entries) == sorted('%s:%d %s' % (printer['address'], printer['port'], fleet.username)
                                     for printer in fleet.printers.values())
    # With the right password the account stays paused until the entry is deleted.
    paused = run_playbook('status.yml', fleet.inventory_path, extra_vars=settings)
    assert paused.returncode != 0 and 'no password posted' in paused.output
    ledger.unlink()
    fixed = run_playbook('status.yml', fleet.inventory_path, extra_vars={**settings, 'cloudmail_fail_on_attention': False})
    assert fixed.returncode == 0, fixed.output
    assert {row['state'] for row in load_report(tmp_path / 'reports')['printers']} == {'not_configured'}
    assert json.loads(ledger.read_text())['logins'] == {}


def test_a_printer_holding_every_session_is_reported_without_a_retry_storm(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=1, session_limit=1, printer_settings=printer_settings(
        {'family': ADVANCE, 'language': 'en', 'provider': 'microsoft', 'variants': []}))
    # Another administrator, in a browser of their own, holds the printer's one session.
    login, logout = profiles.PROFILES[ADVANCE]['login'], profiles.PROFILES[ADVANCE]['logout']
    other = requests.Session()
    other.trust_env = False
    answer = other.post(fleet.url('printer-0001', login['path']), verify=fleet.ca_path, allow_redirects=False,
                        timeout=10, data={**login['extra_fields'], login['username_field']: fleet.username,
                                          login['password_field']: fleet.password})
    assert answer.status_code == 302
    before = fleet.control.printer('printer-0001')['counters']['requests']
    reports = tmp_path / 'reports'
    run = run_playbook('status.yml', fleet.inventory_path, extra_vars={
        'cloudmail_report_dir': str(reports), 'cloudmail_retries': 5})
    assert run.returncode != 0
    row = load_report(reports)['printers'][0]
    assert row['state'] == 'session_held', row
    assert 'Another administrator is logged in.' in row['last_error'] and '300 s in the profile' in row['last_error']
    assert 'playbooks/status.yml after that time' in row['last_error']
    # The login form, the login post, the logout: no retry can help before a session ends.
    assert fleet.control.printer('printer-0001')['counters']['requests'] - before == 3
    other.get(fleet.url('printer-0001', logout['path']), verify=fleet.ca_path, allow_redirects=False, timeout=10)


def test_rollout_with_a_wrong_password_stops_before_the_lockout(simulated_fleet, run_playbook, tmp_path):
    # A rollout logs in more than once per printer (the step, then the report): the ledger still stops at 3.
    fleet = simulated_fleet(printers=1, session_limit=1, auto_approve_seconds=1, poll_interval=1, printer_settings=(
        printer_settings({'family': MF, 'language': 'fr', 'provider': 'microsoft',
                          'variants': ['unknown_login_answer', 'session_in_url']})))
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    hosts_of(inventory)['printer-0001']['cloudmail_password'] = 'Wrong-Passw0rd-4711'
    wrong = write_yaml(tmp_path / 'inventory.yml', inventory)
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 30}
    for run_number in range(1, 5):
        run = run_playbook('rollout.yml', wrong, extra_vars=settings, timeout=300)
        assert run.returncode != 0
        assert 'Wrong-Passw0rd-4711' not in run.output and fleet.password not in run.output
        state = fleet.control.printer('printer-0001')
        assert state['counters']['failed_logins'] <= 3, (run_number, state['counters'], run.output)
        assert not state['login']['locked'] and state['login']['open_sessions'] == 0, (run_number, state['login'])
        assert 'Benutzer-ID oder Passwort falsch' in run.output or 'no password posted' in run.output, run.output
    assert 'no password posted' in run.output
    assert fleet.control.printer('printer-0001')['counters']['writes'] == 0


def test_probe_on_every_session_carrier(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=4, session_limit=1, printer_settings=printer_settings(
        {'family': ADVANCE, 'language': 'en', 'provider': 'microsoft', 'variants': ['session_cookie_renamed']},
        {'family': MF, 'language': 'fr', 'provider': 'google', 'variants': ['session_in_url']},
        {'family': MF, 'language': 'en', 'provider': 'microsoft', 'variants': ['cookie_domain', 'redirect_by_ip'],
         'address': '127.0.0.1'},
        {'family': ADVANCE, 'language': 'fr', 'provider': 'google', 'variants': ['unknown_login_answer']}))
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    hosts_of(inventory)['printer-0003']['cloudmail_host'] = 'localhost'
    inventory_path = write_yaml(tmp_path / 'inventory.yml', inventory)
    reports = tmp_path / 'reports'
    run = run_playbook('probe.yml', inventory_path, extra_vars={'cloudmail_report_dir': str(reports)})
    rows = {row['host']: row for row in load_report(reports, 'probe')['printers']}
    for name, printer in fleet.printers.items():
        assert rows[name]['family_guess'] == printer['family'], (name, rows[name], run.output)
        state = fleet.control.printer(name)
        assert state['counters']['writes'] == 0 and state['counters']['failed_logins'] == 0, (name, state['counters'])
        assert state['login']['open_sessions'] == 0, (name, state['login'])
        assert state['counters']['logins'] == state['counters']['logouts'] == 1, (name, state['counters'])
    assert fleet.password not in run.output
