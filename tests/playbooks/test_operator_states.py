"""What a run says is what happened: the check-mode plan is the real run's writes, --limit keeps the fleet
report whole, each state has one cause and its advice fixes it (clock skew, rollback, the printer's own
mail-test message), and the state comes from the exception class, not from a message's words."""

import re

import yaml
from conftest import load_report, token_status, write_yaml

# ansible's diff header for a printer's write, as fleet_rollout heads them
DIFF_HEADER = re.compile(r'^\+\+\+ after: (printer-\d+) (.+)$', re.MULTILINE)
POSTED = ('OAuth 2.0 settings', 'SMTP settings (E-mail/I-Fax)', 'Google authorization code entered')


def printer_writes(fleet):
    return {name: fleet.control.printer(name)['counters']['writes'] for name in fleet.printers}


def rows_of(reports):
    return {row['host']: row for row in load_report(reports)['printers']}


def test_the_check_plan_is_the_real_runs_writes_and_limit_keeps_the_report_whole(simulated_fleet, run_playbook,
                                                                                 tmp_path):
    fleet = simulated_fleet(printers=3, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    reports = tmp_path / 'reports'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60}
    sender = fleet.inventory['all']['children']['printers']['children']['microsoft']['vars']['cloudmail_smtp_sender']
    before = printer_writes(fleet)

    # The plan, in CI (no terminal): nothing written, every write shown, and the run ends 0 although no printer
    # is configured yet.
    check = run_playbook('rollout.yml', fleet.inventory_path, '--check', '--diff', extra_vars=settings)
    assert check.returncode == 0, check.output
    assert printer_writes(fleet) == before
    planned = {}
    for host, header in DIFF_HEADER.findall(check.output):
        planned.setdefault(host, []).append(header)
    assert sorted(planned) == sorted(fleet.printers), check.output
    for host, headers in planned.items():
        assert headers == ['OAuth 2.0 settings', 'SMTP settings (E-mail/I-Fax)', 'sign-in'], check.output
    # The SMTP lines the real run writes: server, port, encryption, sender and the authentication.
    for words in ('"server": "smtp.office365.com"', '"port": 587', '"encryption": "starttls"', sender,
                  '"authentication": "oauth_microsoft"'):
        assert words in check.output, words
    assert fleet.password not in check.output
    assert {row['state'] for row in rows_of(reports).values()} == {'not_configured'}

    # The real run writes exactly what the plan showed as form posts (the Microsoft sign-in is a request of the
    # printer to Entra ID, not a form post the simulator counts).
    real = run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings)
    assert real.returncode == 0, real.output
    after = printer_writes(fleet)
    for host, headers in planned.items():
        assert after[host] - before[host] == sum(1 for header in headers if header in POSTED), host
        assert token_status(fleet, host, 'microsoft')['status'] == 'active'
    # A plan of a fleet with nothing to do is empty.
    again = run_playbook('rollout.yml', fleet.inventory_path, '--check', '--diff', extra_vars=settings)
    assert again.returncode == 0 and not DIFF_HEADER.findall(again.output), again.output

    # A limited run updates its printer's row and keeps the others, with the date they were last read.
    first = load_report(reports)
    limited = run_playbook('status.yml', fleet.inventory_path, '--limit', 'printer-0002', extra_vars=settings)
    assert limited.returncode == 0, limited.output
    report = load_report(reports)
    rows = {row['host']: row for row in report['printers']}
    assert sorted(rows) == sorted(fleet.printers)
    assert rows['printer-0002']['read_at'] == report['generated_at']
    for host in ('printer-0001', 'printer-0003'):
        assert rows[host]['read_at'] == first['generated_at'] and rows[host]['state'] == 'ok'
    assert 'This run read 1 printer(s) and updated their rows; the fleet report keeps the rows of the 2 other' \
        in limited.output
    assert report['summary']['printers'] == 3


def test_clock_skew_is_its_own_state_blocks_reauthorize_and_rollout_fixes_it(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=2, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    reports = tmp_path / 'reports'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60}
    assert run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings).returncode == 0

    fleet.control.change_device_clock('printer-0001', 3600)   # the printer drops its token too
    status = run_playbook('status.yml', fleet.inventory_path, extra_vars=settings)
    assert status.returncode == 2, status.output
    rows = rows_of(reports)
    assert rows['printer-0001']['state'] == 'clock_skew', rows['printer-0001']
    assert 'cloudmail_clock_tolerance' in rows['printer-0001']['last_error']
    assert rows['printer-0002']['state'] == 'ok'

    # reauthorize.yml does not sign a printer in that would lose its token again once its clock is set.
    reauthorize = run_playbook('reauthorize.yml', fleet.inventory_path, extra_vars=settings)
    assert reauthorize.returncode == 2, reauthorize.output
    assert re.search(r"printer-0001 \(127[\d.]+:\d+\): the printer's clock is 3[56]\d\d s ahead of the controller's",
                     reauthorize.output), reauthorize.output
    assert token_status(fleet, 'printer-0001', 'microsoft')['status'] != 'active'
    assert rows_of(reports)['printer-0001']['state'] == 'clock_skew'

    # The advice: set the clock, then rollout.yml.
    fleet.control.change_device_clock('printer-0001', -3600)
    fixed = run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings)
    assert fixed.returncode == 0, fixed.output
    assert {row['state'] for row in rows_of(reports).values()} == {'ok'}


