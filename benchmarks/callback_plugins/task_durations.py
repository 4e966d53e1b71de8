# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Records how long each task held each host's worker, for benchmarks/reliability.py (not shipped)."""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: task_durations
type: aggregate
short_description: per-host task durations as JSON lines in $CLOUDMAIL_DURATIONS
description: Used by benchmarks/reliability.py only.
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'task_durations'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._started = {}
        self._path = os.environ.get('CLOUDMAIL_DURATIONS')

    def v2_runner_on_start(self, host, task):
        self._started[(host.get_name(), task._uuid)] = time.monotonic()

    def _record(self, result, outcome):
        started = self._started.pop((result._host.get_name(), result._task._uuid), None)
        if started is None or not self._path:
            return
        records = [{'host': result._host.get_name(), 'action': result._task.action, 'task': result._task.get_name(),
                    'outcome': outcome, 'seconds': round(time.monotonic() - started, 3)}]
        # A fleet-wide task (run_once) reports how long each printer held one of its threads.
        printers = result._result.get('printers')
        if isinstance(printers, dict):
            records = [{'host': host, 'action': result._task.action, 'task': result._task.get_name(),
                        'outcome': 'failed' if printer.get('failed') else 'ok', 'seconds': printer['seconds']}
                       for host, printer in printers.items() if isinstance(printer, dict) and 'seconds' in printer]
        with open(self._path, 'a', encoding='utf-8') as out:
            for record in records:
                out.write(json.dumps(record) + '\n')

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')

    def v2_runner_on_skipped(self, result):
        self._started.pop((result._host.get_name(), result._task._uuid), None)
