"""Invalid inventories are refused on the controller, before anything is written to any printer."""

import os
import subprocess
import sys

import pytest
import trustme
import yaml

from conftest import BIN, REPO_ROOT, write_yaml

VALIDATE_COMMAND = [sys.executable, str(REPO_ROOT / 'plugins' / 'plugin_utils' / 'inventory_validation.py')]


def run_validate_command(*arguments, env=None):
    return subprocess.run([*VALIDATE_COMMAND, *arguments], capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, check=False, env=env)


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


# The command run by path: its problems, and every module loaded from a device_profiles.py file.
RUN_BY_PATH = """
import runpy, sys
script, inventory = sys.argv[1:]
sys.argv = [script, '-i', inventory]
try:
    runpy.run_path(script, run_name='__main__')
except SystemExit as exit:
    print('exit', exit.code)
print('profiles', sorted(name for name, module in list(sys.modules.items())
                         if str(getattr(module, '__file__', '')).endswith('device_profiles.py')))
"""


@pytest.mark.parametrize('installed', [False, True])
def test_the_command_imports_its_own_collection_once_from_a_checkout_or_installed(collections_path, installed):
    root = collections_path / 'ansible_collections' / 'printfleet' / 'cloudmail' if installed else REPO_ROOT
    script = root / 'plugins' / 'plugin_utils' / 'inventory_validation.py'
    inventory = REPO_ROOT / 'inventories' / 'example'
    # Run from elsewhere, with no collection path that holds it: only the script's own place finds it.
    completed = subprocess.run([sys.executable, '-c', RUN_BY_PATH, str(script), str(inventory)], capture_output=True,
                               text=True, timeout=120, stdin=subprocess.DEVNULL, check=False, cwd=str(collections_path),
                               env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.devnull))
    assert 'exit 1' in completed.stdout, completed.stdout + completed.stderr
    assert completed.stdout.count('cloudmail_ca_path: is not valid') == 7
    # One device_profiles module (one cache of resolved profiles), imported by its collection name.
    assert "profiles ['ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles']" in \
        completed.stdout, completed.stdout


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


ISSUE_INVENTORY = '''\
printers:
  vars:
    cloudmail_profile: isensys_mf
    cloudmail_provider: microsoft
    cloudmail_username: admin
    cloudmail_microsoft_tenant: organizations
    cloudmail_host: "{{ inventory_hostname }}.example.com"
    cloudmail_password: PLACEHOLDER
  hosts:
    templated-port:
      cloudmail_port: "{{ 70000 }}"
    templated-profile:
      cloudmail_profile: "{{ 'imagerunner' }}"
    undefined-tenant:
      cloudmail_microsoft_tenant: "{{ tenant_of_site }}"
    underscore-port:
      cloudmail_port: 443_000
    octal-port:
      cloudmail_port: 0443
    unsafe-port:
      cloudmail_port: !unsafe "{{ 443 }}"
    no-ipv4:
      cloudmail_host: 999.999.999.999
    port-in-host:
      cloudmail_host: cafe:8443
    nan-timeout:
      cloudmail_timeout: .nan
    binary-user:
      cloudmail_username: !!binary YWRtaW4=
    missing-ca:
      cloudmail_ca_path: /nonexistent/ca.pem
    fine:
      cloudmail_port: "{{ 8000 + 443 }}"
'''


def test_values_are_checked_as_the_rollout_would_use_them(tmp_path):
    password_file = tmp_path / 'vault-password'
    password_file.write_text('right-password\n')
    vaulted = subprocess.run([str(BIN / 'ansible-vault'), 'encrypt_string', '--vault-password-file', str(password_file),
                              'S3cret-Passw0rd', '--name', 'cloudmail_password'], capture_output=True, text=True,
                             check=True).stdout
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(ISSUE_INVENTORY.replace('cloudmail_password: PLACEHOLDER', vaulted.strip().replace('\n', '\n    ')))

    completed = run_validate_command('-i', str(inventory), env=dict(os.environ, ANSIBLE_VAULT_PASSWORD_FILE=str(password_file)))
    assert completed.returncode == 1, completed.stdout + completed.stderr
    lines = sorted(completed.stdout.splitlines())
    assert lines == [
        'binary-user: cloudmail_username: must be text, got binary data (!!binary)',
        'missing-ca: cloudmail_ca_path: is not valid (got "/nonexistent/ca.pem"): no such file on the controller '
        '(/nonexistent/ca.pem)',
        'nan-timeout: cloudmail_timeout: must be a finite number (got nan)',
        'no-ipv4: cloudmail_host: is not valid (got "999.999.999.999"): not an IPv4 address (four numbers from 0 to '
        '255, without leading zeros)',
        'octal-port: cloudmail_port: is written 0443, which YAML reads as the number 291; write the number in plain '
        'decimal digits',
        'port-in-host: cloudmail_host: is not valid (got "cafe:8443"): not an IPv6 address; give the port in '
        'cloudmail_port, not in the host',
        'templated-port: cloudmail_port: must be at most 65535 (got 70000)',
        'templated-profile: cloudmail_profile: must be one of imagerunner_advance, isensys_mf (got "imagerunner")',
        "undefined-tenant: cloudmail_microsoft_tenant: cannot be rendered: 'tenant_of_site' is undefined",
        'underscore-port: cloudmail_port: is written 443_000, which YAML reads as the number 443000; write the number '
        'in plain decimal digits',
        'unsafe-port: cloudmail_port: must be an integer, got a string',
    ]
    assert '12 host(s) checked, 11 problem(s)' in completed.stderr
    assert 'S3cret-Passw0rd' not in completed.stdout + completed.stderr

    # The wrong vault password: every printer's password is refused, by name, without its value.
    password_file.write_text('wrong-password\n')
    completed = run_validate_command('-i', str(inventory), '--vault-password-file', str(password_file))
    refused = [line for line in completed.stdout.splitlines() if ': cloudmail_password: ' in line]
    assert len(refused) == 12 and all('cannot be decrypted with the vault secrets given' in line for line in refused)


@pytest.mark.parametrize('text, where', [
    ('printers:\n  hosts:\n\tmfp-1:\n',
     'hosts.yml:3:1: YAML parsing failed: While scanning for the next token found character that cannot start any token.'),
    ('printers:\n  hosts:\n    mfp-1:\n      cloudmail_port: *nowhere\n',
     'hosts.yml:4:23: YAML parsing failed: Found undefined alias.'),
])
def test_a_file_ansible_cannot_parse_is_named_with_its_line(tmp_path, text, where):
    (tmp_path / 'hosts.yml').write_text(text)
    completed = run_validate_command('-i', str(tmp_path))
    assert completed.returncode == 2
    assert completed.stderr.splitlines()[:2] == ['the inventory cannot be read:', str(tmp_path / where)]
    assert 'Traceback' not in completed.stderr
