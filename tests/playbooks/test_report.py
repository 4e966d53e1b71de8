"""The fleet report as an operator gets it from real ansible-playbook runs against a simulated fleet:
where it is written, what the run prints at its end, when the run fails, the next action that works,
and device text made harmless in the CSV and the HTML."""

import csv
import io
import json
import re
import subprocess

from conftest import BIN, REPO_ROOT, load_report, token_status, write_yaml

GOOGLE_ROW = re.compile(r'(printer-\d+)\s+google\s+(https://[^\s"]+)')
NO_CI = {'CI': ''}


def test_status_reports_into_the_current_directory_and_fails_without_a_person(
        simulated_fleet, run_playbook, tmp_path, chromium):
    fleet = simulated_fleet(printers=2, languages='en', settle_seconds=0.5)
    workdir = tmp_path / 'work'
    workdir.mkdir()

    # No terminal (stdin is /dev/null): printers needing an action fail the run, each named with its next action.
    run = run_playbook('status.yml', fleet.inventory_path, cwd=workdir, environment=NO_CI)
    assert run.returncode == 2, run.output
    assert {host: counts['failed'] for host, counts in run.recap().items()} == {'printer-0001': 1, 'printer-0002': 1}
    for host in ('printer-0001', 'printer-0002'):
        assert f'{host} needs an action: run rollout.yml' in run.output
        assert f'{host}: not_configured -> run rollout.yml' in run.output
    # The end of the run gives the counts and where the report is: reports/ of the current directory.
    reports = workdir / 'reports'
    assert 'by state: not_configured 2' in run.output
    for kind in ('html', 'csv', 'json'):
        assert f'{kind.upper()} report: {reports / f"fleet-report-all.{kind}"}' in run.output

    report = load_report(reports)
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', report['generated_at'])
    assert report['inventory_sources'] == [str(fleet.inventory_path)]
    galaxy_version = re.search(r'^version:\s*(\S+)', (REPO_ROOT / 'galaxy.yml').read_text(), re.M)[1]
    assert report['collection_version'] == galaxy_version
    assert report['summary']['need_action_hosts'] == ['printer-0001', 'printer-0002']

    # The same run with the option off (or a person at a terminal) reports and exits 0.
    relaxed = run_playbook('status.yml', fleet.inventory_path, cwd=workdir, environment=NO_CI,
                           extra_vars={'cloudmail_fail_on_attention': False})
    assert relaxed.returncode == 0, relaxed.output
    assert 'by state: not_configured 2' in relaxed.output
    # CI=true turns it on even where a terminal would turn it off.
    in_ci = run_playbook('status.yml', fleet.inventory_path, cwd=workdir, environment={'CI': 'true'},
                         extra_vars={'cloudmail_interactive': True})
    assert in_ci.returncode == 2, in_ci.output

    # The HTML page, opened in a real browser: the run's date, the counts, the rows with their next action.
    report = load_report(reports)
    dom = chromium(reports / 'fleet-report-all.html')
    assert f'<time id="generated-at" datetime="{report["generated_at"]}">' in dom
    assert '<dd id="need-action-count">2</dd>' in dom
    assert re.findall(r'<tr class="action needs-action" data-host="([^"]+)" data-state="not_configured"', dom) == [
        'printer-0001', 'printer-0002']


