"""Profiles learnt from real browser captures: Chromium records the manual's procedure on simulated
printers of each family and language (and on firmware the collection does not ship), the learner
runs as an operator runs it from the installed collection, and the learnt profiles drive a rollout."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import BIN, REPO_ROOT, token_status, write_yaml
from har_capture import record
from remote_ui_person import do_the_procedure
from simulator.profile_data import load_profile_file, profiles

LEARN = 'ansible_collections.printfleet.cloudmail.plugins.plugin_utils.learn_profile'
TEST_PROFILES = REPO_ROOT / 'tests' / 'profiles'
GOOGLE_ROW = re.compile(r'(printer-\d+)\s+google\s+(https://[^\s"]+)')
# Each family in each language, in several markup variants, and two firmwares the collection does not ship
# (profile files).
PRINTERS = {
    'printer-0001': {'family': 'imagerunner_advance', 'language': 'en', 'provider': 'microsoft',
                     'variants': ['submit_name', 'checkbox_hidden', 'relative_action', 'save_200_status', 'td_labels']},
    'printer-0002': {'family': 'isensys_mf', 'language': 'fr', 'provider': 'google',
                     'variants': ['omit_end_tags', 'label_colon', 'nbsp', 'save_200_form']},
    'printer-0003': {'family': 'isensys_mf', 'language': 'en', 'provider': 'google',
                     'profile_file': str(TEST_PROFILES / 'isensys_x.yml')},
    'printer-0004': {'family': 'imagerunner_advance', 'language': 'fr', 'provider': 'microsoft',
                     'profile_file': str(TEST_PROFILES / 'advance_current.yml'), 'variants': ['portal_cookie']},
}
ESSENTIALS = ('login', 'after_login', 'logout', 'token_field', 'write_fields', 'timestamp_field', 'providers')


def original_profile(settings):
    if settings.get('profile_file'):
        return load_profile_file(settings['profile_file'])[0]
    return profiles.PROFILES[settings['family']]


def typed_values(fleet):
    google = fleet.inventory['all']['children']['printers']['children']['google']['vars']
    return {'authority_url': 'https://login.microsoftonline.com/organizations/oauth2/v2.0',
            'client_id': google['cloudmail_google_client_id'], 'client_secret': google['cloudmail_google_client_secret']}


def record_procedure(fleet, name, path, providers=('microsoft', 'google')):
    settings = PRINTERS[name]

    def consent(url):
        return fleet.control.google_consent(url)['code']
    return record(lambda browser: do_the_procedure(browser, fleet, name, original_profile(settings),
                                                   settings['language'], typed_values(fleet), providers, consent), path)


def learn(collections_path, capture, output, *arguments):
    """The learner as an operator runs it from the installed collection."""
    completed = subprocess.run(
        [sys.executable, '-m', LEARN, str(capture), '--output', str(output), '--report', str(output) + '.report.txt',
         *arguments], capture_output=True, text=True, timeout=120, check=False, cwd=str(Path(output).parent),
        env={**os.environ, 'PYTHONPATH': str(collections_path)})
    return completed


def host_vars_file(fleet, tmp_path, name, ansible_env):
    """The printer's variables as the operator gets them: `ansible-inventory --host NAME` (the password too)."""
    completed = subprocess.run([str(BIN / 'ansible-inventory'), '-i', str(fleet.inventory_path), '--host', name],
                               capture_output=True, text=True, timeout=120, check=True, env=ansible_env)
    path = tmp_path / f'{name}-vars.json'
    path.write_text(completed.stdout)
    return path


