# -*- coding: utf-8 -*-
"""Google codes as people paste them: checked and matched before any reaches a printer."""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.google_codes import (
    UnusableCode,
    codes_from_variable,
    match_codes,
    parse_code,
)

CODE = '4/0AeanS0aBcDeFgHiJkLmNoPqRsTuVwXyZ_0123456789-abcdefghij'
REDIRECT = 'http://127.0.0.1/oauth2callback?code=%s&scope=https://mail.google.com/' % CODE
ROWS = [{'host': 'mfp-a', 'open': 'https://accounts.google.com/o/oauth2/v2/auth?client_id=a'},
        {'host': 'mfp-b', 'open': 'https://accounts.google.com/o/oauth2/v2/auth?client_id=b&state=s-b'}]


@pytest.mark.parametrize('text', [CODE, ' %s\n' % CODE, CODE.replace('/', '%2F'), REDIRECT,
                                  REDIRECT.replace('code=4/', 'code=4%2F')])
def test_code_encoded_code_and_address_give_the_same_code(text):
    assert parse_code(text) == (CODE, None)


def test_state_of_the_address_is_kept():
    assert parse_code(REDIRECT + '&state=s-b') == (CODE, 's-b')


@pytest.mark.parametrize('text, reason', [
    ('', 'no code'),
    ('http://127.0.0.1/oauth2callback?error=access_denied', 'not allowed'),
    ('http://127.0.0.1/oauth2callback?scope=x', 'no code='),
    ('4/0A" onclick', 'not an authorization code'),
    ('yes', 'not an authorization code'),
])
def test_unusable_input_is_refused_with_a_reason(text, reason):
    with pytest.raises(UnusableCode, match=reason):
        parse_code(text)


def test_one_answer_gives_every_printer_its_code_in_table_order():
    other = CODE.replace('abc', 'xyz')
    codes, problems, ignored = match_codes('%s\n%s' % (CODE, other), ROWS)
    assert (codes, problems, ignored) == ({'mfp-a': CODE, 'mfp-b': other}, {}, 0)


def test_the_state_of_an_address_wins_over_the_order():
    other = CODE.replace('abc', 'xyz')
    codes, problems, ignored = match_codes('%s&state=s-b %s' % (REDIRECT, other), ROWS)
    assert codes == {'mfp-b': CODE, 'mfp-a': other} and not problems and not ignored


def test_an_unusable_entry_costs_only_its_printer():
    codes, problems, ignored = match_codes('nonsense %s extra-%s' % (CODE, CODE[:20]), ROWS)
    assert codes == {'mfp-b': CODE}
    assert 'entry 1' in problems['mfp-a'] and 'nonsense' not in problems['mfp-a']
    assert ignored == 1


def test_the_variable_is_parsed_the_same_way():
    codes, problems = codes_from_variable({'mfp-a': REDIRECT, 'mfp-b': REDIRECT + '&state=other'}, ROWS)
    assert codes == {'mfp-a': CODE}
    assert 'cloudmail_google_authorization_codes[mfp-b]' in problems['mfp-b']


# What people paste: cut off after the code or before the "&", with "code=" in front, in quotes, wrapped.
@pytest.mark.parametrize('text', [
    'http://127.0.0.1/oauth2callback?code=%s' % CODE,                 # the address cut off after the code
    '127.0.0.1/oauth2callback?code=%s&sco' % CODE,                    # no scheme, cut off inside the next parameter
    'code=%s&scope=https://mail.google.com/' % CODE,                  # from "code=" on
    '%s&scope=https://mail.google.com/' % CODE,                       # the code with what follows it
    '"%s"' % CODE, "'%s'" % REDIRECT, '<%s>' % REDIRECT, '\u201c%s\u201d' % CODE,
    '%s %s' % (CODE[:30], CODE[30:]),                                 # broken by a space where the terminal wrapped
    '%s  %s' % (REDIRECT[:50], REDIRECT[50:]),
])
def test_what_people_paste_gives_the_code(text):
    assert parse_code(text)[0] == CODE


def test_a_wrapped_line_is_one_entry_and_several_entries_stay_apart():
    from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.google_codes import answer_entries
    assert answer_entries('%s %s' % (CODE[:30], CODE[30:])) == [CODE]
    assert answer_entries('%s %s\n%s' % (CODE, REDIRECT, CODE)) == [CODE, REDIRECT, CODE]
    codes, problems, _ignored = match_codes('%s %s' % (REDIRECT[:60], REDIRECT[60:]), ROWS[:1])
    assert codes == {'mfp-a': CODE} and not problems
