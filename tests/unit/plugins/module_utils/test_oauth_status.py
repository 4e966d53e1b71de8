# -*- coding: utf-8 -*-
"""Status pages read in both markups and languages: statuses, the pending code, token lapses, durations, times."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    PageNotUnderstoodError,
    UnknownStatusError,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_status import (
    failure_reason,
    normalize_status,
    parse_duration,
    parse_time,
    status_from_page,
    token_expiry,
    verification_url,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import Page
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import profile_names, resolve_profile

PROFILES = dict((name, resolve_profile(name)) for name in profile_names())
LABELS = PROFILES['isensys_mf']['labels']
MESSAGES = PROFILES['isensys_mf']['messages']
STATUS_VALUES = PROFILES['isensys_mf']['status_values']

HOST = 'printer-0001'


# --------------------------------------------------------------------------- pages in both markups and languages

def row_markup(markup, rows):
    if markup == 'table':
        return '<table>' + ''.join('<tr><th>%s</th><td>%s</td></tr>' % row for row in rows) + '</table>'
    return ''.join('<dl><dt>%s</dt><dd>%s</dd></dl>' % row for row in rows)


def status_page(profile_name, language, connection, token, pending=False, error=None):
    rows = [(LABELS['connection_status'][language], STATUS_VALUES['connection_status'][connection][language]),
            (LABELS['token_status'][language], STATUS_VALUES['token_status'][token][language])]
    if pending:
        rows += [(LABELS['message'][language],
                  'To sign in, use a web browser to open the page https://microsoft.com/devicelogin. and enter the code ABCD2345'),
                 (LABELS['user_code'][language], 'ABCD2345'),
                 (LABELS['user_code_expires_in'][language], '14 min 59 s')]
    if error:
        rows.append((LABELS['error_details'][language], error))
    body = row_markup(PROFILES[profile_name]['markup'], rows)
    return Page(HOST, '/status', 200, '<html><body>%s</body></html>' % body, PROFILES[profile_name])


@pytest.mark.parametrize('profile_name', sorted(PROFILES))
def test_english_and_french_pages_give_the_same_status(profile_name):
    now = datetime.datetime(2026, 11, 28, 10, 0, 0, tzinfo=datetime.timezone.utc)
    english, french = [status_from_page(status_page(profile_name, language, 'connected', 'authorizing', pending=True), now)
                       for language in (0, 1)]
    assert english == french
    assert english['connection_status'] == 'connected' and english['token_status'] == 'authorizing'
    assert english['authorization'] == {
        'user_code': 'ABCD2345', 'verification_url': 'https://microsoft.com/devicelogin',
        'message': 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin. and enter the code ABCD2345',
        'expires_in': 899, 'expires_at': '2026-11-28T10:14:59Z'}


@pytest.mark.parametrize('kind', sorted(STATUS_VALUES))
def test_every_status_word_of_every_language_is_normalized(kind):
    for normalized, words in STATUS_VALUES[kind].items():
        for word in words:
            assert normalize_status(kind, ' %s ' % word.upper(), HOST, PROFILES['isensys_mf']) == normalized


def test_an_unknown_status_word_lists_the_known_ones():
    with pytest.raises(UnknownStatusError) as error:
        normalize_status('token_status', 'Aktiv', HOST, PROFILES['isensys_mf'])
    message = str(error.value)
    assert message.startswith("printer-0001: unknown token status 'Aktiv'")
    assert "active: 'Active', 'Actif'" in message and "profile 'isensys_mf' may not match" in message


def test_error_details_are_read():
    status = status_from_page(status_page('isensys_mf', 1, 'not_connected', 'inactive', error='Délai dépassé'))
    assert status['error_details'] == 'Délai dépassé' and status['authorization'] is None


def test_a_status_page_without_token_row_is_a_clear_error():
    page = Page(HOST, '/status', 200, row_markup('table', [('Server Connection Status', 'Successfully Connected')]),
                PROFILES['imagerunner_advance'])
    with pytest.raises(PageNotUnderstoodError, match='has no token_status row'):
        status_from_page(page)


def expiry_page(profile_name, language, rows):
    labelled = [(LABELS[name][language], text) for name, text in rows]
    body = row_markup(PROFILES[profile_name]['markup'], labelled)
    return Page(HOST, '/status', 200, '<html><body>%s</body></html>' % body, PROFILES[profile_name])


@pytest.mark.parametrize('profile_name', sorted(PROFILES))
@pytest.mark.parametrize('language', [0, 1])
def test_the_google_testing_lapse_is_counted_on_the_printers_clock(profile_name, language):
    # The printer's clock is a day ahead of the controller's: the days left come from its own clock.
    page = expiry_page(profile_name, language, [
        ('device_time', '2026/11/29 10:00:00'), ('token_refreshed_at', '2026-11-29 09:30 UTC'),
        ('refresh_token_expires_at', '2026-11-30 22:00 UTC')])
    controller_now = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.timezone.utc)
    assert token_expiry(page, 'google', controller_now) == {
        'token_refreshed_at': '2026-11-29T09:30:00Z', 'token_expected_lapse_at': '2026-11-30T22:00:00Z',
        'token_lapse_basis': 'google_testing_7_days', 'token_lapses_in_days': 1.5, 'token_lapse_clock': 'printer',
        'device_time': '2026-11-29T10:00:00Z'}


def test_entra_lapses_90_days_after_the_last_refresh_counted_on_the_controller_without_a_printer_clock():
    page = expiry_page('isensys_mf', 0, [('token_refreshed_at', '2026-11-01 00:00 UTC')])
    now = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.timezone.utc)
    expiry = token_expiry(page, 'microsoft', now)
    assert expiry['token_expected_lapse_at'] == '2027-01-30T00:00:00Z'
    assert (expiry['token_lapse_basis'], expiry['token_lapses_in_days'], expiry['token_lapse_clock']) == (
        'entra_90_days_unused', 62.5, 'controller')


@pytest.mark.parametrize('provider, rows', [
    ('google', [('token_refreshed_at', '2026-11-01 00:00 UTC')]),     # a client in production status
    ('microsoft', []),                                                # no token
    ('microsoft', [('token_refreshed_at', 'yesterday')]),             # not a date the profile knows
])
def test_the_lapse_is_unknown_where_the_printer_does_not_say(provider, rows):
    expiry = token_expiry(expiry_page('isensys_mf', 0, rows), provider)
    assert expiry['token_lapse_basis'] == 'unknown'
    assert expiry['token_expected_lapse_at'] is None and expiry['token_lapses_in_days'] is None


@pytest.mark.parametrize('text, seconds', [('14 min 59 s', 899), ('0 min 5 s', 5), ('3 min', 180), ('45 s', 45),
                                           ('15min0s', 900), ('soon', None), ('', None)])
def test_durations(text, seconds):
    assert parse_duration(text, PROFILES['isensys_mf']['duration_pattern']) == seconds


def test_verification_url_comes_from_the_message():
    assert verification_url('Ouvrez https://microsoft.com/devicelogin, puis entrez le code.') == \
        'https://microsoft.com/devicelogin'
    assert verification_url('no link') is None


@pytest.mark.parametrize('details, reason', [
    ('AADSTS70019: Verification code expired.', 'code_expired'),
    ('Le code utilisateur a expiré.', 'code_expired'),
    ('authorization_declined: the user declined', 'declined'),
    (MESSAGES['code_rejected'][1], 'code_rejected'),
    ('invalid_grant', 'code_rejected'),
    ('something else', None),
])
def test_failure_reasons(details, reason):
    assert failure_reason(details, PROFILES['isensys_mf']) == reason


@pytest.mark.parametrize('text, time_format', [
    ('2026-11-28 17:05', '%Y-%m-%d %H:%M'),
    ('28/11/2026 17:05:09', '%d/%m/%Y %H:%M:%S'),
    ('2026.1.2 3:04', '%Y.%m.%d %H:%M'),
    ('Nov 28 2026 17:05', '%b %d %Y %H:%M'),
])
def test_device_times_parse_as_strptime_does(text, time_format):
    assert parse_time(text, time_format) == datetime.datetime.strptime(text, time_format)


@pytest.mark.parametrize('text, time_format', [('2026-11-28', '%Y-%m-%d %H:%M'), ('2026-13-01 00:00', '%Y-%m-%d %H:%M'),
                                               ('x', '%b %d %Y')])
def test_a_device_time_that_does_not_match_is_refused(text, time_format):
    with pytest.raises(ValueError):
        parse_time(text, time_format)
