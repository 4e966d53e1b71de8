"""Rollout, status and reauthorize end to end against a simulated fleet, without a terminal (CI, AWX)."""

import re

from conftest import load_report, token_status, write_yaml

GOOGLE_ROW = re.compile(r'(printer-\d+)\s+google\s+(https://[^\s"]+)')


def test_non_interactive_rollout_status_and_reauthorize(simulated_fleet, run_playbook, tmp_path, chromium):
    # 2 Microsoft and 2 Google printers; the fake Entra ID approves each user code after 1 s,
    # as a person signing in while the play waits.
    fleet = simulated_fleet(printers=4, languages='en', auto_approve_seconds=1, poll_interval=1, settle_seconds=0.5)
    microsoft, google = ['printer-0001', 'printer-0002'], ['printer-0003', 'printer-0004']
    reports = tmp_path / 'reports'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60}
    google_secret = fleet.inventory['all']['children']['printers']['children']['google']['vars'][
        'cloudmail_google_client_secret']

    # First run: Microsoft printers are authorized; Google ones wait for their codes, never for a prompt.
    first = run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings, timeout=300)
    assert first.returncode != 0
    for name in microsoft:
        assert token_status(fleet, name, 'microsoft')['status'] == 'active'
    for name in google:
        assert re.search(rf'{name} \(127\.[\d.]+:\d+\): no authorization code was given', first.output)
    urls = dict(GOOGLE_ROW.findall(first.output))
    assert sorted(urls) == google

    # The person consents for each Google printer and hands the codes over in a vars file, as copied
    # from the browser: one percent-encoded code, one whole address.
    consents = {name: fleet.control.google_consent(url) for name, url in urls.items()}
    codes = {name: consent['code'] for name, consent in consents.items()}
    pasted = {google[0]: codes[google[0]].replace('/', '%2F'), google[1]: consents[google[1]]['redirect_url']}
    codes_file = write_yaml(tmp_path / 'google-codes.yml', {'cloudmail_google_authorization_codes': pasted})
    second = run_playbook('rollout.yml', fleet.inventory_path, '-e', f'@{codes_file}', extra_vars=settings)
    assert second.returncode == 0, second.output
    for name in google:
        assert token_status(fleet, name, 'google')['status'] == 'active'
    # The same runs pointed every printer's e-mail at its provider, authenticated by OAuth 2.0.
    for name in microsoft + google:
        provider = fleet.printers[name]['provider']
        assert fleet.control.printer(name)['mail']['settings'] == {
            'server': {'microsoft': 'smtp.office365.com', 'google': 'smtp.gmail.com'}[provider], 'port': '587',
            'encryption': 'starttls', 'authentication': f'oauth_{provider}',
            'sender': fleet.inventory['all']['children']['printers']['children'][provider]['vars']['cloudmail_smtp_sender']}

    # Third run: nothing left to do.
    writes = fleet.control.counters()['writes']
    third = run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings)
    assert third.returncode == 0, third.output
    # Every step is one task for the whole batch (run_once on the first printer): none of them changed anything.
    # (No play on localhost any more: the inventory check is the first play's hosts line.)
    assert {host: counts['changed'] for host, counts in third.recap().items()} == {'printer-0001': 0}
    assert fleet.control.counters()['writes'] == writes

    # status.yml changes nothing and reports every printer active.
    status = run_playbook('status.yml', fleet.inventory_path, extra_vars=settings)
    assert status.returncode == 0, status.output
    assert fleet.control.counters()['writes'] == writes
    report = load_report(reports)
    assert [(row['host'], row['state'], row['token_status'], row['next_action']) for row in report['printers']] == [
        (name, 'ok', 'active', 'none') for name in microsoft + google]
    assert report['summary']['by_token_status'] == {'active': 4}

    # mail_test.yml proves the chain: every printer sends through the simulator's SMTP servers.
    mail = run_playbook('mail_test.yml', fleet.inventory_path,
                        extra_vars={**settings, 'cloudmail_mail_test_recipient': 'archive@example.org'})
    assert mail.returncode == 0, mail.output
    assert sorted(message['client_address'] for message in fleet.control.mailbox()['messages']) == sorted(
        fleet.printers[name]['address'] for name in microsoft + google)
    writes = fleet.control.counters()['writes']

    # Secrets never reach the output or the report files.
    for secret in [fleet.password, google_secret, *codes.values()]:
        for run in (first, second, third, status, mail):
            assert secret not in run.output
        for path in reports.iterdir():
            assert secret not in path.read_text()

    # A printer whose clock was changed (and set right again) lost its token: reauthorize.yml touches only that
    # one. (A printer whose clock stays off is not signed in: see test_operator_states.)
    fleet.control.change_device_clock('printer-0002', 3600)
    fleet.control.change_device_clock('printer-0002', -3600)
    assert token_status(fleet, 'printer-0002', 'microsoft')['status'] != 'active'
    before = {name: fleet.control.printer(name)['counters'] for name in microsoft + google}
    again = run_playbook('reauthorize.yml', fleet.inventory_path, extra_vars=settings)
    assert again.returncode == 0, again.output
    assert token_status(fleet, 'printer-0002', 'microsoft')['status'] == 'active'
    after = {name: fleet.control.printer(name)['counters'] for name in microsoft + google}
    for name in ('printer-0001', 'printer-0003', 'printer-0004'):
        assert after[name]['writes'] == before[name]['writes']
    assert again.recap()['printer-0001']['changed'] >= 1  # the batch's sign-in task: printer-0002 got a new code
    assert re.search(r'printer-0002\s+microsoft\s+[A-Z0-9-]+\s', again.output), again.output  # in the one table
    assert not re.search(r'printer-000[134]\s+(microsoft|google)\s', again.output), again.output

    # The HTML report, opened in a real browser, lists every printer with its state, the run's date and counts.
    dom = chromium(reports / 'fleet-report-all.html')
    rows = re.findall(r'<tr class="([\w -]+)" data-host="([^"]+)" data-state="([^"]+)" data-token-status="([^"]+)">',
                      dom)
    assert rows == [('ok ok', name, 'ok', 'active') for name in microsoft + google]
    assert '<dd id="printer-count">4</dd>' in dom
    assert f'<time id="generated-at" datetime="{load_report(reports)["generated_at"]}">' in dom


