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
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values

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
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_report import redact
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
    """SIGTERM reached the fleet-wide task: printers not started are left alone, the others log out."""


# A fleet is shared out among processes only when each gets at least this many printers.
PRINTERS_PER_PROCESS = 100


def read_fleet(printers, workers, read=read_printer, processes=None):
    """host -> result for every printer, at most ``workers`` at a time (``read`` may also write).

    Once the printers answer quickly the work is the controller's CPU (TLS, HTTP, HTML), and one
    Python process uses one core: see ``in_processes``.
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
    """host -> result of ``read`` for every printer, at most ``workers`` threads at a time."""
    results = {}
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(printers) or 1)))
    previous = None
    if threading.current_thread() is threading.main_thread():
        # The sessions run in threads, where they cannot catch SIGTERM themselves; stopping here
        # lets the shutdown below wait for every session in progress to log out.
        def interrupted(signum, frame):
            raise FleetInterrupted('stopped by signal %d; the printers in progress were logged out' % signum)
        previous = signal.signal(signal.SIGTERM, interrupted)

    def timed(printer):
        started = time.monotonic()
        result = read(printer)
        # How long the printer held its thread: what a stuck device costs the fleet.
        return dict(result, seconds=round(time.monotonic() - started, 3))

    try:
        for printer, result in zip(printers, pool.map(timed, printers)):
            results[printer.name] = result
    finally:
        # Interrupted: printers not yet started are left alone, those in progress still log out.
        pool.shutdown(wait=True, cancel_futures=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return results


def _in_processes(items, workers, run_share, processes):
    """``run_share`` in ``processes`` forked processes, each with its share of items and threads.

    A SIGTERM is passed on to every process: each logs out the printers in progress, then the
    task stops as it would with one process.
    """
    children = []
    for index in range(processes):
        share = items[index::processes]
        threads = workers // processes + (1 if index < workers % processes else 0)
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(reader)
            _run_share_and_exit(run_share, share, threads, writer)
        os.close(writer)
        children.append((pid, reader, share))

    stopped = []

    def interrupted(signum, frame):
        stopped.append(signum)
        for pid, _reader, _share in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
    previous = signal.signal(signal.SIGTERM, interrupted) \
        if threading.current_thread() is threading.main_thread() else None
    results = {}
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
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if stopped:
        raise FleetInterrupted('stopped by signal %d; the printers in progress were logged out' % stopped[0])
    return results


def _run_share_and_exit(run_share, share, threads, writer):
    """A forked process's whole life: its share done, the results sent back, then gone."""
    code = 0
    try:
        try:
            payload = {'results': run_share(share, threads)}
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
