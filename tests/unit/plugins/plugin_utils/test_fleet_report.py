# -*- coding: utf-8 -*-
"""The fleet report: rows, next actions, deterministic files, changed only on new content, merge."""

from __future__ import annotations

import json

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_report import (
    build_row,
    merge_reports,
    render_html,
    report_document,
    write_report,
)

VARIABLES = {'cloudmail_provider': 'microsoft', 'cloudmail_profile': 'isensys_mf', 'cloudmail_host': '10.0.0.5'}


def status(token, connection='connected', error=None):
    return {'changed': False, 'providers': {'microsoft': {
        'connection_status': connection, 'token_status': token, 'error_details': error}}}


def test_row_and_next_action():
    assert build_row('mfp-b', VARIABLES, status('active'), '') == {
        'host': 'mfp-b', 'address': '10.0.0.5', 'provider': 'microsoft', 'profile': 'isensys_mf',
        'connection_status': 'connected', 'token_status': 'active', 'next_action': 'none', 'last_error': ''}
    assert build_row('x', VARIABLES, status('expired'), '')['next_action'].startswith('run reauthorize.yml')
    assert build_row('x', VARIABLES, status('inactive', 'not_connected'), '')['next_action'].startswith(
        "fix the printer's connection")
    unreachable = build_row('x', VARIABLES, {}, 'Read the status: connection refused')
    assert (unreachable['token_status'], unreachable['last_error']) == ('unknown', 'Read the status: connection refused')


def test_secrets_are_scrubbed():
    row = build_row('x', VARIABLES, status('error', error='login as admin / S3cret-pw failed'), '', secrets=['S3cret-pw'])
    assert 'S3cret-pw' not in json.dumps(row)


def test_files_are_deterministic_and_changed_only_on_new_content(tmp_path):
    rows = [build_row(host, VARIABLES, status('active'), '') for host in ('mfp-b', 'mfp-a')]
    document, paths, changed = write_report(str(tmp_path), 'all', rows)
    assert changed == ['json', 'csv', 'html']
    assert [row['host'] for row in document['printers']] == ['mfp-a', 'mfp-b']
    first = {kind: open(path).read() for kind, path in paths.items()}
    assert write_report(str(tmp_path), 'all', list(reversed(rows)))[2] == []
    assert {kind: open(path).read() for kind, path in paths.items()} == first
    rows[0] = build_row('mfp-b', VARIABLES, status('expired'), '')
    assert write_report(str(tmp_path), 'all', rows)[2] == ['json', 'csv', 'html']
    assert first['csv'].splitlines()[0] == ('host,address,provider,profile,connection_status,token_status,'
                                            'next_action,last_error')


def test_html_escapes_and_counts():
    document = report_document([build_row('<b>', VARIABLES, {}, 'a <script> error')], 'all')
    page = render_html(document)
    assert '<script>' not in page and '&lt;script&gt;' in page
    assert '<span id="need-action-count">1</span>' in page


def test_merge_joins_slices(tmp_path):
    write_report(str(tmp_path), 'job1', [build_row('mfp-a', VARIABLES, status('active'), '')])
    write_report(str(tmp_path), 'job2', [build_row('mfp-b', VARIABLES, status('inactive'), '')])
    document, paths, changed, sources = merge_reports(str(tmp_path))
    assert sources == ['fleet-report-job1.json', 'fleet-report-job2.json']
    assert [row['host'] for row in document['printers']] == ['mfp-a', 'mfp-b']
    assert document['summary']['by_token_status'] == {'active': 1, 'inactive': 1}
    assert merge_reports(str(tmp_path))[2] == []
