# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet engine: one step run for many printers at once, from the controller, in a bounded pool.

One task for the whole fleet instead of one task per printer: ``run_fleet`` runs a step (a read, a
push, a rollout: see ``printer_steps``) for each printer in a pool of threads, a large fleet shared
out among forked processes (``multiprocessing``, fork context), and a failing printer only fails its
own entry. Every fleet task stops the same way here (Ctrl-C, SIGTERM, the controller gone): no
printer is started, each printer in progress finishes its request in flight and logs out, and
``FleetInterrupted`` carries every printer's result. ``published`` makes a printer's result what a
fleet task returns: named by its inventory host, no secret in it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.printfleet.cloudmail.plugins.module_utils import interrupts
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import naming_host
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.redaction import redact

__metaclass__ = type


def published(result, name, address, secrets, no_log_values=()):
    """A printer's result as a fleet task returns it: named by its inventory host, no secret in its texts.

    ``secrets`` are cut out of the message and warnings; ``no_log_values`` also out of every other value.
    """
    result = naming_host(result, name, address)
    if result.get('msg'):
        result['msg'] = redact(result['msg'], secrets)
    if result.get('warnings'):
        result['warnings'] = [redact(warning, secrets) for warning in result['warnings']]
    return remove_values(result, no_log_values) if no_log_values else result


class FleetInterrupted(Exception):
    """The fleet-wide task was stopped (see module_utils/interrupts.py): ``results`` has every printer's.

    Printers not started are left alone (``not_started``); each printer in progress finished its
    request in flight and logged out (its result, failed, carries ``interrupted``).
    """

    def __init__(self, reason, results=None):
        super(FleetInterrupted, self).__init__('stopped (%s); the printers in progress were logged out' % reason)
        self.reason = reason
        self.results = dict(results or {})


# A fleet is shared out among processes only when each gets at least this many printers.
PRINTERS_PER_PROCESS = 100
NOT_STARTED = 'not started'
STOPPED = 'stopped mid-way, logged out'


def not_started(name, reason):
    """The result of a printer the stopped run never started: nothing was sent to it."""
    return {'changed': False, 'failed': True, 'interrupted': NOT_STARTED,
            'msg': '%s: not started, the run was stopped (%s); nothing was sent to this printer. Run the playbook '
                   'again to do it' % (name, reason)}


def run_fleet(printers, workers, step, processes=None):
    """host -> result of ``step(printer)`` for every printer, at most ``workers`` at a time (reads and writes).

    Once the printers answer quickly the work is the controller's CPU (TLS, HTTP, HTML), and one
    Python process uses one core: see ``in_processes``. Raises ``FleetInterrupted`` after a stop.
    """
    return in_processes(printers, workers, lambda share, threads: run_in_threads(share, threads, step), processes)


def in_processes(items, workers, run_share, processes=None):
    """``run_share(items, threads)`` (a dict by host), for a large fleet in one forked process per core.

    Each process gets its share of the items and of the ``workers`` threads, so that as many
    printers as asked are in flight. An item is a printer (``.name``) or an inventory host name.
    """
    if processes is None:
        processes = min(os.cpu_count() or 1, len(items) // PRINTERS_PER_PROCESS, workers)
    if processes > 1:
        return _in_processes(items, workers, run_share, processes)
    return run_share(items, workers)


def run_in_threads(printers, workers, step):
    """host -> result of ``step`` for every printer, at most ``workers`` threads at a time.

    After a stop (SIGINT or SIGTERM here, or see interrupts.py) no printer is started; each one in
    progress finishes its request in flight and logs out; then ``FleetInterrupted`` has every result.
    """
    results = {}
    # The sessions run in threads, where no signal reaches them: the handler only sets the stop,
    # which every session reads before each request.
    previous = interrupts.install_handlers()

    def timed(printer):
        reason = interrupts.stop_reason()
        if reason is not None:
            return not_started(printer.name, reason)
        started = time.monotonic()
        result = step(printer)
        if result.get('failed') and interrupts.stop_reason() is not None:
            result = dict(result, interrupted=STOPPED)
        # How long the printer held its thread: what a stuck device costs the fleet.
        return dict(result, seconds=round(time.monotonic() - started, 3))

    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(printers) or 1)))
    try:
        futures = [(printer, pool.submit(timed, printer)) for printer in printers]
        for printer, future in futures:
            results[printer.name] = future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        interrupts.restore_handlers(previous)
    reason = interrupts.stop_reason()
    if reason is not None:
        raise FleetInterrupted(reason, results)
    return results


