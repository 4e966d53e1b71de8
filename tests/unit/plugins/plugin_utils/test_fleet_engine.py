# -*- coding: utf-8 -*-
"""The fleet engine: every printer read once, shared out among processes, and a stop that lets sessions end."""

from __future__ import annotations

import os
import signal
import time

import pytest

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_engine import FleetInterrupted, run_fleet


class Printer:
    def __init__(self, name):
        self.name = name


def test_a_large_fleet_is_shared_out_among_processes_and_every_printer_is_read_once():
    printers = [Printer('printer-%04d' % index) for index in range(250)]

    def read(printer):
        return {'changed': False, 'failed': False, 'pid': os.getpid(), 'name': printer.name}

    results = run_fleet(printers, 10, read, processes=2)
    assert sorted(results) == sorted(printer.name for printer in printers)
    assert all(result['name'] == host and 'seconds' in result for host, result in results.items())
    pids = set(result['pid'] for result in results.values())
    assert len(pids) == 2 and os.getpid() not in pids


def test_the_printers_of_a_process_that_died_fail_and_the_others_are_kept():
    printers = [Printer('printer-%04d' % index) for index in range(20)]

    def read(printer):
        if printer.name == 'printer-0001':
            os._exit(3)  # the process reading the odd printers dies
        return {'changed': False, 'failed': False}

    results = run_fleet(printers, 4, read, processes=2)
    assert sorted(results) == sorted(printer.name for printer in printers)
    odd = [printer.name for printer in printers[1::2]]
    assert all(results[name]['failed'] and 'not done' in results[name]['msg'] for name in odd)
    assert not any(results[printer.name]['failed'] for printer in printers[0::2])


def _stop_pool_in_a_child(log, signum=None, kill_parent=False):
    """A process that reads 40 printers in 2 forked processes; stopped after 0.3 s; returns its exit code."""
    printers = [Printer('printer-%04d' % index) for index in range(40)]

    def read(printer):
        with open(log, 'a', encoding='utf-8') as out:
            out.write('start %s %d\n' % (printer.name, os.getpid()))
        time.sleep(0.6)  # a session in progress; it must still end ("logged out")
        with open(log, 'a', encoding='utf-8') as out:
            out.write('end %s %d\n' % (printer.name, os.getpid()))
        return {'changed': False, 'failed': False}

    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            run_fleet(printers, 4, read, processes=2)
        except FleetInterrupted as exc:
            code = 7 if len(exc.results) == len(printers) else 8
        finally:
            os._exit(code)
    time.sleep(0.3)
    os.kill(pid, signal.SIGKILL if kill_parent else signum)
    status = os.waitpid(pid, 0)[1]
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)


def _log(log):
    lines = [line.split() for line in log.read_text().splitlines()]
    started = set(line[1] for line in lines if line[0] == 'start')
    ended = set(line[1] for line in lines if line[0] == 'end')
    return started, ended, set(int(line[2]) for line in lines)


@pytest.mark.parametrize('signum', [signal.SIGTERM, signal.SIGINT], ids=['sigterm', 'ctrl-c'])
def test_a_stop_lets_the_printers_in_progress_finish_starts_no_other_and_every_printer_has_a_result(tmp_path, signum):
    log = tmp_path / 'log'
    assert _stop_pool_in_a_child(log, signum) == 7
    started, ended, _pids = _log(log)
    assert started and started == ended and len(started) < 40


def test_the_forked_processes_end_with_the_process_that_started_them_even_killed(tmp_path):
    log = tmp_path / 'log'
    assert _stop_pool_in_a_child(log, kill_parent=True) == -signal.SIGKILL
    deadline = time.monotonic() + 5
    started, ended, pids = _log(log)
    while time.monotonic() < deadline:
        if not any(os.path.exists('/proc/%d' % pid) for pid in pids):
            break
        time.sleep(0.05)
    assert not any(os.path.exists('/proc/%d' % pid) for pid in pids), 'a forked process outlived its parent'
    started, ended, _pids = _log(log)
    # Each printer in progress finished (logged out); none was started after the parent was gone.
    assert started and started == ended and len(started) < 40
    time.sleep(1)
    assert _log(log)[0] == started
