"""The expiry watch and the send test in the fleet report, through real ansible-playbook runs:
the simulated world moves 6 days on, status.yml warns for a Google testing client inside the
horizon, reauthorize.yml signs it in again, and the warning is gone; mail_test.yml's results
(sent / rejected with the server's reply / not tried) land in the report."""

import re

import yaml
from conftest import load_report, write_yaml

DAY = 86400
GOOGLE_ROW = re.compile(r'(printer-\d+)\s+google\s+(https://[^\s"]+)')
NO_CI = {'CI': ''}


def rows_of(reports):
    return {row['host']: row for row in load_report(reports)['printers']}


def sign_in_with_codes(fleet, run_playbook, playbook, inventory, settings, tmp_path):
    """Run the playbook without codes (it lists the Google URLs), consent as the person, run it with the codes."""
    first = run_playbook(playbook, inventory, extra_vars=settings, environment=NO_CI)
    urls = dict(GOOGLE_ROW.findall(first.output))
    assert urls, first.output
    codes = {name: fleet.control.google_consent(url)['code'] for name, url in urls.items()}
    codes_file = write_yaml(tmp_path / f'codes-{playbook}', {'cloudmail_google_authorization_codes': codes})
    second = run_playbook(playbook, inventory, '-e', f'@{codes_file}', extra_vars=settings, environment=NO_CI)
    assert second.returncode == 0, second.output
    return codes


def test_a_google_testing_client_is_warned_before_it_lapses_and_reauthorize_clears_it(
        simulated_fleet, run_playbook, tmp_path):
    # printer-0001: Microsoft (90 days after its last refresh); printer-0002: Google with a client in
    # testing status (its authorization ends 7 days after consent).
    fleet = simulated_fleet(printers=2, languages='en', providers='both', families='isensys_mf', auto_approve_seconds=1,
                            poll_interval=1, settle_seconds=0.5)
    testing = next(client_id for client_id, client in fleet.control.google_clients().items() if client['testing'])
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    google_vars = inventory['all']['children']['printers']['children']['google']['vars']
    google_vars.update(cloudmail_google_client_id=testing,
                       cloudmail_google_client_secret=fleet.control.google_clients()[testing]['client_secret'])
    inventory_path = write_yaml(tmp_path / 'inventory.yml', inventory)
    reports = tmp_path / 'reports'
    # The simulated world (clouds and printers) moves 6 days ahead below, the controller's clock does not: the
    # printers' clocks may then be that far off without being a clock skew.
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60,
                'cloudmail_clock_tolerance': 8 * DAY}
    watched = {**settings, 'cloudmail_expiry_horizon_days': 2, 'cloudmail_fail_on_attention': False}

    codes = sign_in_with_codes(fleet, run_playbook, 'rollout.yml', inventory_path, settings, tmp_path)
    fresh = rows_of(reports)
    assert fresh['printer-0002']['token_lapse_basis'] == 'google_testing_7_days'
    assert 6.9 <= float(fresh['printer-0002']['token_lapses_in_days']) <= 7
    assert fresh['printer-0001']['token_lapse_basis'] == 'entra_90_days_unused'
    assert 89.9 <= float(fresh['printer-0001']['token_lapses_in_days']) <= 90
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', fresh['printer-0002']['token_expected_lapse_at'])

    # Six days later (the printers' clocks move with the simulated world) the Google token still
    # works but lapses within the 2-day horizon: status.yml warns and the report says what to run.
    fleet.control.advance_clock(6 * DAY)
    status = run_playbook('status.yml', inventory_path, extra_vars=watched, environment=NO_CI)
    assert status.returncode == 0, status.output
    warning = re.search(r'printer-0002: its google token is expected to lapse at (\S+) \(in ([\d.]+) days',
                        ' '.join(status.output.split()))
    assert warning, status.output
    assert 0.9 <= float(warning[2]) <= 1
    rows = rows_of(reports)
    assert rows['printer-0002']['token_status'] == 'active'
    assert rows['printer-0002']['state'] == 'token_lapsing'
    assert rows['printer-0002']['token_expected_lapse_at'] == fresh['printer-0002']['token_expected_lapse_at']
    assert 'run reauthorize.yml' in rows['printer-0002']['next_action']
    assert 'printer-0002: token_lapsing -> run reauthorize.yml' in status.output
    # The device refreshed its Microsoft token meanwhile: its 90 days start again, far outside the horizon.
    assert rows['printer-0001']['state'] == 'ok'
    assert 'printer-0001: its' not in status.output
    # Without a person at the run, the same printer fails it (cloudmail_fail_on_attention's default).
    strict = run_playbook('status.yml', inventory_path, extra_vars={**settings, 'cloudmail_expiry_horizon_days': 2},
                          environment=NO_CI)
    assert strict.returncode == 2, strict.output
    assert {host for host, counts in strict.recap().items() if counts['failed']} == {'printer-0002'}

    # reauthorize.yml takes the printer inside the horizon (a new consent), and only it.
    writes = fleet.control.printer('printer-0001')['counters']['writes']
    new_codes = sign_in_with_codes(fleet, run_playbook, 'reauthorize.yml', inventory_path,
                                   {**settings, 'cloudmail_expiry_horizon_days': 2}, tmp_path)
    assert sorted(new_codes) == ['printer-0002']
    assert fleet.control.printer('printer-0001')['counters']['writes'] == writes

    again = run_playbook('status.yml', inventory_path, extra_vars=watched, environment=NO_CI)
    assert again.returncode == 0, again.output
    assert 'token is expected to lapse' not in again.output
    rows = rows_of(reports)
    assert rows['printer-0002']['state'] == 'ok'
    assert float(rows['printer-0002']['token_lapses_in_days']) >= 6.9
    for code in [*codes.values(), *new_codes.values()]:
        assert code not in status.output + again.output
        for path in reports.iterdir():
            assert code not in path.read_text()


