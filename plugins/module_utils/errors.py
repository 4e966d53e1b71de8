# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What can go wrong with one printer, as exception classes.

Every message starts with the host name and never holds a secret (password,
form values, cookies): it names the host, the page and what was not understood.
"""

from __future__ import annotations

__metaclass__ = type


class RemoteUIError(Exception):
    """A problem with one printer; the message starts with the host name."""

    def __init__(self, host, message):
        super(RemoteUIError, self).__init__('%s: %s' % (host, message))
        self.host = host


class DeviceUnreachableError(RemoteUIError):
    """Transient faults (refused, reset, timeouts, 5xx, busy) outlasted the retries."""


class TransportLimitError(DeviceUnreachableError):
    """A request hit a limit (deadline, size, task budget, redirect off the device); never repeated."""

    def __init__(self, host, message, limit):
        super(TransportLimitError, self).__init__(host, message)
        self.limit = limit


class CertificateError(RemoteUIError):
    """The printer's TLS certificate is not trusted; never retried."""


class LoginRejectedError(RemoteUIError):
    """Wrong user name or password; never retried, so that we cause no lockout."""


class LockedOutError(RemoteUIError):
    """The device refuses logins after repeated failures; never retried."""


class LoginPausedError(LockedOutError):
    """The collection holds back the password: one more failed login could lock the account.

    Raised before anything is posted, from the failures recorded across runs (``login_ledger``).
    """


class LoginUnconfirmedError(RemoteUIError):
    """The login answer is neither a success nor a refusal the profile knows; never retried.

    The device may have counted a failed login: the printer is stopped for the run.
    """


class SessionLimitError(RemoteUIError):
    """The device holds every session it allows (another administrator, or a session left open); not retried."""


class SessionExpiredError(RemoteUIError):
    """The session ended again right after a fresh login."""


class PageNotUnderstoodError(RemoteUIError):
    """A page did not look as the profile says (unknown page, missing label or field)."""


class ProfileMismatchError(PageNotUnderstoodError):
    """The login form does not hold the profile's fields: nothing was posted."""


class UnknownStatusError(PageNotUnderstoodError):
    """A status word that the profile does not list."""


class WriteRejectedError(RemoteUIError):
    """The device answered a form post with its error page."""


class SessionInterruptedError(RemoteUIError):
    """The process was asked to stop (SIGTERM) while a session was open."""


def profile_hint(profile):
    """The end of every "page not understood" message: which profile, and where to change it."""
    name = profile.get('name', '?') if isinstance(profile, dict) else profile
    return ('the profile %r may not match this firmware (check cloudmail_profile, or describe the firmware '
            'in a profile file named by cloudmail_profile_file)' % name)
