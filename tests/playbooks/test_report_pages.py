"""The pages people read, opened in a real headless Chromium at the window sizes operators use.

The fleet report, written by real ansible-playbook runs against a simulated fleet with failures
(a wrong password, printers that do not answer, printers not configured yet, active ones), in
groups by site: its picture of the fleet matches the rows, its key columns are never narrower than
their titles and stay in view, no folded row is taller than the set height, and sorting, filtering
and the per-printer links work by clicking. The sign-in sheet, written while rollout.yml waits: a
Microsoft code copied with one click and approved from the sheet, the Google consent link the same
as in the terminal table, every countdown running, the page reloading itself until the run says done.

Screenshots are saved in the test's directory and, when CLOUDMAIL_SCREENSHOT_DIR is set, copied there.
"""

import asyncio
import json
import os
import re
import shutil
import stat
import subprocess
import time
from pathlib import Path

import yaml

from conftest import BIN, PLAYBOOKS, load_report, write_yaml
from page_browser import run as in_browser

WINDOWS = ((1366, 768), (1920, 1080))
# The tallest a folded row may be (report_html.MAX_ROW_HEIGHT).
MAX_ROW_HEIGHT = 120
KEY_COLUMNS = ('host', 'state', 'next_action', 'last_error', 'address', 'provider', 'profile', 'connection_status',
               'token_status')
NO_CI = {'CI': ''}
SITES = {'site_paris': ('printer-0001', 'printer-0002', 'printer-0003', 'printer-0004'),
         'site_lyon': ('printer-0005', 'printer-0006', 'printer-0007', 'printer-0008')}


def keep_screenshot(path):
    target = os.environ.get('CLOUDMAIL_SCREENSHOT_DIR')
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / Path(path).name)


# Measures of the laid-out printers table, from the DOM (widths and heights in CSS pixels).
LAYOUT = '''(function () {
  var table = document.getElementById('printers');
  var cols = Array.prototype.map.call(table.querySelectorAll('col'), function (col) { return col.className; });
  var titles = Array.prototype.map.call(table.tHead.rows[0].cells, function (th, index) {
    var range = document.createRange(); range.selectNodeContents(th);
    var style = getComputedStyle(th);
    var box = th.getBoundingClientRect();
    return {title: th.textContent, key: cols[index].split(' ')[0], isKey: / key$/.test(cols[index]) || cols[index].indexOf(' key') >= 0,
            width: box.width, left: box.left + window.scrollX, right: box.right + window.scrollX,
            needed: range.getBoundingClientRect().width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight)};
  });
  var rows = Array.prototype.map.call(table.tBodies[0].rows, function (row) {
    return {host: row.getAttribute('data-host'), height: row.getBoundingClientRect().height,
            hidden: row.hidden, folded: row.querySelectorAll('details:not([open])').length};
  });
  return {titles: titles, rows: rows, viewport: document.documentElement.clientWidth,
          pageWidth: document.documentElement.scrollWidth, scripts: document.scripts.length,
          em: parseFloat(getComputedStyle(table).fontSize)};
})()'''

VISIBLE_HOSTS = '''Array.prototype.filter.call(document.querySelectorAll('#printers tbody tr'), function (row) {
  return !row.hidden; }).map(function (row) { return row.getAttribute('data-host'); })'''


