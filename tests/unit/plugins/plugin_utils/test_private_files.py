# -*- coding: utf-8 -*-
"""Files a run leaves: 0600 in directories created 0700, written whole or not at all, never a temporary file left."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import uuid

import pytest

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import private_files
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_files import write_report
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_rows import build_row
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.private_files import private_directory, write_private
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.profile_drafts import write_draft


def row(host, error='the printer did not answer'):
    return build_row(host, {'cloudmail_provider': 'microsoft'}, None,
                     {'message': error, 'action': 'printfleet.cloudmail.fleet_rollout', 'reason': ''})


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_file_is_0600_in_new_directories_0700_whatever_the_usual_umask(tmp_path, umask_022):
    target = tmp_path / 'reports' / 'deeper' / 'fleet-report-all.json'
    write_private(str(target), '{"printers": []}\n')
    assert target.read_text() == '{"printers": []}\n'
    assert mode(target) == 0o600
    assert mode(tmp_path / 'reports') == mode(tmp_path / 'reports' / 'deeper') == 0o700
    assert os.listdir(target.parent) == ['fleet-report-all.json']


def test_an_existing_directory_keeps_its_mode_and_a_file_replaced_becomes_private(tmp_path, umask_022):
    shared = tmp_path / 'shared'
    shared.mkdir()
    shared.chmod(0o755)
    old = shared / 'report.csv'
    old.write_text('old')
    old.chmod(0o644)
    write_private(str(old), b'new')
    assert old.read_bytes() == b'new' and mode(old) == 0o600
    assert mode(shared) == 0o755


def test_a_narrower_umask_is_kept(tmp_path):
    previous = os.umask(0o077)
    try:
        assert private_directory(str(tmp_path / 'a' / 'b')) == str(tmp_path / 'a' / 'b')
    finally:
        os.umask(previous)
    assert mode(tmp_path / 'a') == mode(tmp_path / 'a' / 'b') == 0o700


def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / 'fleet-report-all.html'
    target.write_text('the previous report')
    written = []

    def full_disk(descriptor, data):
        if written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(len(data))
        return min(len(data), 10)  # a short write first, then no room

    monkeypatch.setattr(private_files.os, 'write', full_disk)
    with pytest.raises(OSError) as failure:
        write_private(str(target), 'x' * 1000)
    assert failure.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert target.read_text() == 'the previous report'
    assert os.listdir(tmp_path) == ['fleet-report-all.html']


def test_a_failure_while_renaming_removes_the_temporary_file(tmp_path, monkeypatch):
    def refused(source, destination):
        raise OSError(errno.EXDEV, 'refused')

    monkeypatch.setattr(private_files.os, 'replace', refused)
    with pytest.raises(OSError):
        write_private(str(tmp_path / 'draft.yml'), 'name: draft\n')
    assert os.listdir(tmp_path) == []


@pytest.fixture
def mounted(tmp_path):
    """A real tmpfs of the given options (needs root); skipped where mounting is not allowed."""
    points = []

    def mount(options):
        point = tmp_path / ('mount-%s' % uuid.uuid4().hex[:8])
        point.mkdir()
        completed = subprocess.run(['mount', '-t', 'tmpfs', '-o', options, 'tmpfs', str(point)],
                                   capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            pytest.skip('cannot mount a tmpfs here: %s' % completed.stderr.strip())
        points.append(point)
        return point
    yield mount
    for point in points:
        subprocess.run(['umount', str(point)], check=False)


def test_a_report_on_a_really_full_disk_fails_clearly_and_leaves_no_file(mounted):
    disk = mounted('size=64k')
    rows = [row('printer-%04d' % index, 'x' * 500) for index in range(300)]
    with pytest.raises(OSError) as failure:
        write_report(str(disk / 'reports'), 'all', rows)
    assert failure.value.errno == errno.ENOSPC
    left = [name for _root, _dirs, files in os.walk(disk) for name in files]
    assert not [name for name in left if name.endswith('.tmp') or '.tmp.' in name], left
    assert mode(disk / 'reports') == 0o700


def test_a_read_only_directory_fails_clearly_and_leaves_no_file(mounted):
    disk = mounted('ro,size=64k')
    with pytest.raises(OSError) as failure:
        write_private(str(disk / 'fleet-report-all.json'), '{}')
    assert failure.value.errno == errno.EROFS
    assert os.listdir(disk) == []


def test_reports_and_drafts_are_private(tmp_path, umask_022):
    document, paths, _changed = write_report(str(tmp_path / 'reports'), 'all', [row('printer-0001')])
    assert document['summary']['printers'] == 1
    assert sorted(mode(path) for path in paths.values()) == [0o600] * 3
    assert mode(tmp_path / 'reports') == 0o700
    path, _problems = write_draft(str(tmp_path / 'reports'), 'printer-0001', {'name': 'draft'})
    assert mode(path) == 0o600 and mode(os.path.dirname(path)) == 0o700
    assert sorted(os.listdir(os.path.dirname(path))) == ['draft-printer-0001.yml']