def test_fleet_report_merges_slices(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=2, languages='en', settle_seconds=0.5)
    reports = tmp_path / 'reports'
    for slice_name, host in (('job1', 'printer-0001'), ('job2', 'printer-0002')):
        run = run_playbook('status.yml', fleet.inventory_path, '--limit', host,
                           extra_vars={'cloudmail_report_dir': str(reports), 'cloudmail_report_slice': slice_name,
                                       'cloudmail_fail_on_attention': False})
        assert run.returncode == 0, run.output
        assert [row['host'] for row in load_report(reports, slice_name)['printers']] == [host]
    merged = run_playbook('merge_reports.yml', 'localhost,', extra_vars={'cloudmail_report_dir': str(reports)})
    assert merged.returncode == 0, merged.output
    document = load_report(reports, 'merged')
    assert [row['host'] for row in document['printers']] == ['printer-0001', 'printer-0002']
    assert [row['token_status'] for row in document['printers']] == ['inactive', 'inactive']
    assert [row['next_action'] for row in document['printers']] == ['run rollout.yml (it writes the settings, then authorizes)'] * 2
    assert 'by state: not_configured 2' in merged.output and 'Merged from: fleet-report-job1.json, fleet-report-job2.json' in merged.output


def test_rollback_turns_oauth_off_and_supports_check_mode(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=2, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 60}
    rollout = run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings)
    assert rollout.returncode == 0, rollout.output
    writes = fleet.control.counters()['writes']

    # Check mode: says what would change and that the token would be dropped, writes nothing.
    check = run_playbook('rollback.yml', fleet.inventory_path, '--check', '--diff', extra_vars=settings)
    assert fleet.control.counters()['writes'] == writes
    assert check.recap()['printer-0001']['changed'] >= 1, check.output
    assert 'OAuth 2.0 is turned off, so the device will drop its current microsoft token' in check.output
    assert token_status(fleet, 'printer-0001', 'microsoft')['status'] == 'active'

    rollback = run_playbook('rollback.yml', fleet.inventory_path, extra_vars=settings)
    assert fleet.control.counters()['writes'] > writes
    for name in ('printer-0001', 'printer-0002'):
        assert fleet.control.printer(name)['settings']['microsoft']['enabled'] is False, rollback.output
        assert token_status(fleet, name, 'microsoft')['status'] != 'active'
    assert fleet.control.counters()['open_sessions'] == 0
