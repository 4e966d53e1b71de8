# -*- coding: utf-8 -*-
"""The HTML pages: escaped text, long cells folded, the fleet pictured by state and by group, a script the
page's policy lets run; the sign-in sheet's rows, reload while waiting, private atomic files."""

from __future__ import annotations

import base64
import collections
import datetime
import hashlib
import html
import os
import re
import stat

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import authorization_wait, report_files, report_html, report_rows, report_states
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.authorization_summary import (
    pending_row,
    write_sign_in_sheet,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_files import report_document
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_rows import build_row

VARIABLES = {'cloudmail_provider': 'microsoft', 'cloudmail_profile': 'isensys_mf', 'cloudmail_host': '10.0.0.5',
             'cloudmail_microsoft_tenant': 'contoso.onmicrosoft.com'}
HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
NOW = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=datetime.timezone.utc)


def status(token):
    return {'providers': {'microsoft': {'connection_status': 'connected', 'token_status': token,
                                        'settings': {'enabled': True}}}}


def page_of(rows):
    return report_files.render_html(report_document(rows, 'all'))


def allowed_scripts(page):
    """The scripts of a page whose Content-Security-Policy lets them run (by their hash)."""
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1])
    policy = re.search(r'script-src ([^;]+)', policy)[1]
    scripts = re.findall(r'<script[^>]*>(.*?)</script>', page, re.S)
    hashes = ["'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() for text in scripts]
    return scripts, all(value in policy.split() for value in hashes)


def test_every_text_is_escaped_and_the_one_script_is_the_pages_own():
    rows = [build_row(HOSTILE, dict(VARIABLES, group_names=[HOSTILE]), status('error'),
                      {'message': HOSTILE * 3, 'action': 'oauth_info'})]
    page = page_of(rows)
    assert '<script>alert' not in page and '<img' not in page and 'onerror=alert(2)>' not in page
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    scripts, allowed = allowed_scripts(page)
    assert len(scripts) == 1 and allowed
    assert "default-src 'none'" in page and 'http://' not in page.split('<body>')[0]


def test_long_texts_are_folded_and_keep_their_playbook_in_view():
    long_error = 'mfp (10.0.0.5): GET /portal_top.html: no complete answer within the deadline of 5 s ' * 3
    row = build_row('mfp', VARIABLES, {}, {'message': long_error, 'action': 'oauth_settings'})
    page = page_of([row])
    cell = re.search(r'<td class="last_error" data-sort[^>]*>(.*?)</td>', page, re.S)[1]
    assert '<details><summary>' in cell and report_html.shortened(row['last_error'], 44) in cell
    assert row['last_error'] in cell    # in full once opened
    advice = report_states.advice('unreachable')
    short = report_html.shortened_advice(advice, 110)
    assert len(short) <= 110 and short.endswith(', then run rollout.yml') and short != advice
    assert report_html.shortened('short text', 44) == 'short text'


def test_the_fleet_is_pictured_by_state_and_by_the_groups_that_tell_printers_apart():
    rows = []
    for index, (site, token) in enumerate([('site_a', 'active'), ('site_a', 'inactive'), ('site_b', 'active'),
                                           ('site_b', 'active')]):
        rows.append(build_row('mfp-%d' % index, dict(VARIABLES, group_names=['printers', site]), status(token)))
    assert rows[0]['groups'] == 'printers, site_a'
    page = page_of(rows)
    strip = re.search(r'<div class="strip" id="state-strip".*?</div>', page, re.S)[0]
    assert re.findall(r'data-state="(\w+)" style="flex-grow: (\d+)"', strip) == [('token_inactive', '1'), ('ok', '3')]
    # "printers" holds every printer: no picture of its own.
    assert re.findall(r'<tr data-group="([^"]+)"><td>[^<]*</td><td>(\d+)</td><td>(\d+)</td>', page) == [
        ('site_a', '2', '1'), ('site_b', '2', '0')]
    # The key columns are marked for the page to keep them in view.
    assert re.findall(r'<col class="(\w+) key">', page) == list(report_rows.KEY_COLUMNS)
    assert '<th>Groups</th>' in page


def test_a_fleet_without_groups_has_no_group_section():
    page = page_of([build_row('mfp', VARIABLES, status('active'))])
    assert 'id="groups"' not in page and 'Groups' not in page


def test_the_profile_column_names_the_profile_file():
    row = build_row('mfp', dict(VARIABLES, cloudmail_profile=None, cloudmail_profile_file='/etc/site/advance-fr.yml'),
                    status('active'))
    assert row['profile'] == 'advance-fr.yml'
    # The file wins over a name, as in the collection's profile resolution.
    row = build_row('mfp', dict(VARIABLES, cloudmail_profile_file='own.yml'), status('active'))
    assert row['profile'] == 'own.yml'
    assert build_row('mfp', dict(VARIABLES, cloudmail_profile=None), status('active'))['profile'] == 'unknown'


MICROSOFT = pending_row('mfp-1', 'microsoft', {'user_code': 'ABCD1234', 'expires_at': '2026-12-03T12:15:00Z',
                                               'verification_url': 'https://microsoft.com/devicelogin'})
GOOGLE = pending_row('mfp-2', 'google', {'authorization_url': 'https://accounts.google.com/o/oauth2/v2/auth?a=1&b=2'})


def test_the_sheet_reloads_while_the_run_waits_and_says_when_it_is_done():
    deadline = NOW + datetime.timedelta(seconds=600)
    waiting = report_html.render_sign_in_sheet([GOOGLE, MICROSOFT], deadline, now=NOW)
    assert '<meta http-equiv="refresh" content="5">' in waiting and 'data-done="false"' in waiting
    assert re.findall(r'data-host="([^"]+)"', waiting) == ['mfp-1', 'mfp-2']
    assert 'data-code="ABCD1234"' in waiting and 'href="https://microsoft.com/devicelogin"' in waiting
    assert 'href="https://accounts.google.com/o/oauth2/v2/auth?a=1&amp;b=2"' in waiting
    # The Google consent has no code of its own: it expires with the wait.
    assert 'data-until="2026-12-03T12:10:00Z"' in waiting and 'data-until="2026-12-03T12:15:00Z"' in waiting
    assert allowed_scripts(waiting)[1]
    done = report_html.render_sign_in_sheet([GOOGLE, MICROSOFT], deadline, {'mfp-1': 'active', 'mfp-2': 'waiting'},
                                            done=True, now=NOW)
    assert 'http-equiv="refresh"' not in done and 'data-done="true"' in done
    assert 'Done: the run waits no more (not signed in in time 1, signed in 1)' in done
    assert re.findall(r'<td class="status">([^<]+)</td>', done) == ['signed in', 'not signed in in time']
    assert 'class="countdown" data-until="2026-12-03T12:15:00Z"' not in done


def test_the_table_step_writes_a_private_sheet_and_names_it(tmp_path):
    lines = []
    path = write_sign_in_sheet([MICROSOFT], str(tmp_path / 'reports'), 'all', 900, lines, now=NOW)
    assert path == str(tmp_path / 'reports' / 'sign-in-all.html')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert lines == ['The same sign-ins to click (copy buttons, links, time left), in a browser: %s' % path]
    assert os.listdir(tmp_path / 'reports') == ['sign-in-all.html']    # no temporary file left
    # Nowhere to write: the table is still shown, with why there is no sheet.
    (tmp_path / 'file').write_text('')
    lines = []
    assert write_sign_in_sheet([MICROSOFT], str(tmp_path / 'file'), 'all', 900, lines) is None
    assert 'could not be written' in lines[0] and 'cloudmail_report_dir' in lines[0]
    lines = []
    assert write_sign_in_sheet([MICROSOFT], str(tmp_path), '../escape', 900, lines) is None
    assert not (tmp_path.parent / 'sign-in-..' / 'escape.html').exists()


Printer = collections.namedtuple('Printer', 'name provider')


def test_the_wait_rewrites_the_sheet_each_round(tmp_path):
    pending = {'mfp-1': {'authorization': {'user_code': 'ABCD1234', 'verification_url': 'https://microsoft.com/devicelogin',
                                           'expires_at': '2026-12-03T12:15:00Z'}},
               'mfp-2': {'authorization': {'authorization_url': 'https://accounts.google.com/x'}},
               'mfp-3': {'authorization': {'authorization_url': 'https://accounts.google.com/y'}, 'code_submitted': True}}
    printers = [Printer('mfp-1', 'microsoft'), Printer('mfp-2', 'google'), Printer('mfp-3', 'google')]
    ended = {'mfp-2': {'printer_error': 'mfp-2: no code', 'printer_error_reason': 'missing_code'}}
    options = {'report_dir': str(tmp_path), 'report_slice': 'all', 'timeout': 60}
    warnings = []
    sheet = authorization_wait.sign_in_sheet(pending, printers, ended, options, warnings.append, now=NOW)
    answers = [('waiting', 'AADSTS70016 secret-looking device text'), ('active', '')]
    statuses = authorization_wait.wait_for_sign_ins({'mfp-1': printers[0]}, 60, lambda printer: answers.pop(0),
                                                    lambda line: None, sleep=lambda seconds: None, on_round=sheet)
    page = (tmp_path / 'sign-in-all.html').read_text()
    # Written after the last round (the token became active), before the end: still reloading.
    assert re.findall(r'<td class="status">([^<]+)</td>', page) == ['signed in', 'no code given']
    assert 'mfp-3' not in page and 'AADSTS70016' not in page and 'http-equiv="refresh"' in page
    sheet(statuses, done=True)
    assert 'data-done="true"' in (tmp_path / 'sign-in-all.html').read_text()
    assert not warnings
    # A sheet that cannot be written is said once, and the wait goes on.
    options['report_dir'] = str(tmp_path / 'sign-in-all.html')
    broken = authorization_wait.sign_in_sheet(pending, printers, ended, options, warnings.append, now=NOW)
    broken(statuses)
    broken(statuses)
    assert len(warnings) == 1 and 'could not be written' in warnings[0]
    assert authorization_wait.sign_in_sheet({}, printers, {}, options, warnings.append) is None
