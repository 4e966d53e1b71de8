# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The OAuth settings of a printer as data: desired vs current, diff, masking, statuses.

No HTTP here. Pages come in already parsed (``page_parser.Page``, which carries
the profile's labels, status words and messages), so every function can be
tested without a device.
"""

from __future__ import annotations

__metaclass__ = type

import datetime
import functools
import re

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    PageNotUnderstoodError,
    UnknownStatusError,
    profile_hint,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_text import comparable, normalize_label
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import NAMES as PROVIDERS, provider_for
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.base import BOOLEAN_FIELDS

SECRET_MASK = '********'
# Settings the device shows back on its edit form, per provider (the client secret it never shows).
VISIBLE_FIELDS = dict((name, provider_for(name).visible_fields) for name in PROVIDERS)
URL_PATTERN = re.compile(r'https?://[^\s"\'<>]+')


# --------------------------------------------------------------------------- settings

def desired_settings(params):
    """The visible settings the module parameters ask for (the secret is handled apart).

    ``state=absent`` only turns OAuth off for the provider and leaves the other
    fields as the device has them.
    """
    if params['state'] == 'absent':
        return {'enabled': False}
    desired = {
        'enabled': True,
        'verify_server_certificate': params['verify_server_certificate'],
        'add_cn_to_verification': params['add_cn_to_verification'],
    }
    desired.update(provider_for(params['provider']).desired_fields(params))
    return desired


def current_settings(page, provider_profile, provider):
    """The visible settings as the device's edit form shows them, whatever the control of each.

    A boolean is a ticked box, or the checked radio / selected option whose value or text says
    on or off (1/0, On/Off, true/false, Activé/Désactivé, Ein/Aus, or the profile's checkbox values).
    """
    fields = provider_profile['fields']
    try:
        # The form holding every setting, chosen by its fields (a test form with hidden copies loses).
        form = page.form_with(*[fields[name] for name in VISIBLE_FIELDS[provider] if name in fields])
    except PageNotUnderstoodError:
        form = page.form_with(fields['enabled'])    # and the missing field is named below
    checkbox = page.profile.get('checkbox') or {}
    current = {}
    for name in VISIBLE_FIELDS[provider]:
        control = form.get(fields[name])
        if control is None:
            raise PageNotUnderstoodError(
                page.host, 'the edit form %s has no field %r for %s; %s' % (
                    page.path, fields[name], name, profile_hint(page.profile)))
        if name in BOOLEAN_FIELDS:
            value = form.boolean(fields[name], checkbox.get('on'), checkbox.get('off'))
            if value is None:
                raise PageNotUnderstoodError(
                    page.host, 'the edit form %s shows %s (field %r) as %r, which says neither on nor off; %s' % (
                        page.path, name, fields[name], form.text(fields[name]), profile_hint(page.profile)))
            current[name] = value
        else:
            current[name] = form.text(fields[name]) or ''
    return current


class SettingsPlan:
    """What a run of oauth_settings would change on one printer."""

    def __init__(self, provider, current, desired, write_secret):
        self.provider = provider
        self.current = current
        self.desired = desired
        self.write_secret = write_secret
        self.changes = dict((name, (current.get(name), value)) for name, value in desired.items()
                            if current.get(name) != value)

    @property
    def changed(self):
        return bool(self.changes) or self.write_secret

    @property
    def drops_token(self):
        """Why writing this plan makes the device discard its token, or None.

        The device keeps a token only for the authority (Microsoft) or client ID
        (Google) it was issued for, and forgets it when OAuth is turned off.
        """
        if not self.current.get('enabled'):
            return None
        if 'enabled' in self.changes and not self.desired.get('enabled'):
            return 'OAuth 2.0 is turned off'
        name = provider_for(self.provider).subject_field if self.provider in PROVIDERS else None
        if name in self.changes:
            return 'the %s changes from %r to %r' % (name.replace('_', ' '), self.changes[name][0],
                                                     self.changes[name][1])
        return None

    @property
    def result(self):
        """The settings after the change (all visible fields)."""
        merged = dict(self.current)
        merged.update(self.desired)
        return merged

    def masked_before(self):
        return masked_settings(self.provider, self.current)

    def masked_after(self):
        return masked_settings(self.provider, self.result, secret_written=self.write_secret)

    def diff(self):
        """Only the fields that differ; a secret shows as a mask, never as itself."""
        before = dict((name, old) for name, (old, new) in self.changes.items())
        after = dict((name, new) for name, (old, new) in self.changes.items())
        diff = {'before': before, 'after': after}
        if self.write_secret:
            before['client_secret'] = self.masked_before().get('client_secret')
            after['client_secret'] = SECRET_MASK
            diff['after_header'] = '%s OAuth 2.0 settings (client secret written)' % self.provider
        return diff


def plan_settings(provider, current, desired, client_secret=None, update_secret='on_create'):
    """Decide what to write.

    The device never shows the client secret back, so it cannot be compared:
    ``update_secret=on_create`` writes it only when OAuth is being turned on or
    the client ID changes; ``always`` writes it on every run (always changed).
    """
    write_secret = provider_for(provider).writes_secret(current, desired, client_secret, update_secret)
    return SettingsPlan(provider, current, desired, write_secret)


def masked_settings(provider, settings, secret_written=False):
    """Settings fit for results: the client secret is a mask when one is (being) set, else None."""
    return provider_for(provider).masked(settings, SECRET_MASK, secret_written)


def form_values(provider_profile, profile, settings, client_secret=None):
    """Form field values that write ``settings`` (and the secret when given)."""
    fields = provider_profile['fields']
    checkbox = profile['checkbox']
    values = {}
    for name, value in settings.items():
        if name in BOOLEAN_FIELDS:
            values[fields[name]] = checkbox['on'] if value else checkbox['off']
        else:
            values[fields[name]] = value
    if client_secret is not None:
        values[fields['client_secret']] = client_secret
        flag = provider_profile.get('secret_change_flag')
        if flag:
            values[flag['field']] = flag['value']
    return values


# --------------------------------------------------------------------------- statuses

def normalize_status(kind, word, host, profile):
    """A status word of the device, in any UI language, as the normalized vocabulary."""
    wanted = normalize_label(word)
    status_values = profile['status_values']
    for normalized, words in status_values[kind].items():
        if any(normalize_label(known) == wanted for known in words):
            return normalized
    known = '; '.join('%s: %s' % (normalized, ', '.join(repr(w) for w in words))
                      for normalized, words in status_values[kind].items())
    raise UnknownStatusError(
        host, 'unknown %s %r (known words: %s); %s' % (
            kind.replace('_', ' '), word, known, profile_hint(profile)))


# Duration units printers write, in the UI languages they ship (compared case-folded, a trailing dot dropped).
DURATION_UNITS = {
    3600: ('h', 'hr', 'hrs', 'hour', 'hours', 'heure', 'heures', 'std', 'stunde', 'stunden', 'ora', 'ore', 'hora',
           'horas', 'uur'),
    60: ('m', 'min', 'mins', 'minute', 'minutes', 'minuten', 'minuto', 'minuti', 'minutos', 'mn'),
    1: ('s', 'sec', 'secs', 'second', 'seconds', 'seconde', 'secondes', 'sek', 'sekunde', 'sekunden', 'secondo',
        'secondi', 'segundo', 'segundos', 'seconden'),
}
_UNIT_SECONDS = dict((unit, seconds) for seconds, units in DURATION_UNITS.items() for unit in units)
_CLOCK_DURATION = re.compile(r'^(?:(\d+):)?(\d{1,2}):(\d{2})$')
_DURATION_PART = re.compile(r'(\d+)\s*([^\W\d_]+)\.?', re.UNICODE)
_DURATION_GLUE = re.compile(r'^[\s,;]*(?:(?:and|et|und|e|y|en)\b)?[\s,;]*$')


def parse_duration(text, pattern=None):
    """Seconds in a duration, or None when the text is none.

    The profile's ``duration_pattern`` (a regular expression with the groups ``minutes`` and
    ``seconds``) wins where it matches; it is matched against the text as ``comparable()`` gives
    it: case-folded, whitespace collapsed, typographic punctuation made plain, a trailing colon
    dropped. Otherwise the formats printers use are recognized: ``14:59`` (minutes:seconds),
    ``1:02:03`` (hours:minutes:seconds), ``14 min 59 s``, ``14 Min. 59 Sek.``, ``899 s``, ``1 h 5 min``.
    """
    shown = normalize_label(text or '')
    if pattern:
        match = re.match(pattern, shown)
        if match and (match.group('minutes') or match.group('seconds')):
            return int(match.group('minutes') or 0) * 60 + int(match.group('seconds') or 0)
    match = _CLOCK_DURATION.match(shown)
    if match:
        hours, minutes, seconds = int(match.group(1) or 0), int(match.group(2)), int(match.group(3))
        return None if seconds > 59 or (match.group(1) and minutes > 59) else hours * 3600 + minutes * 60 + seconds
    total, position, found = 0, 0, False
    for part in _DURATION_PART.finditer(shown):
        unit = _UNIT_SECONDS.get(part.group(2))
        if unit is None or not _DURATION_GLUE.match(shown[position:part.start()]):
            return None
        total, position, found = total + int(part.group(1)) * unit, part.end(), True
    return total if found and _DURATION_GLUE.match(shown[position:]) else None


def verification_url(message):
    """The first URL in the device's instructions, without trailing punctuation."""
    match = URL_PATTERN.search(message or '')
    return match.group(0).rstrip('.,;:)') if match else None


def utc_timestamp(moment):
    return moment.astimezone(datetime.timezone.utc).replace(microsecond=0).strftime('%Y-%m-%dT%H:%M:%SZ')


def pending_authorization(page, now=None):
    """The pending Microsoft user code shown on a page, or None."""
    user_code = page.find('user_code')
    if user_code is None or not user_code.text:
        return None
    message = page.find('message')
    message_text = message.text if message is not None else ''
    expires = page.find('user_code_expires_in')
    expires_in = parse_duration(expires.text, page.profile['duration_pattern']) if expires is not None else None
    if expires is not None and expires_in is None:
        raise PageNotUnderstoodError(
            page.host, 'page %s shows the code expiry as %r, which is no duration like "14 min 59 s"; %s' % (
                page.path, expires.text, profile_hint(page.profile)))
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return {
        'user_code': user_code.text,
        'verification_url': verification_url(message_text) or (message.links[0] if message and message.links else None),
        'message': message_text,
        'expires_in': expires_in,
        'expires_at': utc_timestamp(now + datetime.timedelta(seconds=expires_in)) if expires_in is not None else None,
    }


def status_from_page(page, now=None):
    """Connection and token status, error details and a pending code from a status page."""
    error = page.find('error_details')
    return {
        'connection_status': normalize_status('connection_status', page.value('connection_status').text,
                                              page.host, page.profile),
        'token_status': normalize_status('token_status', page.value('token_status').text,
                                         page.host, page.profile),
        'error_details': (error.text or None) if error is not None else None,
        'authorization': pending_authorization(page, now),
    }


DEFAULT_TOKEN_TIME_FORMAT = '%Y-%m-%d %H:%M UTC'


def _row_time(page, name, time_format):
    """The UTC moment a status row shows, or None when the row is absent or unreadable."""
    row = page.find(name) if name in page.profile.get('labels', {}) else None
    if row is None or not row.text:
        return None
    try:
        moment = parse_time(row.text.strip(), time_format)
    except ValueError:
        moment = parse_any_time(row.text)
        if moment is None:
            return None
    return moment.replace(tzinfo=datetime.timezone.utc)


_TIME_OF_DAY = r'(?:[t ,]+(?P<hour>\d{1,2})[:h](?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\.\d+)?)?\s*(?:z|utc|gmt|\+00:?00)?'
_DATE_FORMATS = (
    # year first (ISO 8601, 2026/12/03, 2026.12.03): always year, month, day
    ('ymd', re.compile(r'^(?P<a>\d{4})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{1,2})' + _TIME_OF_DAY + r'$')),
    # day.month.year (German and most European UIs write dots day first)
    ('dmy', re.compile(r'^(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.(?P<c>\d{4})' + _TIME_OF_DAY + r'$')),
    # 03/12/2026 or 12/03/2026: day or month first, known only where one of them is above 12
    ('?', re.compile(r'^(?P<a>\d{1,2})[-/](?P<b>\d{1,2})[-/](?P<c>\d{4})' + _TIME_OF_DAY + r'$')),
)


def parse_any_time(text):
    """A date and time in the formats printers show, where unambiguous: ISO and year-first orders,
    day.month.year, and day/month or month/day where one of them is above 12; None otherwise."""
    shown = normalize_label(text or '')
    for order, pattern in _DATE_FORMATS:
        match = pattern.match(shown)
        if not match:
            continue
        a, b, c = int(match.group('a')), int(match.group('b')), int(match.group('c'))
        if order == 'ymd':
            year, month, day = a, b, c
        elif order == 'dmy' or a > 12 >= b:
            year, month, day = c, b, a
        elif b > 12 >= a:
            year, month, day = c, a, b
        else:
            return None     # 03/04/2026: the 3rd of April or the 4th of March
        try:
            return datetime.datetime(year, month, day, int(match.group('hour') or 0), int(match.group('minute') or 0),
                                     int(match.group('second') or 0))
        except ValueError:
            return None
    return None


_NUMERIC_DIRECTIVES = {'Y': r'(?P<year>\d{4})', 'm': r'(?P<month>\d{1,2})', 'd': r'(?P<day>\d{1,2})',
                       'H': r'(?P<hour>\d{1,2})', 'M': r'(?P<minute>\d{1,2})', 'S': r'(?P<second>\d{1,2})'}


@functools.lru_cache(maxsize=32)
def _numeric_pattern(time_format):
    """A regular expression for a format made of numeric fields only (%Y %m %d %H %M %S), else None."""
    parts, index = [], 0
    while index < len(time_format):
        if time_format[index] == '%':
            directive = time_format[index + 1:index + 2]
            if directive not in _NUMERIC_DIRECTIVES or _NUMERIC_DIRECTIVES[directive] in parts:
                return None
            parts.append(_NUMERIC_DIRECTIVES[directive])
            index += 2
        else:
            parts.append(re.escape(time_format[index]))
            index += 1
    return re.compile(''.join(parts) + r'\Z')


def parse_time(text, time_format):
    """``datetime.strptime``, without its locale lookup for the numeric formats devices show (read for every printer)."""
    pattern = _numeric_pattern(time_format)
    if pattern is None:
        return datetime.datetime.strptime(text, time_format)
    match = pattern.match(text)
    if match is None:
        raise ValueError('%r does not match %r' % (text, time_format))
    fields = dict((name, int(value)) for name, value in match.groupdict().items())
    return datetime.datetime(fields.get('year', 1900), fields.get('month', 1), fields.get('day', 1),
                             fields.get('hour', 0), fields.get('minute', 0), fields.get('second', 0))


def token_expiry(page, provider, now=None):
    """When the token was last refreshed and when it is expected to lapse, from a status page.

    The basis says where the lapse comes from: ``google_testing_7_days`` (the device shows the end
    of the authorization that Google announced, 7 days after consent for a client in testing
    status), ``entra_90_days_unused`` (last refresh + 90 days: an Entra ID refresh token lapses
    after 90 days without use) or ``unknown``. The remaining time is measured on the printer's own
    clock (its "Device Date/Time" row), in which it writes both moments, so that a printer whose
    clock is off still gets the right remaining time; only where it shows no clock, the
    controller's clock is used (``token_lapse_clock`` says which).
    """
    profile = page.profile
    time_format = profile.get('token_time_format') or DEFAULT_TOKEN_TIME_FORMAT
    refreshed = _row_time(page, 'token_refreshed_at', time_format)
    valid_until = _row_time(page, 'refresh_token_expires_at', time_format)
    device_now = None
    if profile.get('device_time_format'):
        device_now = _row_time(page, 'device_time', profile['device_time_format'])
    # The device's own end of the authorization wins; else the provider's rule from the last refresh.
    by_rule = provider_for(provider).lapse(refreshed) if refreshed is not None else None
    if valid_until is not None:
        basis, lapse = 'google_testing_7_days', valid_until
    elif by_rule is not None:
        basis, lapse = by_rule
    else:
        basis, lapse = 'unknown', None
    clock_now = device_now or now or datetime.datetime.now(datetime.timezone.utc)
    remaining = None
    if lapse is not None:
        remaining = round((lapse - clock_now).total_seconds() / 86400.0, 2)
    return {
        'token_refreshed_at': utc_timestamp(refreshed) if refreshed else None,
        'token_expected_lapse_at': utc_timestamp(lapse) if lapse else None,
        'token_lapse_basis': basis,
        'token_lapses_in_days': remaining,
        'token_lapse_clock': 'printer' if device_now else 'controller',
        'device_time': utc_timestamp(device_now) if device_now else None,
    }


def failure_reason(error_details, profile):
    """Why an authorization ended without a token, from the device's error text (any language)."""
    text = comparable(error_details)
    if any(comparable(m) in text for m in profile['messages']['code_rejected']) or \
            'invalid_grant' in text or 'bad_verification_code' in text:
        return 'code_rejected'
    if 'declin' in text or 'refus' in text or 'denied' in text:
        return 'declined'
    if 'expir' in text or '70019' in text:
        return 'code_expired'
    return None