def test_rollback_is_an_end_state_and_the_mail_test_reads_the_printers_own_message(simulated_fleet, run_playbook,
                                                                                   tmp_path):
    fleet = simulated_fleet(printers=2, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    reports = tmp_path / 'reports'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60,
                'cloudmail_mail_test_recipient': 'it-scans@example.com'}
    assert run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings).returncode == 0

    # The printer holds no active token any more (dropped on the device): it says so when asked to send.
    fleet.control.change_device_clock('printer-0002', 1)
    fleet.control.change_device_clock('printer-0002', -1)
    mail = run_playbook('mail_test.yml', fleet.inventory_path, extra_vars=settings)
    assert mail.returncode == 2, mail.output
    row = rows_of(reports)['printer-0002']
    assert row['state'] == 'token_inactive' and row['next_action'] == 'run reauthorize.yml', row
    assert 'The OAuth 2.0 token is not active' in row['last_error']
    # Its advice fixes it.
    assert run_playbook('reauthorize.yml', fleet.inventory_path, extra_vars=settings).returncode == 0
    mail = run_playbook('mail_test.yml', fleet.inventory_path, extra_vars=settings)
    assert mail.returncode == 0, mail.output

    # Rollback without a terminal: its intended end needs no action, and exits 0; later reports agree.
    rollback = run_playbook('rollback.yml', fleet.inventory_path, extra_vars=settings)
    assert rollback.returncode == 0, rollback.output
    assert {row['state'] for row in rows_of(reports).values()} == {'rolled_back'}
    assert 'run rollout.yml' not in rollback.output
    status = run_playbook('status.yml', fleet.inventory_path, extra_vars=settings)
    assert status.returncode == 0, status.output
    assert {row['state'] for row in rows_of(reports).values()} == {'rolled_back'}
    # Its advice (rollout.yml turns OAuth on again) works.
    assert run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings).returncode == 0
    assert {row['state'] for row in rows_of(reports).values()} == {'ok'}


def test_status_states_come_from_the_exception_class(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=3, families='imagerunner_advance', providers='microsoft', auto_approve_seconds=1,
                            poll_interval=1, settle_seconds=0.5)
    profile = tmp_path / 'site-profile.yml'
    profile.write_text('extends: isensys_mf\nlogin: {form_path: /login, path: /login, username_field: i0019, '
                       'password_field: i2101}\n', encoding='utf-8')
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    hosts = inventory['all']['children']['printers']['children']['microsoft']['hosts']
    hosts['printer-0001']['cloudmail_profile_file'] = str(profile)
    hosts['printer-0001'].pop('cloudmail_profile', None)
    hosts['printer-0002']['cloudmail_task_budget'] = 4
    fleet.control.faults('printer-0002', latency=2.5)
    reports = tmp_path / 'reports'

    run = run_playbook('status.yml', write_yaml(tmp_path / 'inventory.yml', inventory), extra_vars={
        'cloudmail_report_dir': str(reports), 'cloudmail_fail_on_attention': False})

    assert run.returncode == 2, run.output
    rows = rows_of(reports)
    # The login form does not hold the profile's fields: the profile, not a read failure.
    assert rows['printer-0001']['state'] == 'profile_mismatch', rows['printer-0001']
    assert 'profile mismatch' in rows['printer-0001']['last_error']
    # ... and the built-in profile whose login fields the page holds is named.
    assert 'set cloudmail_profile: imagerunner_advance' in rows['printer-0001']['last_error']
    # The task budget used up: a printer that does not answer in time.
    assert rows['printer-0002']['state'] == 'unreachable_read', rows['printer-0002']
    assert 'cloudmail_task_budget' in rows['printer-0002']['last_error']
    assert rows['printer-0003']['state'] == 'not_configured'

    # Their advice, followed: the profile that fits (probe.yml names it), the printer answering again, then the
    # playbooks each next action names.
    assert 'cloudmail_profile' in rows['printer-0001']['next_action']
    assert rows['printer-0002']['next_action'].endswith('then run status.yml')
    hosts['printer-0001'].pop('cloudmail_profile_file')
    hosts['printer-0001']['cloudmail_profile'] = 'imagerunner_advance'
    fleet.control.faults('printer-0002', latency=0)
    fixed = write_yaml(tmp_path / 'fixed.yml', inventory)
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60}
    status = run_playbook('status.yml', fixed, extra_vars=settings)
    assert status.returncode == 2, status.output
    assert {row['state'] for row in rows_of(reports).values()} == {'not_configured'}
    rollout = run_playbook('rollout.yml', fixed, extra_vars=settings)
    assert rollout.returncode == 0, rollout.output
    assert {row['state'] for row in rows_of(reports).values()} == {'ok'}
