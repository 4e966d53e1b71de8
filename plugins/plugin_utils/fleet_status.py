# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read the OAuth status of many printers at once, from the controller, in a bounded thread pool.

One task for the whole fleet instead of one task per printer: each printer gets exactly what
``oauth_info`` does for its provider (its own session, settings and status pages, always logged
out), and a failing printer only fails its own entry. Results never hold a secret: messages come from the shared client, which never puts
one in a message, and the host's own secrets are scrubbed from them once more.
"""

from __future__ import annotations

import os
import pickle
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.printfleet.cloudmail.plugins.module_utils import interrupts
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import Task, TaskFailed, run_info
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import (
    CONNECTION_CONSTRAINTS,
    NEXT_PLAYBOOK,
    connection_argument_spec,
    in_inventory_terms,
    naming_host,
    variable_for,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import (
    ProfileError,
    fitting_profile_hint,
    resolve_profile,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.redaction import redact
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import checked_namespace_variables

__metaclass__ = type


class PrinterRead:
    """What to read on one printer: its connection options, resolved profile and provider."""

    def __init__(self, name, params, profile, provider):
        self.name = name
        self.params = params
        self.profile = profile
        self.provider = provider

    def secrets(self):
        return [str(self.params.get('password') or '')]


class ProfileCache:
    """Each profile is resolved (files read, schema checked) once per fleet, not once per printer."""

    def __init__(self):
        self._resolved = {}

    def resolve(self, name, profile_file):
        key = (name, profile_file)
        if key not in self._resolved:
            try:
                self._resolved[key] = (resolve_profile(name, profile_file), None)
            except ProfileError as exc:
                self._resolved[key] = (None, exc)
        return self._resolved[key]


def connection_params(host, variables):
    """The connection options from a host's rendered cloudmail_ variables, checked as the modules check them.

    Returns ``(params, problem)``; the problem names the inventory variables, never a value.
    """
    spec = connection_argument_spec()
    given = dict((option, variables[variable_for(option)]) for option in spec
                 if variables.get(variable_for(option)) not in (None, ''))
    validation = ArgumentSpecValidator(argument_spec=spec, **CONNECTION_CONSTRAINTS).validate(given)
    if validation.error_messages:
        return None, '%s: %s; %s' % (host, in_inventory_terms('; '.join(validation.error_messages)), NEXT_PLAYBOOK)
    return validation.validated_parameters, None


def printer_to_read(host, variables, profiles):
    """A PrinterRead for the host, or the message that says why it cannot be read."""
    params, problem = connection_params(host, variables)
    if problem:
        return None, problem
    profile, error = profiles.resolve(params['profile'], params['profile_file'])
    if error is not None:
        return None, '%s: %s; fix %s in the inventory, check it with playbooks/status.yml, then run the playbook ' \
                     'again' % (host, error, error.variable)
    return PrinterRead(host, params, profile, variables['cloudmail_provider']), None


def read_printer(printer):
    """One printer's ``oauth_info`` result for its provider, or its failure."""
    task = Task(dict(printer.params, provider=printer.provider), printer.profile)
    try:
        result = dict(run_info(task), failed=False, read_at=time.time())   # for the report's clock check
    except TaskFailed as exc:
        result = dict(exc.result, changed=False, failed=True,
                      msg=exc.msg + fitting_profile_hint(exc.result.get('login_fields'), printer.params.get('profile')))
    except Exception as exc:  # noqa: BLE001 - one printer's surprise must not stop the fleet
        result = dict(changed=False, failed=True, msg='%s: reading the status failed (%s: %s)' % (
            printer.name, type(exc).__name__, exc))
    if task.warnings:
        result['warnings'] = list(task.warnings)
    return published(result, printer.name, printer.params['host'], printer.secrets())


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


def read_fleet(printers, workers, read=read_printer, processes=None):
    """host -> result for every printer, at most ``workers`` at a time (``read`` may also write).

    Once the printers answer quickly the work is the controller's CPU (TLS, HTTP, HTML), and one
    Python process uses one core: see ``in_processes``. Raises ``FleetInterrupted`` after a stop.
    """
    return in_processes(printers, workers, lambda share, threads: read_in_threads(share, threads, read), processes)


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