def grouped_fleet(simulated_fleet, tmp_path):
    """Eight printers in two sites: one with a wrong password, two that do not answer, one driven by a
    profile file of the site, two to become active and two left not configured."""
    fleet = simulated_fleet(printers=8, languages='en', providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    printers = inventory['all']['children']['printers']
    hosts = printers['children']['microsoft']['hosts']
    printers['children'].update({site: {'hosts': {name: None for name in names}} for site, names in SITES.items()})
    hosts['printer-0003']['cloudmail_password'] = 'not-the-password'
    profile = tmp_path / 'site-profile.yml'
    profile.write_text('extends: %s\ndescription: this site\'s firmware\n' % hosts['printer-0004']['cloudmail_profile'])
    hosts['printer-0004']['cloudmail_profile_file'] = str(profile)
    del hosts['printer-0004']['cloudmail_profile']
    return fleet, write_yaml(tmp_path / 'inventory.yml', inventory)


def test_the_fleet_report_reads_at_a_glance_at_1366_and_1920(simulated_fleet, run_playbook, tmp_path):
    fleet, inventory = grouped_fleet(simulated_fleet, tmp_path)
    reports = tmp_path / 'reports'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60, 'cloudmail_retries': 0,
                'cloudmail_timeout': 3}
    # Two printers become active; then two stop answering and the whole fleet is read by status.yml.
    rollout = run_playbook('rollout.yml', inventory, '--limit', 'printer-0001,printer-0005', extra_vars=settings,
                           environment=NO_CI)
    assert rollout.returncode == 0, rollout.output
    for name in ('printer-0002', 'printer-0006'):
        fleet.control.faults(name, offline=600)
    status = run_playbook('status.yml', inventory, extra_vars=dict(settings, cloudmail_fail_on_attention=False),
                          environment=NO_CI)
    # The printers whose read failed fail the run; the report has every printer.
    assert status.returncode == 2, status.output
    assert {host for host, counts in status.recap().items() if counts['failed']} == {
        'printer-0002', 'printer-0003', 'printer-0006'}, status.output
    report = load_report(reports)
    rows = {row['host']: row for row in report['printers']}
    assert rows['printer-0001']['state'] == rows['printer-0005']['state'] == 'ok'
    assert rows['printer-0003']['state'] == 'wrong_password'
    assert rows['printer-0002']['state'] == rows['printer-0006']['state'] == 'unreachable_read'
    # The profile column names the profile file of the printer that has one (it said "unknown").
    assert rows['printer-0004']['profile'] == 'site-profile.yml'
    assert rows['printer-0008']['profile'] == inventory_profile(inventory, 'printer-0008')
    long_errors = [host for host, row in rows.items() if len(row['last_error']) > 60]
    assert set(long_errors) >= {'printer-0002', 'printer-0006'}, rows
    page = reports / 'fleet-report-all.html'
    text = page.read_text()
    assert fleet.password not in text and 'not-the-password' not in text

    async def look(browser):
        seen = {}
        for width, height in WINDOWS:
            await browser.window(width, height)
            await browser.open(page.as_uri())
            keep_screenshot(await browser.screenshot(tmp_path / f'fleet-report-{width}x{height}.png'))
            keep_screenshot(await browser.screenshot(tmp_path / f'fleet-report-{width}x{height}-full.png', full_page=True))
            seen[width] = {'layout': await browser.evaluate(LAYOUT),
                           'strip': await browser.evaluate(
                               'Array.from(document.querySelectorAll("#state-strip a.segment")).map(function (a) {'
                               ' return [a.getAttribute("data-state"), a.getBoundingClientRect().width]; })'),
                           'groups': await browser.evaluate(
                               'Array.from(document.querySelectorAll("#groups tbody tr")).map(function (tr) {'
                               ' return [tr.getAttribute("data-group"), tr.cells[1].textContent]; })')}
        # Sorting by clicking a title (again: reversed), the state by severity as the report orders it.
        await browser.click('#printers thead tr:first-child th:nth-child(1)')
        seen['host_up'] = await browser.evaluate(VISIBLE_HOSTS)
        await browser.click('#printers thead tr:first-child th:nth-child(1)')
        seen['host_down'] = await browser.evaluate(VISIBLE_HOSTS)
        await browser.click('#printers thead tr:first-child th:nth-child(2)')
        seen['state_up'] = await browser.evaluate(VISIBLE_HOSTS)
        # Filtering by typing under a title, then by clicking a state of the picture, and of a group.
        await browser.type_text('#printers tr.filters td.host input', '0003')
        seen['typed'] = await browser.evaluate(VISIBLE_HOSTS)
        seen['shown'] = await browser.evaluate('document.getElementById("shown-count").textContent')
        await browser.click('#state-strip a.segment[data-state="not_configured"]')
        seen['strip_filter'] = await browser.evaluate(VISIBLE_HOSTS)
        await browser.click('#groups a.segment[data-group="site_lyon"][data-state="unreachable_read"]')
        seen['group_filter'] = await browser.evaluate(VISIBLE_HOSTS)
        # A long error opens in full.
        await browser.click('#printers tr[data-host="printer-0006"] td.last_error details summary')
        seen['opened'] = await browser.evaluate(
            'Array.from(document.querySelectorAll("#printers td.last_error details[open] .full")).map(function (d) {'
            ' return [d.closest("tr").getAttribute("data-host"), d.textContent]; })')
        # A link per printer, opened from elsewhere (a mail, a ticket).
        await browser.open('about:blank')
        await browser.open(page.as_uri() + '#printer-printer-0006')
        seen['target'] = await browser.evaluate(
            '(function () { var cell = document.querySelector(":target"); var box = cell.getBoundingClientRect();'
            ' return [cell.closest("tr").getAttribute("data-host"), box.top >= 0 && box.bottom <= innerHeight]; })()')
        seen['requests'] = [hop.request['url'] for hop in browser.order]
        return seen

    seen = in_browser(look)
    by_state = report['summary']['by_state']
    for width, _height in WINDOWS:
        layout = seen[width]['layout']
        titles = {title['key']: title for title in layout['titles']}
        assert set(KEY_COLUMNS) <= set(titles) and all(titles[key]['isKey'] for key in KEY_COLUMNS), layout['titles']
        for title in (title for title in layout['titles'] if title['isKey']):
            # Never narrower than its title, and in view: no scrolling sideways to read a key column.
            assert title['width'] + 0.5 >= title['needed'], (width, title)
            assert title['right'] <= layout['viewport'] + 0.5, (width, title, layout['viewport'])
        # The error column keeps room for words (it shrank to about five characters).
        assert titles['last_error']['width'] >= 12 * layout['em'], (width, titles['last_error'])
        assert layout['pageWidth'] <= layout['viewport'], (width, layout['pageWidth'])
        assert all(row['height'] <= MAX_ROW_HEIGHT for row in layout['rows']), (width, layout['rows'])
        assert {row['host'] for row in layout['rows'] if row['folded']} >= set(long_errors)
        assert layout['scripts'] == 1
        # The picture: one segment per state, as wide as its share of the fleet.
        strip = dict(seen[width]['strip'])
        assert set(strip) == set(by_state)
        total = sum(strip.values())
        for state, number in by_state.items():
            assert abs(strip[state] / total - number / len(rows)) < 0.06, (width, strip, by_state)
        assert dict(seen[width]['groups']) == {'site_lyon': '4', 'site_paris': '4'}

    assert seen['host_up'] == sorted(rows)
    assert seen['host_down'] == sorted(rows, reverse=True)
    # By severity, as the report orders them, then by state; ties in the report's order.
    severities = ('blocked', 'failed', 'action', 'warning', 'ok')
    assert seen['state_up'] == [row['host'] for row in sorted(report['printers'], key=lambda row: (
        severities.index(row['severity']), row['state']))]
    assert seen['typed'] == ['printer-0003'] and seen['shown'] == f'1 of {len(rows)} printer(s) shown.'
    assert sorted(seen['strip_filter']) == sorted(host for host, row in rows.items() if row['state'] == 'not_configured')
    assert seen['group_filter'] == ['printer-0006']
    assert seen['opened'] == [['printer-0006', rows['printer-0006']['last_error']]]
    assert seen['target'] == ['printer-0006', True]
    # Opened from disk, it loads nothing else (offline: no network, no external asset).
    assert all(url.startswith('file:') for url in seen['requests']), seen['requests']


