# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The failed or unconfirmed logins of each printer account, known across runs.

A device locks an account after a few failed logins, and it counts them across
runs: so must the collection, or the advice "fix it and run again" becomes a
lockout on the third run. One small JSON file per controller user (under
``$XDG_STATE_HOME/printfleet-cloudmail`` or ``~/.local/state/printfleet-cloudmail``,
or the directory of ``cloudmail_state_dir``), keyed by ``host:port user``. It
holds counts, times and the kind of the last answer, never a secret.

The fleet tasks run printers in threads and in forked processes at once: every
change is a read-modify-write under an exclusive ``fcntl`` record lock (and a
thread lock within the process), and the file is replaced atomically (written
0600 in a 0700 directory).
"""

from __future__ import annotations

__metaclass__ = type

import contextlib
import errno
import fcntl
import json
import os
import tempfile
import threading
import time

LEDGER_FILE = 'login-failures.json'
LOCK_FILE = 'login-failures.lock'
# Threads of one process share its POSIX record locks: they take turns on this lock first.
_THREADS = {'lock': threading.Lock()}


def _after_fork_in_child():
    # A lock held by another thread at the fork would never be released in the child.
    _THREADS['lock'] = threading.Lock()


if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_after_fork_in_child)

# Attempts left to a person (at the panel or in a browser) below the device's threshold: see allowed_attempts.
MARGIN = 2


def default_state_dir():
    base = os.environ.get('XDG_STATE_HOME') or os.path.join(os.path.expanduser('~'), '.local', 'state')
    return os.path.join(base, 'printfleet-cloudmail')


def allowed_attempts(threshold):
    """How many recorded failures the collection accepts before it stops posting the password.

    The rule: fewer than ``threshold - 2`` (at least one attempt), so that one more failure of the
    collection never reaches the device's threshold and a person still has one try of their own,
    even if the device counted a failure the collection did not see.
    """
    return max(1, int(threshold) - MARGIN)


class LedgerError(Exception):
    """The ledger cannot be read or written (the message names the file, never a secret)."""


class LoginLedger:
    """Failed and unconfirmed logins per ``host:port user``, in one file shared by every run of this user."""

    def __init__(self, state_dir=None, clock=time.time):
        self.directory = os.path.abspath(os.path.expanduser(state_dir or default_state_dir()))
        self.path = os.path.join(self.directory, LEDGER_FILE)
        self._clock = clock

    @staticmethod
    def key(host, port, username):
        return '%s:%s %s' % (host, port, username)

    def entry(self, key):
        """The recorded entry of ``key`` (a dict), or None."""
        with self._locked():
            return self._read().get(key)

    def record(self, key, outcome, locked_seconds=None):
        """One more login that may have failed (``outcome``: unconfirmed, rejected, unknown_answer, locked_out)."""
        def change(entry):
            entry = dict(entry or {'failures': 0})
            entry['failures'] = int(entry.get('failures', 0)) + 1
            return self._stamped(entry, outcome, locked_seconds)
        return self._update(key, change)

    def describe(self, key, outcome, locked_seconds=None):
        """Say what the last counted attempt turned out to be, without counting another."""
        def change(entry):
            entry = dict(entry or {'failures': 1})
            return self._stamped(entry, outcome, locked_seconds)
        return self._update(key, change)

    def forget_attempt(self, key):
        """The attempt counted before a post that never reached the device, or was not a password check."""
        def change(entry):
            if not entry:
                return None
            entry = dict(entry, failures=int(entry.get('failures', 0)) - 1)
            return entry if entry['failures'] > 0 else None
        return self._update(key, change)

    def clear(self, key):
        """A successful login: the device has reset its own count."""
        return self._update(key, lambda entry: None)

    def _stamped(self, entry, outcome, locked_seconds):
        now = self._clock()
        entry['last'] = outcome
        entry['last_at'] = _utc(now)
        if locked_seconds:
            entry['locked_until'] = _utc(now + float(locked_seconds))
        return entry

    # -- the file

    def _update(self, key, change):
        with self._locked():
            entries = self._read()
            entry = change(entries.get(key))
            if entry is None:
                if key not in entries:
                    return None
                entries.pop(key)
            else:
                entries[key] = entry
            self._write(entries)
            return entry

    @contextlib.contextmanager
    def _locked(self):
        # A POSIX record lock belongs to the process and is not inherited by a fork (an flock on an
        # inherited descriptor would be). The threads of a process share its record locks, and closing
        # any descriptor of the file drops them all: so a thread holds _THREADS from open to close.
        with _THREADS['lock']:
            try:
                os.makedirs(self.directory, mode=0o700, exist_ok=True)
                if os.stat(self.directory).st_mode & 0o077:
                    os.chmod(self.directory, 0o700)     # makedirs' mode is cut by the umask, and only for new ones
                handle = os.open(os.path.join(self.directory, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise LedgerError('cannot use the login ledger directory %s (%s)' % (
                    self.directory, exc.strerror or exc))
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX)
                yield
            finally:
                os.close(handle)

    def _read(self):
        try:
            with open(self.path, encoding='utf-8') as handle:
                data = json.load(handle)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return {}
            raise LedgerError('cannot read the login ledger %s (%s)' % (self.path, exc.strerror or exc))
        except ValueError:
            raise LedgerError('the login ledger %s is not valid JSON; check it, or delete it after checking the '
                              'printers\' passwords' % self.path)
        entries = data.get('logins') if isinstance(data, dict) else None
        return dict(entries) if isinstance(entries, dict) else {}

    def _write(self, entries):
        text = json.dumps({'logins': entries}, indent=1, sort_keys=True)
        try:
            handle, temporary = tempfile.mkstemp(prefix='.login-failures.', dir=self.directory)
            try:
                with os.fdopen(handle, 'w', encoding='utf-8') as stream:
                    stream.write(text + '\n')
                    stream.flush()
                    os.fsync(stream.fileno())
                os.chmod(temporary, 0o600)
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            raise LedgerError('cannot write the login ledger %s (%s)' % (self.path, exc.strerror or exc))


def _utc(seconds):
    return time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(seconds))
