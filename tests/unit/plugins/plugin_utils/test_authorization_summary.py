# -*- coding: utf-8 -*-
"""The single table of sign-ins and the interactive decision."""

from __future__ import annotations

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.authorization_summary import (
    operator_text,
    pending_row,
    render_table,
    resolve_interactive,
)


def test_table_has_one_sorted_line_per_printer():
    rows = [pending_row('mfp-b', 'google', {'authorization_url': 'https://accounts.google.com/o/oauth2/v2/auth?x=1'}),
            pending_row('mfp-a', 'microsoft', {'user_code': 'ABCD1234', 'verification_url':
                                               'https://microsoft.com/devicelogin', 'expires_at': '2026-01-01T10:15:00Z'})]
    lines = render_table(rows)
    assert lines[0].split()[:2] == ['HOST', 'PROVIDER']
    assert lines[1].split() == ['mfp-a', 'microsoft', 'ABCD1234', '2026-01-01T10:15:00Z', 'https://microsoft.com/devicelogin']
    assert lines[2].split() == ['mfp-b', 'google', 'https://accounts.google.com/o/oauth2/v2/auth?x=1']


def test_text_says_what_the_play_waits_for():
    rows = [pending_row('mfp-a', 'google', {'authorization_url': 'https://accounts.google.com/x'})]
    assert any('cloudmail_google_authorization_codes' in line for line in operator_text(rows, False, 900))
    assert any('all in one prompt' in line for line in operator_text(rows, True, 900))
    microsoft = [pending_row('mfp-b', 'microsoft', {'user_code': 'ABCD1234'})]
    assert any('cloudmail_authorization_timeout' in line and 'reauthorize.yml' in line
               for line in operator_text(microsoft, False, 900))


def test_interactive_decision():
    assert resolve_interactive(True, {}) is True
    assert resolve_interactive('false', {}) is False
    assert resolve_interactive('auto', {}, has_terminal=lambda: True, environ={}) is True
    assert resolve_interactive('auto', {'awx_job_id': 42}, has_terminal=lambda: True, environ={}) is False
    assert resolve_interactive('auto', {}, has_terminal=lambda: False, environ={}) is False


def terminal():
    """ansible-runner and CI runners give the play a pseudo-terminal."""
    return True


def test_a_terminal_without_a_person_is_recognized_from_the_environment():
    assert resolve_interactive('auto', {}, has_terminal=terminal, environ={'CI': 'true'}) is False
    assert resolve_interactive('auto', {}, has_terminal=terminal,
                               environ={'ANSIBLE_STDOUT_CALLBACK': 'awx_display'}) is False
    assert resolve_interactive('auto', {}, has_terminal=terminal, environ={'AWX_ISOLATED_DATA_DIR': '/x'}) is False
    assert resolve_interactive('auto', {}, has_terminal=terminal, environ={'CI': 'false'}) is True
