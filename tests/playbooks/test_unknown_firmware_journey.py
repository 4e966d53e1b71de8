"""The unknown-firmware journey of docs/real-devices.md and docs/learn-profile.md, end to end, no hand edit.

A small fleet of a firmware generation no built-in profile describes (simulator/generation_x.py: its own
paths and field names, a one-time login nonce and form token, a time field the page script fills, a commit
field it adds, onclick Edit/Register buttons, a destructive GET link, one administrator session, a lockout
after 5 failed logins, a German UI and the same firmware in English), Microsoft and Google:

probe (0 writes) -> a real headless Chromium capture of the manual's procedure on one printer -> the learner
(its command line, as the docs say) -> rollout.yml --check --diff (0 writes) -> rollout (the test plays the
person at Microsoft and Google) -> status.yml -> an idempotent re-run (0 writes) -> the probe recognises
the learnt profile. No session is left open, no account locked.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

from conftest import BIN, load_report, token_status, write_yaml
from har_capture import record
from remote_ui_person import do_the_procedure_x
from test_learn_profile import GOOGLE_ROW, LEARN

GENERATION = 'generation_x'
PRINTERS = {
    'printer-0001': {'family': GENERATION, 'language': 'de', 'provider': 'microsoft'},
    'printer-0002': {'family': GENERATION, 'language': 'de', 'provider': 'google'},
    'printer-0003': {'family': GENERATION, 'language': 'en', 'provider': 'microsoft'},
    'printer-0004': {'family': GENERATION, 'language': 'en', 'provider': 'google'},
}
CAPTURED = 'printer-0001'


def counters(fleet):
    return {name: fleet.control.printer(name)['counters'] for name in fleet.printers}


def total(fleet, key):
    return sum(counts[key] for counts in counters(fleet).values())


def inventory_of(fleet, path, profile_file=None):
    """The simulator's inventory as an operator would write it for these printers (no SMTP settings here)."""
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    for group in inventory['all']['children']['printers']['children'].values():
        group.get('vars', {}).pop('cloudmail_smtp_sender', None)
        for variables in group['hosts'].values():
            if profile_file:
                variables['cloudmail_profile_file'] = str(profile_file)
    return write_yaml(path, inventory)


def assert_no_write(fleet, before, what):
    after = counters(fleet)
    for name in fleet.printers:
        assert after[name]['writes'] == before[name]['writes'], (what, name, after[name])
        assert after[name]['side_effect_reads'] == 0, (what, name, after[name])


