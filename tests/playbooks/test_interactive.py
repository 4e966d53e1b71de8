"""The operator's run through a real pseudo-terminal: one table, one prompt for every Google code,
a progress line while the play waits, and no hang when nobody is at the terminal."""

import json
import re

import pexpect

from conftest import BIN, PLAYBOOKS, REPO_ROOT, token_status

GOOGLE_ROW = re.compile(r'(printer-\d+)\s+google\s+(https://\S+)')


def spawn_rollout(fleet, settings, ansible_env):
    # An operator's terminal, not a CI job: CI=true (as the suite runs in CI) says that nobody is there.
    env = dict(ansible_env, CI='')
    return pexpect.spawn(str(BIN / 'ansible-playbook'),
                         ['-i', str(fleet.inventory_path), str(PLAYBOOKS / 'rollout.yml'), '-e', json.dumps(settings)],
                         env=env, cwd=str(REPO_ROOT), encoding='utf-8', timeout=240, dimensions=(50, 400))


def test_interactive_rollout_with_one_table_and_google_prompt(simulated_fleet, ansible_env, tmp_path):
    fleet = simulated_fleet(printers=3, languages='en', poll_interval=1, settle_seconds=0.5)
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 60}
    child = spawn_rollout(fleet, settings, ansible_env)
    transcript = []
    try:
        child.expect('Paste the Google authorization code')
        table = child.before
        transcript.append(table)
        # One table for the whole batch: both Microsoft codes and the Google URL, shown once.
        pending = {code['user_code'] for code in fleet.control.entra_pending()}
        assert len(pending) == 2 and all(code in table for code in pending)
        assert table.count('CODE EXPIRES (UTC)') == 1, table
        google_url = dict(GOOGLE_ROW.findall(table))['printer-0003']

        # The person signs in for the Microsoft printers and pastes the browser's whole address.
        for user_code in pending:
            fleet.control.entra_approve(user_code)
        consent = fleet.control.google_consent(google_url)
        child.sendline(consent['redirect_url'])
    except BaseException:
        child.close()
        raise
    output = run_to_its_end(child, transcript)
    assert token_status(fleet, 'printer-0001', 'microsoft')['status'] == 'active'
    assert token_status(fleet, 'printer-0002', 'microsoft')['status'] == 'active'
    assert token_status(fleet, 'printer-0003', 'google')['status'] == 'active'
    assert consent['code'] not in output  # typed without echo, never shown back
    assert fleet.password not in output


def test_a_terminal_with_nobody_at_it_does_not_hang(simulated_fleet, ansible_env, tmp_path):
    fleet = simulated_fleet(printers=3, languages='en', poll_interval=1, settle_seconds=0.5)
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 12,
                'cloudmail_authorization_rounds': 1}
    child = spawn_rollout(fleet, settings, ansible_env)
    try:
        child.expect(pexpect.EOF)  # nobody types; bounded by the spawn's timeout
        output = child.before
    finally:
        child.close()
    assert child.exitstatus != 0, output
    assert 'Waiting for sign-ins: 2 code(s) left (printer-0001, printer-0002)' in output
    assert 'reauthorize.yml' in output and 'cloudmail_authorization_timeout' in output
    assert 'printer-0003' in output and 'no authorization code was given' in output
    # The Google printer never received anything: its pending sign-in is untouched.
    assert token_status(fleet, 'printer-0003', 'google')['status'] != 'active'
    assert fleet.password not in output


def run_to_its_end(child, transcript):
    """The whole transcript of a run that must end with exit code 0."""
    try:
        child.expect(pexpect.EOF)
        transcript.append(child.before)
    finally:
        child.close()
    output = ''.join(transcript)
    assert child.exitstatus == 0, output
    return output


def test_the_google_prompt_takes_what_people_paste_and_asks_again(simulated_fleet, ansible_env, tmp_path):
    fleet = simulated_fleet(printers=2, providers='google', languages='en', poll_interval=1, settle_seconds=0.5)
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 120}
    child = spawn_rollout(fleet, settings, ansible_env)
    transcript = []
    try:
        child.expect('Paste the Google authorization code')
        transcript.append(child.before)
        urls = dict(GOOGLE_ROW.findall(child.before))
        assert sorted(urls) == ['printer-0001', 'printer-0002'], child.before
        consents = {name: fleet.control.google_consent(url) for name, url in urls.items()}
        # The first printer's code copied short of its "&" and quoted; the second's input is unusable.
        address, code = consents['printer-0001']['redirect_url'], consents['printer-0001']['code']
        child.sendline('"%s"' % address[:address.index(code) + len(code)])
        child.expect('1 of 2 given')
        child.sendline('yes')
        # Asked again, in the same run, for the second printer only: its whole address, wrapped by a space.
        child.expect('Not usable, nothing was sent to the printer: printer-0002: entry 2 of the answer is unusable')
        child.expect('Paste the Google authorization code of each printer above')
        child.expect(r'given in the order of the table \(printer-0002\)')
        redirect = consents['printer-0002']['redirect_url']
        child.sendline('%s %s' % (redirect[:40], redirect[40:]))
    except BaseException:
        child.close()
        raise
    output = run_to_its_end(child, transcript)
    for name in ('printer-0001', 'printer-0002'):
        assert token_status(fleet, name, 'google')['status'] == 'active'
        assert consents[name]['code'] not in output