def test_the_report_shows_each_printers_send_test(simulated_fleet, run_playbook, tmp_path):
    # printer-0002 was left on an SMTP password set-up; printer-0003 is off when the test runs.
    fleet = simulated_fleet(printers=3, languages='en', providers='microsoft', auto_approve_seconds=1,
                            poll_interval=1, settle_seconds=0.5)
    reports = tmp_path / 'reports'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60}
    rollout = run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings)
    assert rollout.returncode == 0, rollout.output
    fleet.control.configure_mail('printer-0002', authentication='password', password='an-old-mailbox-password')
    fleet.control.faults('printer-0003', offline=600)

    mail = run_playbook('mail_test.yml', fleet.inventory_path, extra_vars={
        **settings, 'cloudmail_mail_test_recipient': 'archive@example.org', 'cloudmail_retries': 0,
        'cloudmail_timeout': 5, 'cloudmail_fail_on_attention': False})

    assert mail.returncode == 2, mail.output
    assert {host for host, counts in mail.recap().items() if counts['failed']} == {'printer-0002', 'printer-0003'}
    rows = rows_of(reports)
    assert (rows['printer-0001']['mail_test'], rows['printer-0001']['state']) == ('sent', 'ok')
    assert rows['printer-0002']['mail_test'].startswith('rejected: 550 5.7.30 Basic authentication is not supported')
    assert rows['printer-0002']['state'] == 'mail_test_rejected'
    assert 'cloudmail_smtp_sender' in rows['printer-0002']['next_action']
    assert 'still sends a password' in rows['printer-0002']['last_error']
    assert re.search(r'printer-0002 needs an action: .*cloudmail_smtp_sender', mail.output)
    assert (rows['printer-0003']['mail_test'], rows['printer-0003']['state']) == ('not tried', 'unreachable')
    assert [message['client_address'] for message in fleet.control.mailbox()['messages']] == [
        fleet.printers['printer-0001']['address']]
    csv_text = (reports / 'fleet-report-all.csv').read_text()
    assert csv_text.splitlines()[0].endswith(',mail_test')
    for secret in (fleet.password, 'an-old-mailbox-password'):
        assert secret not in mail.output
        for path in reports.iterdir():
            assert secret not in path.read_text()
    assert fleet.control.counters()['open_sessions'] == 0