def inventory_profile(inventory, host):
    return yaml.safe_load(Path(inventory).read_text())['all']['children']['printers']['children']['microsoft'][
        'hosts'][host]['cloudmail_profile']


MICROSOFT_ROW = re.compile(r'^(printer-\d+)\s+microsoft\s+([A-Z0-9-]{6,})\s+\S+\s+(https://\S+)\s*$', re.M)
GOOGLE_ROW = re.compile(r'^(printer-\d+)\s+google\s+(https://\S+)\s*$', re.M)

SHEET_ROWS = '''Array.from(document.querySelectorAll('#sign-ins tbody tr')).map(function (row) {
  var link = row.querySelector('td.open a'), code = row.querySelector('code.user-code');
  var counter = row.querySelector('.countdown');
  return {host: row.getAttribute('data-host'), provider: row.getAttribute('data-provider'),
          code: code ? code.textContent : null, href: link ? link.href : null,
          left: counter ? Number(counter.getAttribute('data-seconds-left')) : null,
          status: row.querySelector('td.status').textContent.trim()};
})'''


async def settled(browser, expression, attempts=20):
    """Evaluate in the page, again when it was reloading itself at that moment (nothing, or no row yet)."""
    for _attempt in range(attempts):
        try:
            value = await browser.evaluate(expression)
        except RuntimeError:
            value = None
        if value not in (None, []):
            return value
        await asyncio.sleep(0.5)
    raise AssertionError(f'the page gave nothing for {expression[:60]!r}')


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.5)


