# -*- coding: utf-8 -*-
"""The fleet report: one state and next action per printer, problems first, run metadata,
untrusted device text neutralized in CSV and escaped in HTML, changed only on new rows, merge."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    CertificateError,
    DeviceUnreachableError,
    LockedOutError,
    LoginRejectedError,
    PageNotUnderstoodError,
    TransportLimitError,
    profile_hint,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils import mail_tasks, oauth_tasks
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import TaskFailed
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import report_files, report_rows, report_states
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_files import (
    collection_version,
    csv_cell,
    merge_reports,
    render_csv,
    render_html,
    report_document,
    run_metadata,
    summary_lines,
    write_report,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_rows import Column, build_row, fact_field
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_states import STATES, advice

VARIABLES = {'cloudmail_provider': 'microsoft', 'cloudmail_profile': 'isensys_mf', 'cloudmail_host': '10.0.0.5',
             'cloudmail_microsoft_tenant': 'contoso.onmicrosoft.com'}
AUTHORITY = 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0'
GOOGLE = {'cloudmail_provider': 'google', 'cloudmail_profile': 'isensys_mf', 'cloudmail_host': '10.0.0.6',
          'cloudmail_google_client_id': 'id-1.apps.googleusercontent.com'}


def status(token, connection='connected', error=None, enabled=True, authority=AUTHORITY, provider='microsoft',
           client_id='id-1.apps.googleusercontent.com'):
    settings = {'enabled': enabled}
    settings.update({'authority_url': authority} if provider == 'microsoft' else {'client_id': client_id})
    return {'changed': False, 'providers': {provider: {
        'settings': settings, 'connection_status': connection, 'token_status': token, 'error_details': error}}}


def lapsing(days):
    result = status('active', provider='google')
    result['providers']['google'].update(
        token_refreshed_at='2026-11-28T09:00:00Z', token_expected_lapse_at='2026-11-29T14:00:00Z',
        token_lapse_basis='google_testing_7_days', token_lapses_in_days=days, token_lapse_clock='printer')
    return result


def skewed(result, seconds, read_at=1796000000.0):
    """A status read at ``read_at`` from a printer whose clock is ``seconds`` ahead."""
    shown = datetime.datetime.fromtimestamp(read_at + seconds, datetime.timezone.utc)
    for provider_status in result['providers'].values():
        provider_status['device_time'] = shown.strftime('%Y-%m-%dT%H:%M:%SZ')
    return dict(result, read_at=read_at)


# The step a failed per-host task's result carries (record_error.yml records it): the device modules' own
# (module_utils DeviceModule), validate_inventory's and the pre-flight's; a task of the operator's own has none.
CARRIED_STEPS = dict(('printfleet.cloudmail.' + name, module.step) for name, module in (
    ('oauth_settings', oauth_tasks.SETTINGS), ('oauth_info', oauth_tasks.INFO), ('oauth_authorize', oauth_tasks.AUTHORIZE),
    ('smtp_settings', mail_tasks.SMTP_SETTINGS), ('mail_test', mail_tasks.MAIL_TEST)))
CARRIED_STEPS.update({'printfleet.cloudmail.validate_inventory': 'validate', 'printfleet.cloudmail.preflight': 'preflight'})


def failure(message, action='ansible.builtin.fail', reason=''):
    return {'message': message, 'reason': reason, 'step': CARRIED_STEPS.get(action, '')}


def device_failure(error, action, prefix=''):
    """What a per-host module's failure brings to the report for a device error: its message and the reason of
    its class (TaskFailed.from_error puts it in the result, record_error.yml keeps it), never one read from words."""
    failed = TaskFailed.from_error(error)
    return failure(prefix + failed.msg, action, failed.result['reason'])


# Each state, the situation that leads to it, and the playbook its advice must name. The push
# failure case is the one that once advised reauthorize.yml, which cannot fix it.
CASES = {
    'ok': (VARIABLES, status('active'), None, None, 'none'),
    'invalid_inventory': (VARIABLES, {}, failure(
        "Check the printer's variables against the schema: mfp: cloudmail_port: 70000 is greater than the maximum",
        'printfleet.cloudmail.validate_inventory'), None, 'rollout.yml'),
    'preflight_failed': (VARIABLES, {}, failure('Run the pre-flight: mfp: pre-flight failed: the tenant contoso.com '
                                                'did not answer to OpenID discovery', 'printfleet.cloudmail.preflight',
                                                'check_failed'), None, 'rollout.yml'),
    'wrong_password': (VARIABLES, {}, device_failure(LoginRejectedError(
        'mfp', "login refused for user 'admin': wrong user name or password. Not retried"),
        'printfleet.cloudmail.oauth_settings', "Push the OAuth settings of the printer's provider: "), None,
        'rollout.yml'),
    'locked_out': (VARIABLES, {}, device_failure(LockedOutError(
        'mfp', 'the device refuses logins after repeated failed attempts; not retried.'),
        'printfleet.cloudmail.oauth_info', 'Read: '), None, 'rollout.yml'),
    'login_paused': (VARIABLES, {}, failure(
        "Read: mfp: no password posted: 3 failed or unconfirmed login(s) of user 'admin' are recorded on this printer",
        'printfleet.cloudmail.oauth_info', 'login_paused'), None, 'status.yml'),
    'login_unconfirmed': (VARIABLES, {}, failure(
        "Read: mfp: the login at /login was answered with HTTP 200, which the profile 'x' knows neither as a success "
        'nor as a refusal; the device says: "Benutzer-ID oder Passwort falsch."', 'printfleet.cloudmail.oauth_info',
        'login_unconfirmed'), None, 'status.yml'),
    'session_held': (VARIABLES, {}, failure(
        'Read: mfp: the printer still holds every administrator session it allows (POST /login: the device says '
        '"Another administrator is logged in.")', 'printfleet.cloudmail.oauth_info', 'session_limit'), None,
        'status.yml'),
    'certificate_rejected': (VARIABLES, {}, device_failure(CertificateError(
        'mfp', 'the TLS certificate of https://mfp:443 was not accepted (self-signed)'),
        'printfleet.cloudmail.oauth_settings', 'Push: '), None, 'rollout.yml'),
    'profile_mismatch': (VARIABLES, {}, device_failure(PageNotUnderstoodError(
        'mfp', 'login at /login answered HTTP 200 without a cookie; %s' % profile_hint('x')),
        'printfleet.cloudmail.oauth_info', 'Read: '), None, 'rollout.yml'),
    'settings_failed': (VARIABLES, status('inactive'), failure(
        "Push the OAuth settings of the printer's provider: mfp: the device rejected the form: invalid tenant",
        'printfleet.cloudmail.oauth_settings'), None, 'rollout.yml'),
    'unreachable': (VARIABLES, status('inactive'), device_failure(DeviceUnreachableError(
        'mfp', 'gave up on POST /oauth after 4 attempts: connection refused (port 443)'),
        'printfleet.cloudmail.oauth_settings', 'Push: '), None, 'rollout.yml'),
    'unreachable_read': (VARIABLES, {}, device_failure(DeviceUnreachableError(
        'mfp', 'gave up on GET /status after 4 attempts: connection refused'),
        'printfleet.cloudmail.oauth_info', 'Read the connection and token status: '), None, 'status.yml'),
    'not_connected': (VARIABLES, status('inactive', 'not_connected'), None, None, 'rollout.yml'),
    'not_configured': (VARIABLES, status('inactive', enabled=False), None, None, 'rollout.yml'),
    # The fleet step's own reason (fleet_rollout: a Google printer without a code).
    'code_missing': (GOOGLE, status('inactive', provider='google'), failure(
        'No authorization code for mfp: open its authorization URL', '', 'missing_code'), None, 'reauthorize.yml'),
    'authorization_failed': (GOOGLE, status('error', provider='google'), failure(
        'Wait until the printer token is active: mfp: the device rejected the authorization code',
        'printfleet.cloudmail.oauth_authorize', 'code_rejected'), None, 'reauthorize.yml'),
    'authorization_timeout': (VARIABLES, status('authorizing'), failure(
        'Wait: mfp: no active token yet', 'printfleet.cloudmail.oauth_authorize', 'timeout'), None, 'reauthorize.yml'),
    'authorizing': (VARIABLES, status('authorizing'), None, None, 'reauthorize.yml'),
    'token_inactive': (VARIABLES, status('inactive'), None, None, 'reauthorize.yml'),
    'token_expired': (VARIABLES, status('expired'), None, None, 'reauthorize.yml'),
    'token_error': (VARIABLES, status('error', error='AADSTS50173'), None, None, 'reauthorize.yml'),
    'step_failed': (VARIABLES, status('inactive'), failure('Apply something: it broke'), None, 'rollout.yml'),
    'read_failed': (VARIABLES, {'failed': True, 'msg': 'boom'}, None, None, 'status.yml'),
    'status_unknown': (VARIABLES, status('unknown', 'unknown'), None, None, 'status.yml'),
    'settings_outdated': (VARIABLES, status('active', authority=AUTHORITY.replace('contoso', 'old')), None, None,
                          'rollout.yml'),
    'mail_test_rejected': (VARIABLES, status('active'), failure(
        'mfp: the test e-mail was rejected (550 5.7.30 Basic authentication is not supported). The printer still '
        'sends a password', 'printfleet.cloudmail.mail_test', 'basic_auth_refused'), None, 'rollout.yml'),
    'token_lapsing': (dict(GOOGLE, cloudmail_expiry_horizon_days='2'), lapsing(1.2), None, None, 'reauthorize.yml'),
    # The printer's clock an hour ahead: its token shows inactive, yet a new sign-in would not last.
    'clock_skew': (VARIABLES, skewed(status('inactive'), 3600), None, None, 'rollout.yml'),
    # rollback.yml's intended end: OAuth off, no action needed (the case is built with intended='absent').
    'rolled_back': (VARIABLES, status('inactive', enabled=False), None, None, 'rollout.yml'),
}
INTENDED = {'rolled_back': 'absent'}


def test_every_state_has_a_case():
    assert sorted(CASES) == sorted(STATES)


@pytest.mark.parametrize('state', sorted(CASES))
def test_state_and_its_next_action(state):
    variables, result, failed, facts, playbook = CASES[state]
    row = build_row('mfp', variables, result, failed, facts, intended=INTENDED.get(state))
    assert row['state'] == state
    assert row['next_action'] == advice(state) == STATES[state].next_action
    assert playbook in row['next_action']
    # Only the one playbook that works is named.
    others = {'rollout.yml', 'reauthorize.yml', 'status.yml'} - {playbook}
    assert not any(other in row['next_action'] for other in others)


@pytest.mark.parametrize('horizon, days, state', [
    (None, 1.2, 'ok'), (0, 0.5, 'ok'), ('2', 2.0, 'token_lapsing'), (2, 2.01, 'ok'), (7.5, -1, 'token_lapsing')])
def test_a_token_lapsing_within_the_horizon_needs_a_new_sign_in(horizon, days, state):
    row = build_row('mfp', dict(GOOGLE, cloudmail_expiry_horizon_days=horizon), lapsing(days))
    assert row['state'] == state
    assert (row['token_expected_lapse_at'], row['token_lapse_basis']) == ('2026-11-29T14:00:00Z', 'google_testing_7_days')
    header = render_csv(report_document([row], 'all')).splitlines()[0]
    assert 'token_expected_lapse_at' in header and 'token_lapse_basis' in header


def test_moving_expiry_times_and_the_send_test_alone_change_no_report(tmp_path):
    write_report(str(tmp_path), 'all', [build_row('mfp', GOOGLE, lapsing(3.5))])
    later = lapsing(3.4)
    later['providers']['google']['token_refreshed_at'] = '2026-11-28T10:00:00Z'
    tested = build_row('mfp', GOOGLE, later, None, {'printer_mail_test': {'result': 'sent'}})
    assert write_report(str(tmp_path), 'all', [tested])[2] is False
    assert write_report(str(tmp_path), 'all', [build_row('mfp', GOOGLE, status('expired', provider='google'))])[2]


def test_the_send_test_column():
    rows = [build_row(name, VARIABLES, status('active'), None, {'printer_mail_test': outcome})
            for name, outcome in (('a', {'result': 'sent', 'server_reply': '250 2.0.0 OK'}),
                                  ('b', {'result': 'rejected', 'server_reply': '550 5.7.30 Basic authentication'}),
                                  ('c', {'result': 'not_tried', 'server_reply': None}),
                                  ('d', {'failed': True, 'msg': 'gave up'}))]
    assert [row['mail_test'] for row in rows] == [
        'sent', 'rejected: 550 5.7.30 Basic authentication', 'not tried', 'not tried']
    assert 'mail_test' not in build_row('e', VARIABLES, status('active'))
    assert render_csv(report_document(rows, 'all')).splitlines()[0].endswith(',mail_test')


def test_a_failed_push_is_never_sent_to_reauthorize_even_when_the_token_reads_inactive():
    row = build_row('mfp', VARIABLES, status('inactive'), CASES['settings_failed'][2])
    assert row['state'] == 'settings_failed' and 'reauthorize.yml' not in row['next_action']


def test_an_authorization_that_failed_on_a_printer_without_settings_sends_to_rollout():
    row = build_row('mfp', VARIABLES, status('inactive', enabled=False), failure(
        'Ask the printer for a sign-in: mfp: OAuth is off', 'printfleet.cloudmail.oauth_authorize'))
    assert (row['state'], row['next_action']) == ('not_configured', advice('not_configured'))


def test_a_printer_that_fails_the_pre_flight_login_gets_the_state_of_its_cause():
    # No pre-flight check failed: the printer did not answer, or refused the login, when the pre-flight
    # logged in to read its clock. Its next action is the one for that cause, not "fix the pre-flight check".
    preflight = 'printfleet.cloudmail.preflight'
    offline = device_failure(DeviceUnreachableError(
        'mfp', 'gave up on GET /login after 2 attempts: connection refused; nothing was written to the printer'),
        preflight, 'Check the printer: ')
    refused = device_failure(LoginRejectedError(
        'mfp', "login refused for user 'admin': wrong user name or password; nothing was written to the printer"),
        preflight, 'Check the printer: ')
    assert build_row('mfp', VARIABLES, {}, offline)['state'] == 'unreachable'
    assert build_row('mfp', VARIABLES, {}, refused)['state'] == 'wrong_password'


@pytest.mark.parametrize('message, limit', [
    ('GET /portal_top.html at port 8443: no complete answer within the deadline of 5 s per request '
     '(cloudmail_timeout): the answer was still incomplete when they were over; not repeated', 'deadline'),
    ('GET /login at port 8443: the answer exceeds the size limit of 2097152 bytes (more than 2097152 '
     'bytes were sent); a Remote UI page is far smaller', 'size'),
    ("GET /login at port 8443 redirects to another host (203.0.113.9:443); not followed", 'redirect'),
    ('the task budget of 180 s for this printer (port 8443) is used up: the device answered too slowly or not at '
     'all', 'task_budget'),
])
def test_a_printer_that_breaks_the_transport_limits_is_sent_to_check_where_it_is(message, limit):
    # The first contact is the pre-flight's login: its advice must not be "fix the pre-flight check".
    for action, state in (('printfleet.cloudmail.preflight', 'unreachable'),
                          ('printfleet.cloudmail.oauth_settings', 'unreachable'),
                          ('printfleet.cloudmail.oauth_info', 'unreachable_read')):
        error = TransportLimitError('mfp (127.1.0.1)', message + '; nothing was written to the printer', limit)
        row = build_row('mfp', VARIABLES, {}, device_failure(error, action))
        assert row['state'] == state
        assert 'cloudmail_host and cloudmail_port' in row['next_action']


def test_advice_names_the_inventory_variable_to_fix():
    assert 'cloudmail_password' in advice('wrong_password')
    assert 'cloudmail_ca_path' in advice('certificate_rejected')
    assert 'cloudmail_profile' in advice('profile_mismatch')
    assert 'cloudmail_host' in advice('unreachable') and 'cloudmail_port' in advice('unreachable')
    assert 'cloudmail_google_authorization_codes' in advice('code_missing')


def test_preflight_column_and_state():
    checks = [{'name': 'tenant', 'ok': False, 'message': 'cloudmail_microsoft_tenant: contoso.com is not a tenant'},
              {'name': 'clock', 'ok': True, 'message': 'within 3 s'}]
    row = build_row('mfp', VARIABLES, {}, None, {'printer_preflight': checks})
    assert row['state'] == 'preflight_failed'
    assert row['preflight'] == 'failed: tenant: cloudmail_microsoft_tenant: contoso.com is not a tenant'
    passed = build_row('mfp', VARIABLES, status('active'), None, {'printer_preflight': checks[1:]})
    assert (passed['state'], passed['preflight']) == ('ok', 'ok (1 checks)')
    # The column appears only when a printer has a pre-flight result.
    assert 'preflight' not in render_csv(report_document([build_row('a', VARIABLES, status('active'))], 'all'))
    assert render_csv(report_document([passed], 'all')).splitlines()[0].endswith(',preflight')


def test_a_new_fact_column_is_one_line(monkeypatch):
    probe = Column('ui_language', 'UI language', 'printer_probe', fact_field('ui_language'))
    monkeypatch.setattr(report_rows, 'FACT_COLUMNS', report_rows.FACT_COLUMNS + (probe,))
    row = build_row('mfp', VARIABLES, status('active'), None, {'printer_probe': {'ui_language': 'fr'}},
                    fact_columns=report_rows.FACT_COLUMNS)
    document = report_document([row], 'all')
    assert list(csv.DictReader(io.StringIO(render_csv(document))))[0]['ui_language'] == 'fr'
    assert '<th>UI language</th>' in render_html(document)


def test_secrets_are_scrubbed():
    row = build_row('x', VARIABLES, status('error', error='login as admin / S3cret-pw failed'), secrets=['S3cret-pw'])
    assert 'S3cret-pw' not in json.dumps(row)


HOSTILE = '=HYPERLINK("https://x","Click to fix") <script>alert(1)</script>'


@pytest.mark.parametrize('text', ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '  =1', '\uff1d1', '\r=1'])
def test_csv_cells_that_start_a_formula_are_neutralized(text):
    assert csv_cell(text).startswith("'")


def test_device_text_is_neutralized_in_csv_escaped_in_html_and_raw_in_json():
    rows = [build_row('mfp', VARIABLES, status('error', error=HOSTILE)),
            build_row('<img src=x onerror=alert(1)>', VARIABLES, status('error', error='\x1b[31mred\u202e'))]
    document = report_document(rows, 'all')
    cells = [row['last_error'] for row in csv.DictReader(io.StringIO(render_csv(document)))]
    assert "'" + HOSTILE in cells
    assert not any(cell.lstrip().startswith(('=', '+', '-', '@')) for cell in cells)
    page = render_html(document)
    assert '<script>' not in page and '<img' not in page
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page and '&lt;img src=x onerror=alert(1)&gt;' in page
    assert '\x1b' not in page and '\u202e' not in page
    # JSON is data: the text stays as the device gave it.
    parsed = json.loads(report_files.render_json(document))
    assert {row['host']: row['last_error'] for row in parsed['printers']}['mfp'] == HOSTILE


def test_problems_come_first_then_host():
    rows = [build_row(host, VARIABLES, result) for host, result in (
        ('a-ok', status('active')), ('b-expired', status('expired')), ('c-unread', {}),
        ('d-ok', status('active')), ('e-not-configured', status('inactive', enabled=False)))]
    document = report_document(rows, 'all')
    assert [row['host'] for row in document['printers']] == ['c-unread', 'b-expired', 'e-not-configured', 'a-ok', 'd-ok']
    assert document['summary']['need_action_hosts'] == ['c-unread', 'b-expired', 'e-not-configured']
    lines = summary_lines(document, {'html': 'r.html', 'csv': 'r.csv', 'json': 'r.json'})
    assert lines[0].endswith('by state: read_failed 1, not_configured 1, token_expired 1, ok 2')
    assert lines[1] == 'c-unread: read_failed -> ' + advice('read_failed')
    assert lines[-3:] == ['HTML report: r.html', 'CSV report: r.csv', 'JSON report: r.json']


def test_run_metadata_and_collection_version(tmp_path):
    moment = datetime.datetime(2026, 11, 28, 14, 5, 6, 789, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert run_metadata(['/inv/prod.yml'], '1.2.3', now=moment) == {
        'generated_at': '2026-11-28T13:05:06Z', 'inventory_sources': ['/inv/prod.yml'], 'collection_version': '1.2.3'}
    (tmp_path / 'galaxy.yml').write_text('namespace: printfleet\nversion: 0.3.0\n')
    assert collection_version(str(tmp_path)) == '0.3.0'
    (tmp_path / 'MANIFEST.json').write_text(json.dumps({'collection_info': {'version': '0.4.0'}}))
    assert collection_version(str(tmp_path)) == '0.4.0'
    assert collection_version() != 'unknown'


def test_files_carry_the_run_and_change_only_with_new_rows(tmp_path):
    rows = [build_row(host, VARIABLES, status('active')) for host in ('mfp-b', 'mfp-a')]
    metadata = run_metadata(['inventory.yml'], '0.1.0')
    document, paths, changed = write_report(str(tmp_path), 'all', rows, metadata)
    assert changed
    assert [row['host'] for row in document['printers']] == ['mfp-a', 'mfp-b']
    written = json.loads(open(paths['json']).read())
    assert (written['generated_at'], written['inventory_sources'], written['collection_version']) == (
        metadata['generated_at'], ['inventory.yml'], '0.1.0')
    page = open(paths['html']).read()
    assert metadata['generated_at'] in page and 'inventory.yml' in page and '0.1.0' in page
    later = run_metadata(['inventory.yml'], '0.1.0', now=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc))
    assert write_report(str(tmp_path), 'all', list(reversed(rows)), later)[2] is False
    assert '2030-01-01T00:00:00Z' in open(paths['html']).read()
    rows[0] = build_row('mfp-b', VARIABLES, status('expired'))
    assert write_report(str(tmp_path), 'all', rows, later)[2] is True
    assert open(paths['csv']).read().splitlines()[0] == (
        'host,state,next_action,last_error,address,provider,profile,connection_status,token_status,oauth')


def test_merge_joins_slices(tmp_path):
    write_report(str(tmp_path), 'job1', [build_row('mfp-a', VARIABLES, status('active'))], run_metadata(['inv1']))
    write_report(str(tmp_path), 'job2', [build_row('mfp-b', VARIABLES, status('inactive'))], run_metadata(['inv2']))
    document, paths, changed, sources = merge_reports(str(tmp_path))
    assert sources == ['fleet-report-job1.json', 'fleet-report-job2.json']
    assert [row['host'] for row in document['printers']] == ['mfp-b', 'mfp-a']
    assert document['summary']['by_state'] == {'ok': 1, 'token_inactive': 1}
    assert document['inventory_sources'] == ['inv1', 'inv2']
    assert merge_reports(str(tmp_path))[2] is False


def test_the_user_guide_lists_every_state_with_its_next_action():
    from pathlib import Path
    guide = (Path(__file__).resolve().parents[4] / 'docs' / 'user-guide.md').read_text(encoding='utf-8')
    for state, entry in STATES.items():
        assert '| `%s` | %s |' % (state, entry.severity) in guide
        assert '| %s |' % entry.next_action in guide


# The state comes from the reason the exception class carries, not from the message's words.
@pytest.mark.parametrize('action, reason, message, state', [
    # status.yml: the login form does not hold the profile's fields
    ('printfleet.cloudmail.oauth_info', 'profile_mismatch', 'mfp: profile mismatch: the login form at /login has no '
     "field 'deptid'", 'profile_mismatch'),
    # an exhausted task budget is a printer that does not answer in time, for a read and for a push
    ('printfleet.cloudmail.oauth_info', 'unreachable', 'mfp: the task budget of 180 s for this printer (port 443) is '
     'used up', 'unreachable_read'),
    ('printfleet.cloudmail.oauth_settings', 'unreachable', 'mfp: the task budget of 180 s for this printer is used up',
     'unreachable'),
    # a message that reads like another cause does not override the class's reason
    ('printfleet.cloudmail.oauth_settings', 'wrong_password', 'mfp: connection refused? no: login refused',
     'wrong_password'),
    ('printfleet.cloudmail.oauth_authorize', 'clock_skew', "mfp: the printer's clock is 3600 s ahead", 'clock_skew'),
    ('printfleet.cloudmail.mail_test', 'token_inactive', 'mfp: the test e-mail was failed (The OAuth 2.0 token is not '
     'active. Authorize again.)', 'token_inactive'),
    # a reason without a state of its own: the step's
    ('printfleet.cloudmail.oauth_settings', 'write_rejected', 'mfp: the device rejected the form', 'settings_failed'),
])
def test_failure_state_from_the_carried_reason(action, reason, message, state):
    assert report_states.failure_state(reason, CARRIED_STEPS[action]) == state
    # The row keeps the message as its last error; the words in it decide nothing.
    row = build_row('mfp', VARIABLES, {}, failure(message, action, reason))
    assert (row['state'], row['last_error']) == (state, message)


def test_the_mail_test_token_message_after_a_rollback_asks_for_rollout():
    off = failure('mfp: the test e-mail was failed (The OAuth 2.0 token is not active.)',
                  'printfleet.cloudmail.mail_test', 'token_inactive')
    assert build_row('mfp', VARIABLES, status('inactive', enabled=False), off)['state'] == 'not_configured'
    assert build_row('mfp', VARIABLES, status('inactive'), off)['state'] == 'token_inactive'


def test_a_clock_within_the_tolerance_is_no_skew():
    assert build_row('mfp', VARIABLES, skewed(status('active'), 120))['state'] == 'ok'
    row = build_row('mfp', dict(VARIABLES, cloudmail_clock_tolerance=60), skewed(status('active'), 120))
    assert row['state'] == 'clock_skew' and 'cloudmail_clock_tolerance (60 s)' in row['last_error']
    assert row['severity'] == 'blocked' and 'rollout.yml' in row['next_action']


def test_a_limited_run_keeps_the_other_rows_as_last_read(tmp_path):
    earlier = run_metadata(['inv'], now=datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc))
    rows = [build_row(host, VARIABLES, status('active')) for host in ('mfp-a', 'mfp-b', 'mfp-c')]
    write_report(str(tmp_path), 'all', rows, earlier)
    previous = report_files.previous_rows(str(tmp_path), 'all')
    assert previous['mfp-b']['read_at'] == '2026-11-01T00:00:00Z'

    now = run_metadata(['inv'])
    merged, kept = report_rows.merged_rows([build_row('mfp-b', VARIABLES, status('expired'))], previous,
                                           ['mfp-a', 'mfp-b'], now['generated_at'])
    # mfp-c left the inventory: its row is dropped; mfp-a was not read: kept as it was.
    assert kept == ['mfp-a']
    by_host = {row['host']: row for row in merged}
    assert sorted(by_host) == ['mfp-a', 'mfp-b']
    assert (by_host['mfp-b']['state'], by_host['mfp-b']['read_at']) == ('token_expired', now['generated_at'])
    assert (by_host['mfp-a']['state'], by_host['mfp-a']['read_at']) == ('ok', '2026-11-01T00:00:00Z')
    document = write_report(str(tmp_path), 'all', merged, now)[0]
    lines = summary_lines(document, report_files.report_paths(str(tmp_path), 'all'), kept)
    assert any('read 1 printer(s)' in line and 'keeps the rows of the 1 other' in line for line in lines)
    assert 'read_at' in render_csv(document).splitlines()[0]


def test_a_rolled_back_printer_stays_so_while_oauth_stays_off():
    rolled = build_row('mfp', VARIABLES, status('inactive', enabled=False), intended='absent')
    assert (rolled['state'], rolled['severity']) == ('rolled_back', 'ok')
    later = build_row('mfp', VARIABLES, status('inactive', enabled=False))
    assert later['state'] == 'not_configured'
    assert report_rows.carried_state(later, rolled)['state'] == 'rolled_back'
    # turned on again by hand (or by another tool): the printer is no longer rolled back
    on_again = build_row('mfp', VARIABLES, status('inactive'))
    assert report_rows.carried_state(on_again, rolled)['state'] == 'token_inactive'
    assert report_rows.summarize([rolled])['need_action'] == 0


def test_a_failure_of_this_run_is_not_covered_by_an_earlier_rollback():
    rolled = build_row('mfp', VARIABLES, status('inactive', enabled=False), intended='absent')
    failed = build_row('mfp', VARIABLES, status('inactive', enabled=False), failure(
        'mfp: the test e-mail was failed (The OAuth 2.0 token is not active.)', 'printfleet.cloudmail.mail_test',
        'token_inactive'))
    rows = report_rows.merged_rows([failed], {'mfp': rolled}, ['mfp'], 'now', failed={'mfp'})[0]
    assert rows[0]['state'] == 'not_configured'


@pytest.mark.parametrize('action, state', [
    ('printfleet.cloudmail.oauth_settings', 'settings_failed'),
    ('printfleet.cloudmail.oauth_info', 'read_failed'),
    ('ansible.builtin.fail', 'step_failed'),
])
@pytest.mark.parametrize('message', [
    'mfp: gave up on GET /login: connection refused', "mfp: login refused for user 'admin'",
    'mfp: the TLS certificate was not accepted', 'mfp: the task budget of 180 s is used up',
    'No authorization code for mfp', 'mfp: the profile may not match this firmware',
    'Nothing was written to mfp: the variables of mfp-2 are invalid',
])
def test_a_failure_without_a_reason_gets_the_state_of_its_step_whatever_its_words(action, state, message):
    # A task of the operator's own, or a module's bad arguments: no class, so no reason to read words for.
    row = build_row('mfp', VARIABLES, {}, failure(message, action))
    assert (row['state'], row['last_error']) == (state, message)