def test_unknown_firmware_from_nothing_to_a_rolled_out_fleet(simulated_fleet, run_playbook, collections_path,
                                                             ansible_env, tmp_path):
    started = time.monotonic()
    fleet = simulated_fleet(printers=4, printer_settings=PRINTERS, auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    google_vars = fleet.inventory['all']['children']['printers']['children']['google']['vars']
    inventory = inventory_of(fleet, tmp_path / 'inventory.yml')

    # 1. The probe, with no profile at all: it finds the sign-in form from / (a redirect, a meta refresh) by
    # structure, posts no password (no profile names its fields) and writes a draft.
    before = counters(fleet)
    probe = run_playbook('probe.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'probe')})
    assert probe.returncode == 0, probe.output
    assert_no_write(fleet, before, 'probe')
    assert total(fleet, 'logins') == 0 and total(fleet, 'failed_logins') == 0
    rows = {row['host']: row for row in load_report(tmp_path / 'probe', 'probe')['printers']}
    for name in fleet.printers:
        assert rows[name]['profile_match'] == 'none', rows[name]
        draft = yaml.safe_load((tmp_path / 'probe' / 'profiles' / f'draft-{name}.yml').read_text())
        assert draft['login']['form_path'] == '/webui/signin.html', draft
        assert (draft['login']['username_field'], draft['login']['password_field']) == ('usr_id', 'usr_pw'), draft
    assert fleet.password not in probe.output

    # 2. The manual's procedure, once, in a real browser on one printer (a mistyped password first).
    capture = tmp_path / 'capture.har'

    def consent(url):
        return fleet.control.google_consent(url)['code']

    async def signed_in_at_microsoft(user_code):
        # The simulated person signs in at Microsoft (auto_approve_seconds); then the printer holds a token.
        deadline = time.monotonic() + 30
        while token_status(fleet, CAPTURED, 'microsoft')['status'] != 'active':
            assert time.monotonic() < deadline, token_status(fleet, CAPTURED, 'microsoft')
            await __import__('asyncio').sleep(0.5)

    values = {'authority_url': 'https://login.microsoftonline.com/organizations/oauth2/v2.0',
              'client_id': google_vars['cloudmail_google_client_id'],
              'client_secret': google_vars['cloudmail_google_client_secret']}
    record(lambda browser: do_the_procedure_x(browser, fleet, CAPTURED, 'de', values, google_consent=consent,
                                              microsoft_approve=signed_in_at_microsoft), capture)
    assert fleet.open_sessions() == {}

    # 3. The learner, from the installed collection, as docs/learn-profile.md says.
    host_vars = tmp_path / f'{CAPTURED}.json'
    host_vars.write_text(subprocess.run([str(BIN / 'ansible-inventory'), '-i', str(inventory), '--host', CAPTURED],
                                        capture_output=True, text=True, timeout=120, check=True,
                                        env=ansible_env).stdout)
    learnt = tmp_path / 'remote-ui-x.yml'
    learn = subprocess.run(
        [sys.executable, '-m', LEARN, str(capture), '--output', str(learnt), '--host-vars', str(host_vars),
         '--client-id', google_vars['cloudmail_google_client_id']],
        capture_output=True, text=True, timeout=120, check=False, cwd=str(tmp_path),
        env={**os.environ, 'PYTHONPATH': str(collections_path)})
    assert learn.returncode == 0, learn.stdout + learn.stderr
    assert 'Not found:\n  - nothing' in learn.stdout, learn.stdout
    for secret in (fleet.password, values['client_secret']):
        assert secret not in learnt.read_text() and secret not in learn.stdout
    edits = 0       # the learnt profile is used as it is

    # 4. Check mode on the whole fleet with the learnt profile: a diff, nothing written.
    inventory = inventory_of(fleet, tmp_path / 'learnt-inventory.yml', learnt)
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 60}
    before = counters(fleet)
    check = run_playbook('rollout.yml', inventory, '--check', '--diff', timeout=300,
                         extra_vars={**settings, 'cloudmail_fail_on_attention': False})
    assert check.returncode == 0, check.output
    assert_no_write(fleet, before, 'check mode')
    for name in ('printer-0002', 'printer-0003', 'printer-0004'):     # the captured printer is set up already
        assert '--- before: %s' % name in check.output and '+++ after: %s' % name in check.output, check.output

    # 5. The rollout: Microsoft printers signed in by the person, Google codes given in a second run.
    first = run_playbook('rollout.yml', inventory, extra_vars=settings, timeout=300)
    urls = dict(GOOGLE_ROW.findall(first.output))
    assert sorted(urls) == ['printer-0002', 'printer-0004'], first.output
    codes = write_yaml(tmp_path / 'codes.yml', {'cloudmail_google_authorization_codes': {
        name: consent(url) for name, url in urls.items()}})
    second = run_playbook('rollout.yml', inventory, '-e', f'@{codes}', extra_vars=settings, timeout=300)
    assert second.returncode == 0, second.output
    for name, printer in PRINTERS.items():
        assert token_status(fleet, name, printer['provider'])['status'] == 'active', name

    # 6. Status, then an idempotent re-run that writes nothing.
    status = run_playbook('status.yml', inventory, extra_vars=settings)
    assert status.returncode == 0, status.output
    report = {row['host']: row for row in load_report(tmp_path / 'reports')['printers']}
    assert {report[name]['token_status'] for name in PRINTERS} == {'active'}, report
    before = counters(fleet)
    again = run_playbook('rollout.yml', inventory, extra_vars=settings, timeout=300)
    assert again.returncode == 0, again.output
    assert_no_write(fleet, before, 're-run')

    # 7. The probe now recognises the learnt profile on every printer, still without a write.
    before = counters(fleet)
    probe = run_playbook('probe.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'probe-2')})
    assert probe.returncode == 0, probe.output
    assert_no_write(fleet, before, 'second probe')
    rows = {row['host']: row for row in load_report(tmp_path / 'probe-2', 'probe')['printers']}
    for name in PRINTERS:
        assert rows[name]['profile_match'] == str(learnt), rows[name]

    # Accounts and sessions: only the one mistyped password of the capture, no lockout, nothing left open.
    assert fleet.open_sessions() == {}
    assert total(fleet, 'failed_logins') == 1
    for name in PRINTERS:
        assert fleet.control.printer(name)['token'][PRINTERS[name]['provider']]['status'] == 'active'
    all_output = ''.join(run.output for run in (probe, check, first, second, status, again)) + learn.stdout
    for secret in (fleet.password, values['client_secret']):
        assert secret not in all_output
    print('\nunknown-firmware journey: %d printers, %d requests, %d writes, %d hand edits, %.0f s' % (
        len(PRINTERS), total(fleet, 'requests'), total(fleet, 'writes'), edits, time.monotonic() - started))
    assert Path(learnt).exists()