def read_in_threads(printers, workers, read):
    """host -> result of ``read`` for every printer, at most ``workers`` threads at a time.

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
        result = read(printer)
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
    """``run_share`` in ``processes`` forked processes, each with its share of items and threads.

    A stop here is passed on through a pipe every process watches: the pipe is closed at the stop,
    and by the kernel when this process dies (even by SIGKILL), so no process outlives the task.
    """
    stop_reader, stop_writer = os.pipe()
    children = []
    for index in range(processes):
        share = items[index::processes]
        threads = workers // processes + (1 if index < workers % processes else 0)
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(reader)
            os.close(stop_writer)
            for _pid, other, _share in children:
                os.close(other)
            _run_share_and_exit(run_share, share, threads, writer, stop_reader)
        os.close(writer)
        children.append((pid, reader, share))
    os.close(stop_reader)
    stop_pipe = [stop_writer]

    def pass_stop_on(reason):
        if stop_pipe:
            descriptor = stop_pipe.pop()
            try:
                os.write(descriptor, reason.encode('utf-8', 'replace')[:512])
            except OSError:
                pass
            os.close(descriptor)
    forget = interrupts.when_stopped(pass_stop_on)
    previous = interrupts.install_handlers()
    if interrupts.stop_reason() is not None:
        pass_stop_on(interrupts.stop_reason())
    results, stopped = {}, []
    try:
        for pid, reader, share in children:
            with os.fdopen(reader, 'rb') as answers:
                data = answers.read()
            os.waitpid(pid, 0)
            try:
                payload = pickle.loads(data)
            except Exception:  # noqa: BLE001 - a process that died says nothing: its printers fail below
                payload = {'error': 'the process reading them ended without an answer'}
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


def _watch_stop_pipe(descriptor):
    """In a forked process: the stop of the process that forked it, or its death, stops this one."""
    chunks = []
    while True:
        try:
            chunk = os.read(descriptor, 512)
        except InterruptedError:
            continue
        except OSError:
            chunk = b''
        if not chunk:
            break
        chunks.append(chunk)
    reason = b''.join(chunks).decode('utf-8', 'replace')
    interrupts.request_stop(reason or 'the process that started this one (%d) is gone' % os.getppid())


def _run_share_and_exit(run_share, share, threads, writer, stop_reader):
    """A forked process's whole life: its share done, the results sent back, then gone."""
    code = 0
    try:
        # A fresh stop of its own, that follows the forking process's (pipe) and its death (signal).
        interrupts.reset()
        interrupts.watch_parent()
        threading.Thread(target=_watch_stop_pipe, args=(stop_reader,), daemon=True).start()
        try:
            payload = {'results': run_share(share, threads)}
        except FleetInterrupted as exc:
            payload = {'results': exc.results, 'interrupted': exc.reason}
        except BaseException as exc:  # noqa: BLE001 - reported by the parent for each of its printers
            payload, code = {'error': '%s: %s' % (type(exc).__name__, exc)}, 1
        with os.fdopen(writer, 'wb') as answers:
            answers.write(pickle.dumps(payload))
    finally:
        os._exit(code)


def printer_from_hostvars(templar, host, hostvars, validator, profiles, secret_variables=('cloudmail_password',),
                          raw=None):
    """``(variables, printer, problems)`` of one host: its checked cloudmail_ variables and its PrinterRead.

    Validation never decrypts a vaulted value; the ``secret_variables`` the device needs are
    rendered for real here, and never put in a message. ``raw``: the host's variables when the
    caller already has them (gathering them is the costly part).
    """
    if raw is None and (hostvars is None or host not in hostvars):
        return None, None, ['%s: not in the inventory' % host]
    raw = hostvars.raw_get(host) if raw is None else raw
    templar = templar.copy_with_new_env(available_variables=raw)
    variables, problems = checked_namespace_variables(templar, host, raw, validator)
    if problems:
        return None, None, [str(problem) for problem in problems]
    for name in secret_variables:
        if raw.get(name) is not None:
            variables[name] = str(templar.template(raw[name]))
    printer, problem = printer_to_read(host, variables, profiles)
    return variables, printer, [problem] if problem else []