def test_next_actions_are_the_ones_that_work(simulated_fleet, run_playbook, tmp_path):
    # printer-0001 (Microsoft) answers every request with HTTP 500 while the rollout pushes its settings;
    # printer-0003 (Google) gets no authorization code in the first run; printer-0002 (Microsoft) just works.
    fleet = simulated_fleet(printers=3, languages='en', auto_approve_seconds=1,
                            poll_interval=1, settle_seconds=0.5)
    reports = tmp_path / 'reports'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60,
                'cloudmail_retries': 0}
    fleet.control.faults('printer-0001', http_500=1000)
    first = run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings, environment=NO_CI)
    assert first.returncode == 2, first.output
    rows = {row['host']: row for row in load_report(reports)['printers']}
    assert rows['printer-0001']['state'] == 'unreachable'
    assert rows['printer-0001']['next_action'].endswith('then run rollout.yml')
    assert rows['printer-0003']['state'] == 'code_missing'
    assert rows['printer-0003']['next_action'].endswith('then run reauthorize.yml')
    assert rows['printer-0002']['state'] == 'ok'
    # Problems first: the blocked or failed printer, then the one waiting for a person, then the good one.
    assert [row['host'] for row in load_report(reports)['printers']] == ['printer-0001', 'printer-0003', 'printer-0002']
    fleet.control.faults('printer-0001', http_500=0)

    # As advised for printer-0003: reauthorize.yml with its code. It cannot help printer-0001,
    # whose settings never reached it: the report keeps advising rollout.yml there.
    urls = dict(GOOGLE_ROW.findall(first.output))
    codes = {'printer-0003': fleet.control.google_consent(urls['printer-0003'])['code']}
    codes_file = write_yaml(tmp_path / 'codes.yml', {'cloudmail_google_authorization_codes': codes})
    second = run_playbook('reauthorize.yml', fleet.inventory_path, '-e', f'@{codes_file}', extra_vars=settings,
                          environment=NO_CI)
    assert token_status(fleet, 'printer-0003', 'google')['status'] == 'active'
    assert token_status(fleet, 'printer-0001', 'microsoft')['status'] != 'active'
    rows = {row['host']: row for row in load_report(reports)['printers']}
    assert rows['printer-0003']['state'] == 'ok', second.output
    assert 'rollout.yml' in rows['printer-0001']['next_action'], second.output

    # As advised for printer-0001: rollout.yml. Every printer ends active and the run succeeds.
    third = run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings, environment=NO_CI)
    assert third.returncode == 0, third.output
    assert token_status(fleet, 'printer-0001', 'microsoft')['status'] == 'active'
    assert [row['state'] for row in load_report(reports)['printers']] == ['ok', 'ok', 'ok']
    assert 'by state: ok 3' in third.output


HOSTILE = '=HYPERLINK("https://x","Click to fix") <script>alert(1)</script>'

# The report action fed through a real ansible-playbook run with printers whose status read
# returned hostile error text (the printer's own [Error Details], which the module passes on as is).
HOSTILE_PLAY = """
- hosts: printers
  connection: local
  gather_facts: false
  tasks:
    - name: A status read whose error details came from a hostile printer
      ansible.builtin.set_fact:
        printer_status:
          providers:
            microsoft: {connection_status: connected, token_status: error, error_details: "{{ hostile }}"}
    - name: Write the fleet report
      printfleet.cloudmail.fleet_report:
        dest: "{{ report_dir }}"
      run_once: true
"""


def test_device_text_is_neutralized_in_csv_and_escaped_in_html(ansible_env, tmp_path, chromium):
    inventory = write_yaml(tmp_path / 'inventory.yml', {'all': {'children': {'printers': {'hosts': {
        'mfp-1': {'cloudmail_provider': 'microsoft', 'cloudmail_profile': 'isensys_mf',
                  'cloudmail_host': '127.1.0.1'}}}}}})
    playbook = tmp_path / 'hostile.yml'
    playbook.write_text(HOSTILE_PLAY)
    reports = tmp_path / 'reports'
    completed = subprocess.run(
        [str(BIN / 'ansible-playbook'), '-i', str(inventory), str(playbook),
         '-e', json.dumps({'hostile': HOSTILE, 'report_dir': str(reports)})],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=ansible_env, timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr

    cells = list(csv.DictReader(io.StringIO((reports / 'fleet-report-all.csv').read_text())))[0]
    assert cells['last_error'] == "'" + HOSTILE
    page = (reports / 'fleet-report-all.html').read_text()
    assert '<script>' not in page and '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert load_report(reports)['printers'][0]['last_error'] == HOSTILE
    dom = chromium(reports / 'fleet-report-all.html')
    assert '<script>' not in dom and 'HYPERLINK' in dom
