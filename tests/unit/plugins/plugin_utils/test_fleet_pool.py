# -*- coding: utf-8 -*-
"""The fleet pool: every printer read once, shared out among processes, and a stop that lets sessions end."""

from __future__ import annotations

import os
import signal
import time

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_status import FleetInterrupted, read_fleet


class Printer:
    def __init__(self, name):
        self.name = name


def test_a_large_fleet_is_shared_out_among_processes_and_every_printer_is_read_once():
    printers = [Printer('printer-%04d' % index) for index in range(250)]

    def read(printer):
        return {'changed': False, 'failed': False, 'pid': os.getpid(), 'name': printer.name}

    results = read_fleet(printers, 10, read, processes=2)
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

    results = read_fleet(printers, 4, read, processes=2)
    assert sorted(results) == sorted(printer.name for printer in printers)
    odd = [printer.name for printer in printers[1::2]]
    assert all(results[name]['failed'] and 'not done' in results[name]['msg'] for name in odd)
    assert not any(results[printer.name]['failed'] for printer in printers[0::2])


def test_a_stop_lets_the_printers_in_progress_finish_and_starts_no_other(tmp_path):
    log = tmp_path / 'log'
    printers = [Printer('printer-%04d' % index) for index in range(40)]

    def read(printer):
        with open(log, 'a', encoding='utf-8') as out:
            out.write('start %s\n' % printer.name)
        time.sleep(0.6)  # a session in progress; it must still end ("logged out")
        with open(log, 'a', encoding='utf-8') as out:
            out.write('end %s\n' % printer.name)
        return {'changed': False, 'failed': False}

    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            read_fleet(printers, 4, read, processes=2)
        except FleetInterrupted:
            code = 7
        finally:
            os._exit(code)
    time.sleep(0.3)
    os.kill(pid, signal.SIGTERM)
    assert os.WEXITSTATUS(os.waitpid(pid, 0)[1]) == 7
    lines = log.read_text().splitlines()
    started = set(line.split()[1] for line in lines if line.startswith('start'))
    ended = set(line.split()[1] for line in lines if line.startswith('end'))
    assert started and started == ended
    assert len(started) < len(printers)
