# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checks of a printer's cloud settings made on the controller before anything is written.

A well-formed but wrong tenant passes the schema, is written to the printer and drops
its working token; asking the cloud first costs one request. Each check returns one
``{name, ok, message}`` entry; messages name the inventory variable and its value.

The checks honour a proxy (``cloudmail_cloud_proxy``, else HTTPS_PROXY / NO_PROXY) and
a CA bundle (``cloudmail_cloud_ca_path``, else REQUESTS_CA_BUNDLE), as a controller
behind a corporate proxy needs.
"""

from __future__ import annotations

import calendar
import os
import time

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_status import parse_time
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import provider_for

__metaclass__ = type

try:
    # The Microsoft check imports msal itself when it runs (a missing msal fails that check only).
    import requests
    HAS_CLOUD_LIBRARIES = True
except ImportError:  # pragma: no cover - reported as a failed check
    HAS_CLOUD_LIBRARIES = False

# The pre-flight's clock tolerance (seconds) unless cloudmail_clock_tolerance says otherwise.
CLOCK_TOLERANCE = 300
NOTHING_WRITTEN = 'nothing was written to the printer'


def entry(name, ok, message):
    return {'name': name, 'ok': ok, 'message': message}


def clock_tolerance(variables):
    """The host's clock tolerance in seconds (cloudmail_clock_tolerance, else CLOCK_TOLERANCE)."""
    value = variables.get('cloudmail_clock_tolerance')
    return float(CLOCK_TOLERANCE if value in (None, '') else value)


def device_checks(session, provider, tolerance):
    """The pre-flight's device checks in a logged-in session (the login checked the form before the password was
    posted): the login form, then the printer's clock. The step that runs them is ``printer_steps.device_preflight``."""
    return [entry('login_form', True, 'the login page has the fields of the profile'),
            check_device_clock(session, provider, tolerance)]


def preflight_failure(label, checks):
    """The message of a failed pre-flight: the printer, then the text of each failed check."""
    return '%s: pre-flight failed, %s: %s' % (
        label, NOTHING_WRITTEN, '; '.join(check['message'] for check in checks if not check['ok']))


def cloud_session(url, proxy=None, ca_path=None):
    """A requests session for one cloud: the given proxy or the environment's, the given CA or the environment's.

    trust_env is off because requests would let REQUESTS_CA_BUNDLE beat the given CA;
    the environment's proxy (HTTPS_PROXY, NO_PROXY) is then taken by hand.
    """
    session = requests.Session()
    session.trust_env = False
    session.proxies = {'https': proxy} if proxy else requests.utils.get_environ_proxies(url)
    session.verify = ca_path or os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True
    return session


def cloud_checks(variables):
    """The cloud check of the printer's provider (the provider unit holds it), as entries."""
    provider = provider_for(variables.get('cloudmail_provider') or 'microsoft')
    session = None
    if HAS_CLOUD_LIBRARIES:
        session = cloud_session(provider.cloud_url(variables), variables.get('cloudmail_cloud_proxy'),
                                variables.get('cloudmail_cloud_ca_path'))
    try:
        return [provider.cloud_check(variables, session)]
    finally:
        if session is not None:
            session.close()


def check_device_clock(session, provider, tolerance, now=None):
    """The device's clock (shown on its status page) is within ``tolerance`` seconds of the controller's."""
    time_format = session.profile.get('device_time_format')
    if 'device_time' not in session.profile['labels'] or not time_format:
        return entry('device_clock', True, 'the profile %s names no date and time row; the printer\'s clock was '
                     'not checked' % session.profile_name)
    page = session.get_page(session.profile['providers'][provider]['status_path']).in_section(provider)
    row = page.find('device_time')
    if row is None:
        return entry('device_clock', True, 'the printer shows no date and time on %s; its clock was not '
                     'checked' % page.path)
    try:
        device = calendar.timegm(parse_time(row.text.strip(), time_format).timetuple())
    except ValueError:
        return entry('device_clock', True, 'the printer\'s date and time %r is not in the profile\'s format %r; '
                     'its clock was not checked' % (row.text.strip(), time_format))
    return clock_entry(device, row.text.strip(), tolerance, now)


def clock_entry(device, shown, tolerance, now=None, playbook='rollout.yml'):
    """The clock check itself: ``device`` (seconds since the epoch, UTC) within ``tolerance`` of ``now``.

    Used by the pre-flight, by the sign-in of reauthorize.yml and by the fleet report (with the moment the
    status page was read), so that one rule says when a clock is off.
    """
    skew = device - (time.time() if now is None else now)
    tolerance = float(tolerance)
    if abs(skew) > tolerance:
        return entry('device_clock', False, 'the printer\'s clock is %d s %s the controller\'s (it shows %s UTC), '
                     'more than cloudmail_clock_tolerance (%d s): tokens and codes would be refused. Set its date '
                     'and time (or its NTP server) in its Remote UI, then run %s again' % (
                         abs(skew), 'ahead of' if skew > 0 else 'behind', shown, tolerance, playbook))
    return entry('device_clock', True, 'the printer\'s clock is within %d s of the controller\'s' % tolerance)


def status_clock_entry(status, tolerance, now=None, playbook='rollout.yml'):
    """The clock check from a status read (its ``device_time``, ISO 8601 UTC); None when the printer shows no clock."""
    shown = (status or {}).get('device_time') if isinstance(status, dict) else None
    if not shown:
        return None
    try:
        device = calendar.timegm(time.strptime(str(shown), '%Y-%m-%dT%H:%M:%SZ'))
    except ValueError:
        return None
    return clock_entry(device, str(shown).replace('T', ' ').rstrip('Z'), tolerance, now, playbook)