def capture_secrets(capture, profile):
    """Every secret value the capture holds, read with the original profile's field names."""
    entries = json.loads(Path(capture).read_text())['log']['entries']
    secrets = set()
    secret_fields = {profile['login']['password_field'], profile['token_field']}
    for spec in profile['providers'].values():
        secret_fields |= {spec['fields'].get('client_secret'), spec['fields'].get('authorization_code')}
    for entry in entries:
        for header in entry['request']['headers'] + entry['response']['headers']:
            if header['name'].lower() == 'cookie':
                secrets |= {pair.split('=', 1)[1] for pair in header['value'].split('; ') if '=' in pair}
            elif header['name'].lower() == 'set-cookie':
                secrets.add(header['value'].split(';')[0].split('=', 1)[1])
        text = entry['request'].get('postData', {}).get('text', '')
        secrets |= {value for name, value in _pairs(text) if name in secret_fields}
        secrets |= set(re.findall(r'name="%s" value="([^"]+)"' % re.escape(profile['token_field']),
                                  entry['response']['content']['text']))
    return {secret for secret in secrets if len(secret) >= 4}


def _pairs(text):
    from urllib.parse import parse_qsl
    return parse_qsl(text, keep_blank_values=True)


def essentials(profile):
    return {**{key: profile[key] for key in ESSENTIALS}, 'checkbox_on': profile['checkbox']['on']}


def test_learnt_profiles_reproduce_the_originals_and_drive_a_rollout(simulated_fleet, run_playbook, collections_path,
                                                                     ansible_env, tmp_path):
    recorded = simulated_fleet(printers=4, printer_settings=PRINTERS, settle_seconds=0.5)
    learnt = {}
    for name, settings in PRINTERS.items():
        capture = tmp_path / f'{name}.har'
        record_procedure(recorded, name, capture)
        output = tmp_path / f'{name}-learnt.yml'
        # the values typed come from the printer's inventory variables (the Google ones for Google printers,
        # the tenant for Microsoft ones); the person typed both, so the other one is given on the command line
        host_vars = str(host_vars_file(recorded, tmp_path, name, ansible_env))
        other = (['--client-id', typed_values(recorded)['client_id']] if settings['provider'] == 'microsoft'
                 else ['--tenant', 'organizations'])
        run = learn(collections_path, capture, output, '--host-vars', host_vars, *other)
        assert run.returncode == 0, run.stdout + run.stderr
        report = Path(str(output) + '.report.txt').read_text()
        assert 'Not found:\n  - nothing' in report, report
        assert 'is written to the profile or this report' in report
        original = original_profile(settings)
        resolved = load_profile_file(output)[0]
        assert essentials(resolved) == essentials(original), name
        # the labels the printer shows in its language are known to the learnt profile
        language = ('en', 'fr').index(settings['language'])
        for key in ('connection_status', 'token_status', 'user_code', 'authorization_url'):
            assert original['labels'][key][language] in resolved['labels'][key], (name, key)
        # extends the closest built-in profile and overrides only what differs
        written = yaml.safe_load(output.read_text())
        assert written['extends'] == settings['family']
        if not settings.get('profile_file'):
            assert set(written) == {'extends', 'description'}, written
        # no secret of the capture (password, cookies, tokens, code, client secret) in the outputs
        secrets = capture_secrets(capture, original) | {recorded.password, typed_values(recorded)['client_secret']}
        for text in (output.read_text(), report, run.stdout, run.stderr):
            for secret in secrets:
                assert secret not in text, (name, secret)
        learnt[name] = output
    assert recorded.open_sessions() == {}

    # A new fleet serving the original firmware, driven by the learnt profiles only.
    fleet = simulated_fleet(printers=4, printer_settings=PRINTERS, auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    for group in inventory['all']['children']['printers']['children'].values():
        for name, variables in group['hosts'].items():
            variables['cloudmail_profile_file'] = str(learnt[name])
            variables.pop('cloudmail_profile')
    inventory_path = write_yaml(tmp_path / 'learnt-inventory.yml', inventory)
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 60}
    first = run_playbook('rollout.yml', inventory_path, extra_vars=settings, timeout=300)
    urls = dict(GOOGLE_ROW.findall(first.output))
    assert sorted(urls) == ['printer-0002', 'printer-0003'], first.output
    codes = {name: fleet.control.google_consent(url)['code'] for name, url in urls.items()}
    codes_file = write_yaml(tmp_path / 'codes.yml', {'cloudmail_google_authorization_codes': codes})
    second = run_playbook('rollout.yml', inventory_path, '-e', f'@{codes_file}', extra_vars=settings)
    assert second.returncode == 0, second.output
    for name, printer in PRINTERS.items():
        assert token_status(fleet, name, printer['provider'])['status'] == 'active', name
    # The printers' own profiles read back what the learnt ones wrote.
    original = yaml.safe_load(fleet.inventory_path.read_text())
    for group in original['all']['children']['printers']['children'].values():
        for name, variables in group['hosts'].items():
            if PRINTERS[name].get('profile_file'):
                variables['cloudmail_profile_file'] = PRINTERS[name]['profile_file']
    status = run_playbook('status.yml', write_yaml(tmp_path / 'original-inventory.yml', original),
                          extra_vars=settings)
    assert status.returncode == 0, status.output
    assert fleet.open_sessions() == {}


