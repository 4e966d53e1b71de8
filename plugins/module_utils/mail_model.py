# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A printer's E-mail/I-Fax SMTP settings as data: provider defaults, desired vs current, diff.

No HTTP here: pages come in already parsed (``remote_ui.Page``).
"""

from __future__ import annotations

__metaclass__ = type

import re

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    PageNotUnderstoodError,
    profile_hint,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_model import SettingsPlan
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_text import comparable
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import provider_for

DEFAULT_PORT = 587
SETTING_KEYS = ('server', 'port', 'encryption', 'sender', 'authentication')
SELECT_KEYS = ('encryption', 'authentication')
ADDRESS_PATTERN = re.compile(r'^[^@\s<>",;]+@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$')


def is_address(text):
    return bool(ADDRESS_PATTERN.match(text or ''))


def desired_mail_settings(provider, sender, server=None, port=None, encryption=None):
    """The settings to set; ValueError (naming the option) when they cannot work with the provider."""
    if not is_address(sender):
        raise ValueError('sender %r is not an e-mail address' % (sender,))
    # What the provider publishes for client submission (Exchange Online, Gmail).
    published = provider_for(provider)
    server = (server or published.smtp_server).strip().lower()
    port = int(port or DEFAULT_PORT)
    if not 0 < port < 65536:
        raise ValueError('smtp_port %d is outside 1 to 65535' % port)
    if server == published.smtp_server:
        ports = published.smtp_ports
        if port not in ports:
            raise ValueError('%s accepts client submission only on smtp_port %s, not %d' % (
                server, ' or '.join(str(p) for p in sorted(ports)), port))
        encryption = encryption or ports[port]
        if encryption != ports[port]:
            raise ValueError('%s:%d needs encryption=%s, not %s' % (server, port, ports[port], encryption))
    encryption = encryption or ('ssl' if port == 465 else 'starttls')
    return {'server': server, 'port': port, 'encryption': encryption, 'sender': sender,
            'authentication': 'oauth_' + provider}


def current_mail_settings(page, mail_profile):
    """The settings as the device's edit form shows them, normalized."""
    fields = mail_profile['fields']
    form = page.form_with(fields['server'])
    current = {}
    for key in SETTING_KEYS:
        control = form.get(fields[key])
        if control is None:
            raise PageNotUnderstoodError(page.host, 'the SMTP edit form %s has no field %r for %s; %s' % (
                page.path, fields[key], key, profile_hint(page.profile)))
        value = control.value or ''
        if key in SELECT_KEYS:
            names = [name for name, option in mail_profile['choices'][key].items() if option == value]
            if not names:
                raise PageNotUnderstoodError(page.host, 'the SMTP edit form %s shows %s=%r, which the profile does '
                                             'not know (known: %s); %s' % (
                                                 page.path, key, value, mail_profile['choices'][key],
                                                 profile_hint(page.profile)))
            value = names[0]
        elif key == 'port':
            value = int(value) if value.isdigit() else value
        current[key] = value
    return current


def mail_form_values(mail_profile, settings):
    fields, choices = mail_profile['fields'], mail_profile['choices']
    return dict((fields[key], choices[key][value] if key in SELECT_KEYS else str(value))
                for key, value in settings.items())


class MailPlan(SettingsPlan):
    """What a run of smtp_settings would change on one printer (no secret: the device has none to write)."""

    def __init__(self, current, desired):
        super(MailPlan, self).__init__('mail', current, desired, write_secret=False)


# How a refused test e-mail reads: the reply code and enhanced status tell why.
MAIL_FAILURE_REASONS = (
    (re.compile(r'^5\d\d[ -]5\.7\.30\b|^534[ -]5\.7\.9\b'), 'basic_auth_refused'),
    (re.compile(r'^5\d\d[ -]5\.7\.139\b'), 'smtp_auth_disabled'),
    (re.compile(r'^5\d\d[ -](5\.2\.252|5\.7\.60)\b'), 'sender_refused'),
    (re.compile(r'^535[ -]5\.7\.[38]\b'), 'token_refused'),
)


def mail_failure_reason(result, reply, token_inactive=()):
    """Why a test e-mail did not go out, as one word; None when it was sent or not tried.

    ``token_inactive``: the printer's own texts for "no active token" (profile messages ``mail_token_inactive``):
    the printer then did not try the server at all, and a new sign-in is what fixes it.
    """
    if result in ('failed', 'rejected') and any(comparable(text) in comparable(reply or '') for text in token_inactive):
        return 'token_inactive'
    if result == 'failed':
        return 'connection_failed'
    if result != 'rejected':
        return None
    for pattern, reason in MAIL_FAILURE_REASONS:
        if pattern.search(reply or ''):
            return reason
    return 'rejected'
