"""Invalid inventories are refused on the controller, before anything is written to any printer."""

import subprocess
import sys

import trustme
import yaml

from conftest import REPO_ROOT, write_yaml

VALIDATE_COMMAND = [sys.executable, str(REPO_ROOT / 'plugins' / 'plugin_utils' / 'inventory_validation.py')]


def run_validate_command(*arguments):
    return subprocess.run([*VALIDATE_COMMAND, *arguments], capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, check=False)


def test_example_inventory_passes_the_schema_without_its_vault_password(tmp_path):
    # The example names the CA file of a real controller; here a test CA stands in for it.
    ca_file = tmp_path / 'printers-ca.pem'
    trustme.CA().cert_pem.write_to_path(str(ca_file))
    settings = write_yaml(tmp_path / 'settings.yml', {'cloudmail_ca_path': str(ca_file)})
    completed = run_validate_command('-i', str(REPO_ROOT / 'inventories' / 'example'), '-e', str(settings))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert '7 host(s) checked, 0 problem(s)' in completed.stderr


def test_a_missing_ca_file_is_refused_for_every_host_naming_the_variable():
    completed = run_validate_command('-i', str(REPO_ROOT / 'inventories' / 'example'))
    assert completed.returncode == 1
    lines = completed.stdout.splitlines()
    assert len(lines) == 7
    assert all(': cloudmail_ca_path: is not valid (got "/etc/pki/printfleet/printers-ca.pem"): no such file on the '
               'controller' in line for line in lines), lines


def test_command_prints_one_line_per_problem_without_secrets(tmp_path):
    inventory = write_yaml(tmp_path / 'hosts.yml', {'printers': {'hosts': {
        'mfp-a': {'cloudmail_host': 'mfp-a.example.com', 'cloudmail_prot': 443, 'cloudmail_profile': 'isensys_mf',
                  'cloudmail_provider': 'google', 'cloudmail_username': 'admin',
                  'cloudmail_password': 'TopSecretPassw0rd',
                  'cloudmail_google_client_id': 'not-a-client-id'},
        'mfp-b': {'cloudmail_host': 'mfp-b.example.com', 'cloudmail_port': 70000,
                  'cloudmail_profile': 'imagerunner_advance', 'cloudmail_provider': 'microsoft',
                  'cloudmail_username': 'admin', 'cloudmail_password': 'TopSecretPassw0rd',
                  'cloudmail_microsoft_authority_url': 'http://login.example.com/common'},
    }}})
    completed = run_validate_command('-i', str(inventory))
    assert completed.returncode == 1
    lines = completed.stdout.splitlines()
    assert lines == [
        'mfp-a: cloudmail_google_client_id: is not valid (got "not-a-client-id"). Expected: OAuth client ID of the '
        'Google Cloud project: the project number, a dash, letters and digits, then .apps.googleusercontent.com '
        '(for example 123456789012-a1b2c3d4e5f6.apps.googleusercontent.com).',
        'mfp-a: cloudmail_google_client_secret: is required when cloudmail_provider is google: '
        'OAuth client secret of the Google Cloud project',
        'mfp-a: cloudmail_prot: unknown variable (did you mean cloudmail_port?)',
        lines[3],
        'mfp-b: cloudmail_port: must be at most 65535 (got 70000)',
    ]
    assert lines[3].startswith('mfp-b: cloudmail_microsoft_authority_url: is not valid (got "http://login.example.com')
    assert 'TopSecretPassw0rd' not in completed.stdout + completed.stderr


def test_rollout_refuses_an_invalid_fleet_before_any_write(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=3, settle_seconds=0.5)
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    hosts = inventory['all']['children']['printers']['children']['microsoft']['hosts']
    hosts['printer-0001']['cloudmail_prot'] = 8443
    hosts['printer-0002']['cloudmail_profile'] = 'imagerunner'
    broken = write_yaml(tmp_path / 'inventory.yml', inventory)

    run = run_playbook('rollout.yml', broken, extra_vars={'cloudmail_report_dir': str(tmp_path / 'reports')})

    assert run.returncode != 0
    assert 'printer-0001: cloudmail_prot: unknown variable (did you mean cloudmail_port?)' in run.output
    assert ('printer-0002: cloudmail_profile: must be one of imagerunner_advance, isensys_mf (got "imagerunner")'
            in run.output)
    # The valid printer is stopped too, and told why.
    assert 'Nothing was written to printer-0003' in run.output
    assert fleet.control.counters()['writes'] == 0
    assert fleet.control.counters()['logins'] == 0
    assert fleet.password not in run.output
