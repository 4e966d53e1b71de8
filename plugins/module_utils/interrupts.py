# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A stop asked of this process: Ctrl-C (SIGINT), SIGTERM (a job cancelled), or the controller gone.

A stop never cuts a request in half: the request in flight on each printer finishes, the next one
is refused (``SessionInterruptedError``, before anything is sent), and the session logs out on its
way out (the logout is the one request still allowed). Printers not started yet are not started.

The stop is one flag per process, set from a signal handler (which only sets it, so the request in
flight goes on), and read by every session before each request, in any thread. The controller
(``ansible-playbook``) is watched two ways: the kernel sends this process SIGTERM when its parent
dies (Linux ``PR_SET_PDEATHSIG``), and each request first checks that the parent is still the one
it was (``os.getppid()``), for systems without that signal.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import SessionInterruptedError

__metaclass__ = type

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_PR_SET_PDEATHSIG = 1
_stop = threading.Event()
_state = {'reason': None, 'parent': None, 'announce': None, 'gone': False}
_callbacks = []


def signal_name(signum):
    names = {signal.SIGINT: 'Ctrl-C (SIGINT)', signal.SIGTERM: 'SIGTERM'}
    return names.get(signum) or signal.Signals(signum).name


def request_stop(reason):
    """Stop this process's work: no printer is started, no further request is sent but logouts."""
    if not _stop.is_set():
        _state['reason'] = reason
        _stop.set()
        for callback in list(_callbacks):
            callback(reason)


def when_stopped(callback):
    """``callback(reason)`` at the stop (in the thread or signal handler that stops); returns its remover."""
    _callbacks.append(callback)
    return lambda: _callbacks.remove(callback) if callback in _callbacks else None


def pause(seconds):
    """Sleep ``seconds``, or less when the work stops meanwhile; True when it stopped."""
    return _stop.wait(max(0.0, seconds)) or stop_reason() is not None


def stop_reason():
    """Why the work stops, or None while it goes on (the controller's death is noticed here too)."""
    parent = _state['parent']
    if parent is not None and not _state['gone'] and os.getppid() != parent:
        _state['gone'] = True
        gone = 'the controller (process %s) is gone' % parent
        if _stop.is_set():
            # A signal came first (sent by the controller before it ended, or its death signal
            # while its last threads were ending).
            _state['reason'] = '%s, and %s' % (_state['reason'], gone)
        else:
            request_stop(gone)
    return _state['reason'] if _stop.is_set() else None


def reset():
    """A new unit of work in a process that may have stopped before (a test, or a forked child)."""
    _stop.clear()
    _state.update(reason=None, parent=None, announce=None, gone=False)
    del _callbacks[:]


def check(host, method, path):
    """Raise ``SessionInterruptedError`` for a request asked after a stop; it is not sent."""
    reason = stop_reason()
    if reason is not None:
        raise SessionInterruptedError(host, 'stopped (%s) before %s %s: that request and any later one were not '
                                            'sent, the session was logged out; run the playbook again to finish this '
                                            'printer' % (reason, method, path))


def _handler(signum, frame):
    announce = _state['announce'] if not _stop.is_set() else None
    request_stop(signal_name(signum))
    # The parent-death signal, or the controller passing a signal on before it ends: named too.
    stop_reason()
    if announce is not None:
        # Not from the handler itself: the interrupted thread may hold the lock that showing a line takes.
        threading.Thread(target=announce, args=(signum,), daemon=True).start()


def install_handlers(announce=None):
    """SIGINT and SIGTERM set the stop (main thread only); returns the handlers replaced, for ``restore_handlers``.

    ``announce(signum)`` is called once, at the first signal. None when not in the main thread or
    when the stop handlers are in place already (an outer caller restores them).
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGTERM) is _handler:
        if announce is not None and _state['announce'] is None and not _stop.is_set():
            _state['announce'] = announce
        return None
    _state['announce'] = announce
    return dict((signum, signal.signal(signum, _handler)) for signum in SIGNALS)


def restore_handlers(previous):
    if previous:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        _state['announce'] = None


def parent_death_signal(signum=signal.SIGTERM):
    """Ask the kernel to send ``signum`` to this process when its parent dies (Linux); True when set."""
    if not sys.platform.startswith('linux'):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6', use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def watch_parent(parent=None):
    """Stop when the process that started this one ends (its pid recorded now; see the module docstring)."""
    parent = os.getppid() if parent is None else parent
    _state['parent'] = parent
    parent_death_signal(signal.SIGTERM)
    # The parent may have died before the signal was asked for: then no signal comes.
    stop_reason()


def controller_alive():
    """False once the watched parent (see ``watch_parent``) is gone."""
    return _state['parent'] is None or os.getppid() == _state['parent']


def tell_controller(line):
    """Write ``line`` to the controller's standard error (its terminal); False when it cannot be reached.

    After Ctrl-C the controller no longer shows what its workers display (it stops reading them at
    once, then waits for them to end), so a worker says how it stops there itself (Linux ``/proc``).
    """
    parent = _state['parent']
    if parent is None or os.getppid() != parent:
        return False
    try:
        descriptor = os.open('/proc/%s/fd/2' % parent, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        os.write(descriptor, (line.rstrip('\n') + '\n').encode('utf-8', 'replace'))
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)