@pytest.fixture
def one_capture(simulated_fleet, tmp_path):
    fleet = simulated_fleet(printers=1, printer_settings={'printer-0001': PRINTERS['printer-0001']})
    capture = tmp_path / 'printer-0001.har'
    record_procedure(fleet, 'printer-0001', capture)
    return fleet, capture


def without(capture, target, keep):
    har = json.loads(capture.read_text())
    har['log']['entries'] = [entry for entry in har['log']['entries'] if keep(entry)]
    target.write_text(json.dumps(har))
    return target


def test_a_capture_missing_a_step_is_reported_by_name(one_capture, collections_path, tmp_path):
    fleet, capture = one_capture
    typed = ['--tenant', 'organizations', '--client-id', typed_values(fleet)['client_id']]
    no_logout = without(capture, tmp_path / 'no-logout.har', lambda entry: '/logout' not in entry['request']['url'])
    run = learn(collections_path, no_logout, tmp_path / 'no-logout.yml', *typed)
    assert run.returncode == 3, run.stdout + run.stderr
    assert re.search(r'Not found:\n  - logout: no request after the last settings post ends the session', run.stdout)
    assert yaml.safe_load((tmp_path / 'no-logout.yml').read_text())['extends'] == 'imagerunner_advance'

    no_code = without(capture, tmp_path / 'no-code.har',
                      lambda entry: not (entry['request']['method'] == 'POST' and 'oauthggreg' in entry['request']['url']))
    run = learn(collections_path, no_code, tmp_path / 'no-code.yml', *typed)
    assert run.returncode == 3
    assert '  - google code submission: the page with the Google authorization URL' in run.stdout

    # Chromium's default "sanitized" export leaves the cookies out: the rest is still learnt.
    sanitized = json.loads(capture.read_text())
    for entry in sanitized['log']['entries']:
        for side in ('request', 'response'):
            entry[side]['headers'] = [header for header in entry[side]['headers']
                                      if header['name'].lower() not in ('cookie', 'set-cookie')]
    (tmp_path / 'sanitized.har').write_text(json.dumps(sanitized))
    run = learn(collections_path, tmp_path / 'sanitized.har', tmp_path / 'sanitized.yml', *typed)
    assert run.returncode == 3, run.stdout + run.stderr
    assert '  - session cookie: the capture holds no cookies' in run.stdout
    assert '  - login: form at / (' in run.stdout and '  - logout: GET /logout' in run.stdout
    assert yaml.safe_load((tmp_path / 'sanitized.yml').read_text()) == {
        'extends': 'imagerunner_advance', 'description': 'Learnt from the browser capture sanitized.har'}


def test_a_capture_without_the_typed_values_is_refused(one_capture, collections_path, tmp_path):
    fleet, capture = one_capture
    output = tmp_path / 'refused.yml'
    run = learn(collections_path, capture, output, '--tenant', 'contoso.example', '--client-id', 'other.apps.example')
    assert run.returncode == 1
    assert 'the capture holds none of the values you typed' in run.stderr
    assert "authority URL 'https://login.microsoftonline.com/contoso.example/oauth2/v2.0'" in run.stderr
    assert not output.exists()
    assert fleet.password not in run.stderr
