# -*- coding: utf-8 -*-
"""The login ledger: failed logins known across runs, safe for threads and forked processes."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import threading

from ansible_collections.printfleet.cloudmail.plugins.module_utils.login_ledger import (
    LoginLedger,
    allowed_attempts,
    default_state_dir,
)

KEY = LoginLedger.key('127.1.0.1', 8443, '7654321')


def test_failures_add_up_and_a_success_clears_them(tmp_path):
    ledger = LoginLedger(str(tmp_path / 'state'))
    assert ledger.entry(KEY) is None
    ledger.record(KEY, 'unconfirmed')
    ledger.describe(KEY, 'rejected')
    ledger.record(KEY, 'unconfirmed')
    assert LoginLedger(str(tmp_path / 'state')).entry(KEY)['failures'] == 2     # another run reads it
    assert ledger.entry(KEY)['last'] == 'unconfirmed'
    ledger.forget_attempt(KEY)
    assert ledger.entry(KEY)['failures'] == 1
    ledger.clear(KEY)
    assert ledger.entry(KEY) is None


def test_the_file_is_private_and_holds_no_secret(tmp_path):
    ledger = LoginLedger(str(tmp_path / 'state'))
    ledger.record(KEY, 'locked_out', locked_seconds=300)
    assert stat.S_IMODE(os.stat(ledger.directory).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(ledger.path).st_mode) == 0o600
    data = json.loads(open(ledger.path, encoding='utf-8').read())
    assert set(data['logins'][KEY]) == {'failures', 'last', 'last_at', 'locked_until'}
    # Written atomically: no temporary file is left.
    assert sorted(os.listdir(ledger.directory)) == ['login-failures.json', 'login-failures.lock']


def test_the_default_directory_follows_xdg_state_home(monkeypatch, tmp_path):
    monkeypatch.setenv('XDG_STATE_HOME', str(tmp_path))
    assert default_state_dir() == str(tmp_path / 'printfleet-cloudmail')
    monkeypatch.delenv('XDG_STATE_HOME')
    assert default_state_dir() == os.path.join(os.path.expanduser('~'), '.local', 'state', 'printfleet-cloudmail')


def test_the_rule_leaves_two_attempts_below_the_threshold():
    assert [allowed_attempts(threshold) for threshold in (1, 2, 3, 4, 5, 10)] == [1, 1, 1, 2, 3, 8]


def _record_many(directory, count):
    ledger = LoginLedger(directory)
    for _attempt in range(count):
        ledger.record(KEY, 'unconfirmed')


def test_threads_and_processes_lose_no_count(tmp_path):
    directory = str(tmp_path / 'state')
    threads = [threading.Thread(target=_record_many, args=(directory, 10)) for _thread in range(4)]
    processes = [multiprocessing.get_context('fork').Process(target=_record_many, args=(directory, 10))
                 for _process in range(3)]
    for worker in threads + processes:
        worker.start()
    for worker in threads + processes:
        worker.join()
    assert LoginLedger(directory).entry(KEY)['failures'] == 70
