"""A profile carries only the providers its firmware has: through real ansible-playbook against the simulated fleet."""

from pathlib import Path

import yaml

from conftest import load_report, write_yaml

PROFILES = Path(__file__).resolve().parents[2] / 'profiles'


def google_only_profile(tmp_path):
    """The imageRUNNER ADVANCE profile as a firmware without Microsoft would have it (its own file)."""
    profile = yaml.safe_load((PROFILES / 'imagerunner_advance.yml').read_text(encoding='utf-8'))
    del profile['providers']['microsoft']
    profile['description'] = 'a firmware that offers OAuth 2.0 for Google only'
    return write_yaml(tmp_path / 'google-only.yml', profile)


def fleet_with(simulated_fleet, tmp_path, provider):
    fleet = simulated_fleet(printers=2, families='imagerunner_advance', providers=provider, settle_seconds=0.5)
    profile = google_only_profile(tmp_path)
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    for variables in inventory['all']['children']['printers']['children'][provider]['hosts'].values():
        variables['cloudmail_profile_file'] = str(profile)
        variables.pop('cloudmail_profile', None)
    return fleet, profile, write_yaml(tmp_path / 'inventory.yml', inventory)


def test_a_profile_without_the_hosts_provider_stops_the_rollout_before_any_request(simulated_fleet, run_playbook, tmp_path):
    fleet, profile, inventory = fleet_with(simulated_fleet, tmp_path, 'microsoft')
    requests_before = fleet.control.counters()['requests']
    run = run_playbook('rollout.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'reports')})
    assert run.returncode != 0
    for host in ('printer-0001', 'printer-0002'):
        # The host, the variable to fix, the profile and its file, what it has, and the playbook to run next.
        assert '%s: cloudmail_provider: the profile %s (file %s) has no microsoft pages' % (
            host, profile, profile) in run.output, run.output
    assert 'offers google only' in run.output
    assert 'then run playbooks/rollout.yml' in run.output
    counters = fleet.control.counters()
    assert counters['requests'] == requests_before and counters['writes'] == 0 and counters['logins'] == 0
    assert fleet.password not in run.output


def test_a_profile_with_only_the_hosts_provider_drives_the_printers(simulated_fleet, run_playbook, tmp_path):
    fleet, _profile, inventory = fleet_with(simulated_fleet, tmp_path, 'google')
    reports = tmp_path / 'reports'
    run = run_playbook('status.yml', inventory, extra_vars={'cloudmail_report_dir': str(reports),
                                                            'cloudmail_fail_on_attention': False})
    assert run.returncode == 0, run.output
    assert {row['host']: row['state'] for row in load_report(reports)['printers']} == {
        'printer-0001': 'not_configured', 'printer-0002': 'not_configured'}
    counters = fleet.control.counters()
    assert counters['logins'] == 2 and counters['failed_logins'] == 0 and counters['open_sessions'] == 0
    assert fleet.password not in run.output
