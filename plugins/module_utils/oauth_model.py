# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The OAuth settings of a printer as data: desired vs current, the diff, masking, form values.

No HTTP here. Pages come in already parsed (``page_parser.Page``, which carries
the profile's labels and field names), so every function can be tested without
a device. What a status page says (statuses, codes, token lifetimes) is in
``oauth_status``.
"""

from __future__ import annotations

__metaclass__ = type

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import PageNotUnderstoodError, profile_hint
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import NAMES as PROVIDERS, provider_for
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.base import BOOLEAN_FIELDS

SECRET_MASK = '********'
# Settings the device shows back on its edit form, per provider (the client secret it never shows).
VISIBLE_FIELDS = dict((name, provider_for(name).visible_fields) for name in PROVIDERS)


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
