"""An operator's journey, as the user guide tells it, with the exit code of every step: their own inventory
(hosts.yml and group_vars), a pilot with --limit, a check-mode plan, the rollout with the Google codes, status,
reauthorize of a printer that lost its token, the mail test, rollback, the mail test after it, and the daily
cron status on an inventory someone broke."""

import re
import shutil

import yaml
from conftest import load_report, token_status, write_yaml

GOOGLE_ROW = re.compile(r'(printer-\d+)\s+google\s+(https://[^\s"]+)')
OK, FAILED, NO_PRINTER = 0, 2, 4


def own_inventory(fleet, directory):
    """The simulator's inventory as an operator writes one: hosts in hosts.yml, settings in group_vars."""
    source = yaml.safe_load(fleet.inventory_path.read_text())
    groups = source['all']['children']['printers']['children']
    (directory / 'group_vars').mkdir(parents=True)
    write_yaml(directory / 'group_vars' / 'all.yml', source['all']['vars'])
    hosts = {}
    for group, body in groups.items():
        write_yaml(directory / 'group_vars' / f'{group}.yml', body.get('vars') or {})
        hosts[group] = {'hosts': body['hosts']}
    return write_yaml(directory / 'hosts.yml', {'all': {'children': {'printers': {'children': hosts}}}})


def states(reports):
    return {row['host']: row['state'] for row in load_report(reports)['printers']}


def test_operator_journey(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=3, languages='en', auto_approve_seconds=1, poll_interval=1, settle_seconds=0.5)
    inventory_dir = tmp_path / 'prod'
    hosts_file = own_inventory(fleet, inventory_dir)
    reports = tmp_path / 'reports'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60}
    microsoft = sorted(name for name, printer in fleet.printers.items() if printer['provider'] == 'microsoft')
    google = sorted(name for name, printer in fleet.printers.items() if printer['provider'] == 'google')
    assert microsoft and google
    pilot = microsoft[0]

    # 1. A pilot on one printer.
    run = run_playbook('rollout.yml', inventory_dir, '--limit', pilot, extra_vars=settings)
    assert run.returncode == OK, run.output
    assert token_status(fleet, pilot, 'microsoft')['status'] == 'active'
    assert states(reports) == {pilot: 'ok'}

    # 2. The plan for the fleet, as a CI step: exit 0, nothing written, the pilot's row kept.
    writes = fleet.control.counters()['writes']
    run = run_playbook('rollout.yml', inventory_dir, '--check', '--diff', extra_vars=settings)
    assert run.returncode == OK, run.output
    assert fleet.control.counters()['writes'] == writes
    assert 'SMTP settings (E-mail/I-Fax)' in run.output
    assert states(reports)[pilot] == 'ok'

    # 3. The rollout: Microsoft printers sign in; the Google ones wait for their codes (no terminal).
    run = run_playbook('rollout.yml', inventory_dir, extra_vars=settings)
    assert run.returncode == FAILED, run.output
    assert {states(reports)[name] for name in google} == {'code_missing'}
    urls = dict(GOOGLE_ROW.findall(run.output))
    assert sorted(urls) == google
    pasted = {name: fleet.control.google_consent(url)['redirect_url'] for name, url in urls.items()}
    codes_file = write_yaml(tmp_path / 'google-codes.yml', {'cloudmail_google_authorization_codes': pasted})
    run = run_playbook('reauthorize.yml', inventory_dir, '-e', f'@{codes_file}', extra_vars=settings)
    assert run.returncode == OK, run.output
    assert set(states(reports).values()) == {'ok'}

    # 4. The daily status.
    run = run_playbook('status.yml', inventory_dir, extra_vars=settings)
    assert run.returncode == OK, run.output

    # 5. A printer loses its token (dropped on the device): status says what to run, and it works.
    lost = microsoft[-1]
    fleet.control.change_device_clock(lost, 1)
    fleet.control.change_device_clock(lost, -1)
    run = run_playbook('status.yml', inventory_dir, extra_vars=settings)
    assert run.returncode == FAILED, run.output
    assert f'{lost}: token_inactive -> run reauthorize.yml' in run.output
    run = run_playbook('reauthorize.yml', inventory_dir, extra_vars=settings)
    assert run.returncode == OK, run.output
    assert set(states(reports).values()) == {'ok'}

    # 6. The mail test proves the whole chain.
    mail = {**settings, 'cloudmail_mail_test_recipient': 'it-scans@example.com'}
    run = run_playbook('mail_test.yml', inventory_dir, extra_vars=mail)
    assert run.returncode == OK, run.output
    assert len(fleet.control.mailbox()['messages']) >= len(fleet.printers)

    # 7. Rollback: its end is what was asked for.
    run = run_playbook('rollback.yml', inventory_dir, extra_vars=settings)
    assert run.returncode == OK, run.output
    assert set(states(reports).values()) == {'rolled_back'}

    # 8. The mail test after it: the printer's own message, and the playbook that turns OAuth on again.
    run = run_playbook('mail_test.yml', inventory_dir, extra_vars=mail)
    assert run.returncode == FAILED, run.output
    rows = {row['host']: row for row in load_report(reports)['printers']}
    for name, row in rows.items():
        assert row['state'] == 'not_configured', row
        assert 'The OAuth 2.0 token is not active' in row['last_error']
        assert 'rollout.yml' in row['next_action']

    # 9. The cron job on an inventory with a tab in it: it alerts, naming the cause and the check to run.
    broken = tmp_path / 'broken'
    shutil.copytree(inventory_dir, broken)
    text = (broken / 'hosts.yml').read_text()
    (broken / 'hosts.yml').write_text(text.replace('\n      ', '\n\t', 1))
    run = run_playbook('status.yml', broken, extra_vars=settings)
    assert run.returncode == NO_PRINTER, run.output
    assert 'Tabs are usually invalid in YAML' in run.output
    assert 'inventory_validation.py -i %s' % broken in run.output
    # The fleet report of the last good run is left whole.
    assert sorted(load_report(reports)['printers'][i]['host'] for i in range(len(fleet.printers))) == \
        sorted(fleet.printers)
    for secret in (fleet.password,):
        for path in reports.iterdir():
            assert secret not in path.read_text()
    assert hosts_file.exists()


def test_the_demo_says_what_its_first_pass_shows_before_it(simulated_fleet, ansible_env, tmp_path):
    import subprocess
    import sys

    from conftest import REPO_ROOT
    fleet = simulated_fleet(printers=3, languages='en', auto_approve_seconds=1, poll_interval=1, settle_seconds=0.5)
    google = sum(1 for printer in fleet.printers.values() if printer['provider'] == 'google')
    demo = subprocess.run([sys.executable, '-m', 'simulator.demo', '--simulator-dir', str(fleet.directory),
                           '--report-dir', str(tmp_path / 'reports')], cwd=REPO_ROOT, env=ansible_env,
                          capture_output=True, text=True, timeout=600, check=False, stdin=subprocess.DEVNULL)
    output = demo.stdout
    assert demo.returncode == 0, output + demo.stderr
    plan = output.index('What you are about to see')
    first_pass = output.index('$ ')
    assert plan < first_pass < output.index('[ERROR]', first_pass), output
    assert 'The %d Google\n  printers cannot' % google in output and 'That is expected' in output