def test_the_sign_in_sheet_is_clicked_instead_of_copied_and_follows_the_wait(simulated_fleet, ansible_env, tmp_path):
    # printer-0001 and printer-0003 sign in with Microsoft, printer-0002 with Google (no code given: no one to ask).
    fleet = simulated_fleet(printers=3, families='isensys_mf', languages='en', poll_interval=1, settle_seconds=0.5)
    reports = tmp_path / 'reports'
    sheet = reports / 'sign-in-all.html'
    log = tmp_path / 'rollout.log'
    settings = {'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 150,
                'cloudmail_authorization_rounds': 1}
    command = [str(BIN / 'ansible-playbook'), '-i', str(fleet.inventory_path), str(PLAYBOOKS / 'rollout.yml'),
               '-e', json.dumps(settings)]
    with open(log, 'w', encoding='utf-8') as output:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                   env={**ansible_env, 'CI': ''}, cwd=tmp_path)
    try:
        wait_for(lambda: 'Waiting for sign-ins' in log.read_text() or process.poll() is not None, 300,
                 'the run did not start waiting')
        output = log.read_text()
        assert process.poll() is None, output
        microsoft = {host: (code, url) for host, code, url in MICROSOFT_ROW.findall(output)}
        google = dict(GOOGLE_ROW.findall(output))
        assert set(microsoft) == {'printer-0001', 'printer-0003'} and set(google) == {'printer-0002'}, output
        # The run names the sheet beside the table; only its owner can read it; no secret is on it.
        assert f'in a browser: {sheet}' in output
        assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
        secret = fleet.control.google_clients()
        text = sheet.read_text()
        assert fleet.password not in text
        assert not any(client['client_secret'] in text for client in secret.values())

        async def look(browser):
            seen = {}
            await browser.window(1366, 768)
            await browser.open(sheet.as_uri())
            keep_screenshot(await browser.screenshot(tmp_path / 'sign-in-sheet-waiting.png'))
            seen['before'] = await settled(browser, SHEET_ROWS)
            await asyncio.sleep(2.5)
            seen['later'] = await settled(browser, SHEET_ROWS)
            # One click copies the code (the clipboard, or at least the selection for Ctrl+C).
            for _attempt in range(5):
                await settled(browser, 'window.notReloaded = true')
                await browser.click('tr[data-host="printer-0001"] button.copy')
                copied = await settled(browser, '[window.notReloaded === true, window.getSelection().toString(),'
                                                ' document.querySelector(\'tr[data-host="printer-0001"] button.copy\').textContent]')
                if copied[0]:
                    break
            seen['copied'] = copied
            seen['reloads'] = await browser.reload_count(12)
            seen['written_at'] = await settled(browser, 'document.getElementById("generated-at").getAttribute("datetime")')
            # Signed in with the code as the sheet shows it: the sheet follows the wait.
            code = next(row['code'] for row in seen['later'] if row['host'] == 'printer-0001')
            fleet.control.entra_approve(code)
            for _attempt in range(60):
                rows = await settled(browser, SHEET_ROWS)
                if next(row['status'] for row in rows if row['host'] == 'printer-0001') == 'signed in':
                    break
                await asyncio.sleep(1)
            seen['signed_in'] = rows
            keep_screenshot(await browser.screenshot(tmp_path / 'sign-in-sheet-one-signed-in.png'))
            return seen

        seen = in_browser(look)
        rows = {row['host']: row for row in seen['before']}
        assert set(rows) == {'printer-0001', 'printer-0002', 'printer-0003'}
        for host, (code, url) in microsoft.items():
            assert (rows[host]['provider'], rows[host]['code'], rows[host]['href']) == ('microsoft', code, url)
        # The Google link is the consent URL of the table, and a real one: consenting there gives a code.
        assert rows['printer-0002']['href'] == google['printer-0002']
        assert fleet.control.google_consent(rows['printer-0002']['href'])['code']
        # Each Microsoft code's time counts down; the Google printer, with no code to enter, is not waited for.
        later = {row['host']: row for row in seen['later']}
        for host in microsoft:
            assert 0 < later[host]['left'] < rows[host]['left'], (host, rows[host], later[host])
        assert rows['printer-0002']['status'] == 'no code given' and rows['printer-0002']['left'] is None
        assert seen['copied'][1:] == [microsoft['printer-0001'][0], 'Copied'] or seen['copied'][1] == microsoft[
            'printer-0001'][0], seen['copied']
        assert seen['reloads'] >= 1
        assert next(row['status'] for row in seen['signed_in'] if row['host'] == 'printer-0001') == 'signed in'
        # The last code signed in (from the table): the wait ends, and so does the sheet's reloading.
        fleet.control.entra_approve(microsoft['printer-0003'][0])
        process.wait(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log.read_text()
    # The Google printer had no code: the run fails it, and only it.
    assert process.returncode == 2, output
    assert [row['state'] for row in sorted(load_report(reports)['printers'], key=lambda row: row['host'])] == [
        'ok', 'code_missing', 'ok'], output

    async def final(browser):
        await browser.window(1366, 768)
        await browser.open(sheet.as_uri())
        keep_screenshot(await browser.screenshot(tmp_path / 'sign-in-sheet-done.png'))
        return {'rows': await browser.evaluate(SHEET_ROWS),
                'done': await browser.evaluate('document.getElementById("run-status").getAttribute("data-done")'),
                'refresh': await browser.evaluate('document.querySelectorAll("meta[http-equiv=refresh]").length'),
                'reloads': await browser.reload_count(7)}

    done = in_browser(final)
    assert done['done'] == 'true' and done['refresh'] == 0 and done['reloads'] == 0
    assert {row['host']: row['status'] for row in done['rows']} == {
        'printer-0001': 'signed in', 'printer-0002': 'no code given', 'printer-0003': 'signed in'}


CONSENT = ('https://accounts.google.com/o/oauth2/v2/auth?client_id=123.apps.googleusercontent.com&response_type=code'
           '&scope=https%3A%2F%2Fmail.google.com%2F&state="><script>alert(1)</script>')
# The table step fed through a real ansible-playbook run with the started sign-ins a device reported
# (one of them hostile: a "verification URL" that is a script).
TABLE_PLAY = """
- hosts: printers
  connection: local
  gather_facts: false
  tasks:
    - name: The sign-ins the printers started
      ansible.builtin.set_fact:
        printer_pending: true
        printer_authorization: {authorization: "{{ authorizations[inventory_hostname] }}"}
    - name: Show every printer's sign-in in one table
      printfleet.cloudmail.authorization_summary:
        hosts: "{{ ansible_play_hosts }}"
        interactive: false
        wait_timeout: 600
        report_dir: "{{ report_dir }}"
      run_once: true
"""


def test_the_table_step_writes_a_sheet_that_counts_a_google_consent_down(ansible_env, tmp_path):
    inventory = write_yaml(tmp_path / 'inventory.yml', {'all': {'children': {'printers': {'hosts': {
        'mfp-google': {'cloudmail_provider': 'google'}, 'mfp-hostile': {'cloudmail_provider': 'microsoft'}}}}}})
    playbook = tmp_path / 'table.yml'
    playbook.write_text(TABLE_PLAY)
    reports = tmp_path / 'reports'
    authorizations = {'mfp-google': {'authorization_url': CONSENT},
                      'mfp-hostile': {'user_code': 'HOSTILE1', 'expires_at': '2000-01-01T00:00:00Z',
                                      'verification_url': 'javascript:alert(document.cookie)'}}
    completed = subprocess.run(
        [str(BIN / 'ansible-playbook'), '-i', str(inventory), str(playbook),
         '-e', json.dumps({'authorizations': authorizations, 'report_dir': str(reports)})],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=ansible_env, timeout=300, check=False)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    sheet = reports / 'sign-in-all.html'
    assert f'in a browser: {sheet}' in output

    async def look(browser):
        await browser.window(1366, 768)
        await browser.open(sheet.as_uri())
        before = await settled(browser, SHEET_ROWS)
        await asyncio.sleep(2.2)
        after = await settled(browser, SHEET_ROWS)
        keep_screenshot(await browser.screenshot(tmp_path / 'sign-in-sheet-google-waiting.png'))
        scripts = await browser.evaluate('Array.from(document.scripts).map(function (s) { return s.id; })')
        expired = await browser.evaluate('document.querySelector(\'tr[data-host="mfp-hostile"] .countdown\').textContent')
        return before, after, scripts, expired

    before, after, scripts, expired = in_browser(look)
    before, after = ({row['host']: row for row in rows} for rows in (before, after))
    # The consent URL is the link's address, exactly; its expiry (the wait's end) counts down.
    assert before['mfp-google']['href'] == CONSENT.replace('"', '%22').replace('<', '%3C').replace('>', '%3E')
    assert 590 <= before['mfp-google']['left'] <= 600 and after['mfp-google']['left'] < before['mfp-google']['left']
    # What the device said is text: no script of its own runs, and a script address is no link.
    assert scripts == ['sign-in-script']
    assert before['mfp-hostile']['href'] is None and before['mfp-hostile']['code'] == 'HOSTILE1'
    assert expired == 'expired'
