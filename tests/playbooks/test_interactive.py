"""The operator's run: one pause with every printer's sign-in, then a prompt per Google printer,
through a real pseudo-terminal."""

import json
import re

import pexpect

from conftest import BIN, PLAYBOOKS, REPO_ROOT, token_status

GOOGLE_ROW = re.compile(r'(printer-\d+)\s+google\s+(https://\S+)')


def test_interactive_rollout_with_one_table_and_google_prompt(simulated_fleet, ansible_env, tmp_path):
    fleet = simulated_fleet(printers=3, languages='en', poll_interval=1, settle_seconds=0.5)
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 60}
    child = pexpect.spawn(str(BIN / 'ansible-playbook'),
                          ['-i', str(fleet.inventory_path), str(PLAYBOOKS / 'rollout.yml'), '-e', json.dumps(settings)],
                          env=ansible_env, cwd=str(REPO_ROOT), encoding='utf-8', timeout=240, dimensions=(50, 400))
    transcript = []
    try:
        child.expect('Press Enter when you have signed in')
        table = child.before
        transcript.append(table)
        # One table for the whole batch: both Microsoft codes and the Google URL.
        pending = {code['user_code'] for code in fleet.control.entra_pending()}
        assert len(pending) == 2 and all(code in table for code in pending)
        google_url = dict(GOOGLE_ROW.findall(table))['printer-0003']
        assert table.count('Press Enter') == 0  # the pause is shown once, not per host

        # The person signs in for the Microsoft printers, then presses Enter.
        for user_code in pending:
            fleet.control.entra_approve(user_code)
        child.sendline('')

        child.expect('Authorization code for printer-0003')
        transcript.append(child.before)
        code = fleet.control.google_consent(google_url)['code']
        child.sendline(code)
        child.expect(pexpect.EOF)
        transcript.append(child.before)
    finally:
        child.close()
    output = ''.join(transcript)
    assert child.exitstatus == 0, output
    assert token_status(fleet, 'printer-0001', 'microsoft')['status'] == 'active'
    assert token_status(fleet, 'printer-0002', 'microsoft')['status'] == 'active'
    assert token_status(fleet, 'printer-0003', 'google')['status'] == 'active'
    assert code not in output  # typed without echo, never shown back
    assert fleet.password not in output