def _in_processes(items, workers, run_share, processes):
    """``run_share`` in ``processes`` forked processes (``multiprocessing``, fork context), each with its share.

    A stop here is passed on through a pipe every process watches: the pipe is closed at the stop,
    and by the kernel when this process dies (even by SIGKILL), so no process outlives the task.
    """
    context = multiprocessing.get_context('fork')
    stop_reader, stop_writer = context.Pipe(duplex=False)
    children = []
    for index in range(processes):
        share = items[index::processes]
        threads = workers // processes + (1 if index < workers % processes else 0)
        reader, writer = context.Pipe(duplex=False)
        child = context.Process(target=_run_share, args=(run_share, share, threads, writer, stop_reader, stop_writer),
                                name='fleet-share-%d' % index, daemon=True)
        child.start()
        writer.close()   # the child's end: its death is then seen as the end of its answers
        children.append((child, reader, share))
    stop_reader.close()
    stop_pipe = [stop_writer]

    def pass_stop_on(reason):
        if stop_pipe:
            connection = stop_pipe.pop()
            try:
                connection.send_bytes(reason.encode('utf-8', 'replace')[:512])
            except OSError:
                pass
            connection.close()
    forget = interrupts.when_stopped(pass_stop_on)
    previous = interrupts.install_handlers()
    if interrupts.stop_reason() is not None:
        pass_stop_on(interrupts.stop_reason())
    results, stopped = {}, []
    try:
        for child, reader, share in children:
            try:
                payload = reader.recv()
            except (EOFError, OSError):  # a process that died says nothing: its printers fail below
                payload = {'error': 'the process reading them ended without an answer'}
            finally:
                reader.close()
            child.join()
            if 'results' in payload:
                results.update(payload['results'])
            else:
                for item in share:
                    name = getattr(item, 'name', item)
                    results[name] = {'changed': False, 'failed': True,
                                     'msg': '%s: not done (%s)' % (name, payload['error'])}
            if payload.get('interrupted'):
                stopped.append(payload['interrupted'])
    finally:
        forget()
        pass_stop_on('')
        interrupts.restore_handlers(previous)
    reason = interrupts.stop_reason() or (stopped[0] if stopped else None)
    if reason is not None:
        raise FleetInterrupted(reason, results)
    return results


def _watch_stop_pipe(connection):
    """In a forked process: the stop of the process that forked it, or its death, stops this one."""
    try:
        reason = connection.recv_bytes().decode('utf-8', 'replace')
    except (EOFError, OSError):
        reason = ''
    interrupts.request_stop(reason or 'the process that started this one (%d) is gone' % os.getppid())


def _run_share(run_share, share, threads, writer, stop_reader, stop_writer):
    """A forked process's whole life: its share done, the results sent back (pickled by ``multiprocessing``)."""
    # Only the forking process may hold the writing end: its close (or death) is the stop.
    stop_writer.close()
    # A fresh stop of its own, that follows the forking process's (pipe) and its death (signal).
    interrupts.reset()
    interrupts.watch_parent()
    threading.Thread(target=_watch_stop_pipe, args=(stop_reader,), daemon=True).start()
    try:
        payload = {'results': run_share(share, threads)}
    except FleetInterrupted as exc:
        payload = {'results': exc.results, 'interrupted': exc.reason}
    except BaseException as exc:  # noqa: BLE001 - reported by the parent for each of its printers
        payload = {'error': '%s: %s' % (type(exc).__name__, exc)}
    writer.send(payload)
    writer.close()
