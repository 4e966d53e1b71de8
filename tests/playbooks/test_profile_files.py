"""A printer described by the operator's own profile file, end to end through cloudmail_profile_file."""

import yaml

from conftest import load_report, write_yaml


def fleet_with_profile_file(simulated_fleet, tmp_path, profile_text):
    fleet = simulated_fleet(printers=2, families='imagerunner_advance', providers='microsoft', settle_seconds=0.5)
    profile = tmp_path / 'site-profile.yml'
    profile.write_text(profile_text, encoding='utf-8')
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    for variables in inventory['all']['children']['printers']['children']['microsoft']['hosts'].values():
        variables['cloudmail_profile_file'] = str(profile)
        variables.pop('cloudmail_profile', None)
    return fleet, write_yaml(tmp_path / 'inventory.yml', inventory)


def test_a_profile_file_that_extends_a_built_in_one_drives_the_printers(simulated_fleet, run_playbook, tmp_path):
    fleet, inventory = fleet_with_profile_file(simulated_fleet, tmp_path, '''
extends: imagerunner_advance
description: the ADVANCE firmware of this site, with a slower request pace
request_spacing_seconds: 0.05
''')
    # The printers are not configured yet: without a person (CI) that alone fails status.yml with exit 2
    # (cloudmail_fail_on_attention: auto). Here only a printer whose read failed may fail the run.
    reports = tmp_path / 'reports'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_fail_on_attention': False}
    run = run_playbook('status.yml', inventory, extra_vars=settings)
    assert run.returncode == 0, run.output
    # status.yml reads the fleet in one run_once task, so the recap need not list every printer.
    assert not any(counts['failed'] for counts in run.recap().values()), run.output
    # Read through the profile file: each printer's status is known, not a read failure.
    assert {row['host']: row['state'] for row in load_report(reports)['printers']} == {
        'printer-0001': 'not_configured', 'printer-0002': 'not_configured'}
    counters = fleet.control.counters()
    assert counters['logins'] == 2 and counters['failed_logins'] == 0
    assert fleet.control.counters()['open_sessions'] == 0
    assert fleet.password not in run.output


def test_a_profile_file_with_wrong_login_fields_posts_no_password(simulated_fleet, run_playbook, tmp_path):
    fleet, inventory = fleet_with_profile_file(simulated_fleet, tmp_path, '''
extends: isensys_mf
login: {form_path: /login, path: /login, username_field: i0019, password_field: i2101}
''')
    run = run_playbook('status.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'reports')})
    assert run.returncode != 0
    assert "printer-0001 (127.1.0.1): profile mismatch: the login form at /login has no field 'i0019' and 'i2101'" in run.output
    assert 'cloudmail_profile_file' in run.output
    counters = fleet.control.counters()
    assert counters['logins'] == 0 and counters['failed_logins'] == 0 and counters['writes'] == 0
    assert fleet.password not in run.output


def test_an_invalid_profile_file_is_refused_before_any_request(simulated_fleet, run_playbook, tmp_path):
    fleet, inventory = fleet_with_profile_file(simulated_fleet, tmp_path, '''
extends: imagerunner_advance
login: {pasword_field: pin}
''')
    requests_before = fleet.control.counters()['requests']
    run = run_playbook('status.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'reports')})
    assert run.returncode != 0
    assert 'printer-0001: cloudmail_profile_file: the profile' in run.output
    assert "login: unknown key(s) 'pasword_field'" in run.output
    assert fleet.control.counters()['requests'] == requests_before


def test_a_wrong_status_path_or_unknown_status_words_stop_the_rollout_before_any_write(
        simulated_fleet, run_playbook, tmp_path):
    # The status page of a real rollout is read after the write; nothing may be written before it is known to match.
    fleet, inventory = fleet_with_profile_file(simulated_fleet, tmp_path, '''
extends: imagerunner_advance
providers:
  microsoft:
    status_path: /rps/oauthms-status.cgi
''')
    run = run_playbook('rollout.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'reports'),
                                                             'cloudmail_preflight': False})
    assert run.returncode != 0
    assert 'page /rps/oauthms-status.cgi answered HTTP 404' in run.output
    assert '(the page named by providers.microsoft.status_path in the profile)' in run.output
    counters = fleet.control.counters()
    assert counters['writes'] == 0 and counters['open_sessions'] == 0, counters
    # Status words the profile does not know (the device's "Active" missing): refused before the write too.
    fleet, inventory = fleet_with_profile_file(simulated_fleet, tmp_path, '''
extends: imagerunner_advance
status_values:
  token_status: {active: [Aktiv], inactive: [Inaktiv], authorizing: [Warten], expired: [Abgelaufen], error: [Fehler]}
''')
    run = run_playbook('rollout.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'reports2'),
                                                             'cloudmail_preflight': False})
    assert run.returncode != 0
    counters = fleet.control.counters()
    assert counters['writes'] == 0 and counters['open_sessions'] == 0, (counters, run.output[-3000:])
    assert fleet.password not in run.output
