# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Microsoft Entra ID (Exchange Online): the device code flow, the authority URL, the tenant's rules."""

from __future__ import annotations

__metaclass__ = type

import datetime
import re

from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import BY_NAME
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.base import (
    TIMEOUT_SECONDS,
    Provider,
    SKIP_HINT,
    _captions,
    _entry,
    _first_line,
)

MICROSOFT_LOGIN = 'https://login.microsoftonline.com'
MICROSOFT_ENDPOINT = '/oauth2/v2.0'
MICROSOFT_AUTHORITY = MICROSOFT_LOGIN + '/%s' + MICROSOFT_ENDPOINT
TENANT_PATTERN = re.compile(
    r'^(common|consumers|organizations'
    r'|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'
    r'|(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$')
# Entra ID sign-in hosts: the global cloud and the national clouds that exist today (US Government for
# GCC High and DoD, China operated by 21Vianet). Azure Germany (login.microsoftonline.de) closed in 2021.
MICROSOFT_AUTHORITY_HOSTS = ('login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn')
AUTHORITY_URL_PATTERN = re.compile(r'^https://(?P<host>[^/]+)/(?P<tenant>[^/]+)/oauth2/v2\.0/?$')
# Expiry watch: an Entra ID refresh token lapses after 90 days without use.
ENTRA_UNUSED_LIFETIME = datetime.timedelta(days=90)
# Any application ID serves: OpenID discovery does not depend on it.
DISCOVERY_CLIENT_ID = '3c6e3b5a-0d8f-4b6e-9f1a-7a2d5c8e4b10'


def authority_url(tenant):
    """The Entra ID endpoint of a tenant, unchecked: the one place the URL is built."""
    return MICROSOFT_AUTHORITY % tenant


def authority_url_for_tenant(tenant):
    """The Entra ID endpoint the manual asks for, for a tenant name, GUID or domain."""
    if not TENANT_PATTERN.fullmatch(tenant or ''):
        raise ValueError('tenant %r is not common, consumers, organizations, a tenant GUID or a domain name'
                         % tenant)
    return authority_url(tenant)


def checked_authority_url(url):
    """An authority URL on an Entra ID host, without a trailing slash; ValueError for anything else."""
    match = AUTHORITY_URL_PATTERN.fullmatch(url or '')
    if not match or match.group('host').lower() not in MICROSOFT_AUTHORITY_HOSTS \
            or not TENANT_PATTERN.fullmatch(match.group('tenant')):
        raise ValueError('authority URL %r is not https://<host>/<tenant>/oauth2/v2.0 with host %s'
                         % (url, ' or '.join(MICROSOFT_AUTHORITY_HOSTS)))
    return url.rstrip('/')


def sender_outside_tenant(sender, tenant):
    """Whether a Microsoft sender's domain is not the tenant's domain (only knowable for a domain tenant).

    The sender is already known to be an address (``mail_model.desired_mail_settings`` checks it first)."""
    tenant = (tenant or '').strip().lower()
    if '.' not in tenant or '@' not in (sender or ''):
        return False        # common / organizations / a GUID: the tenant's domains are not known here
    domain = sender.rsplit('@', 1)[1].lower()
    return domain != tenant and not domain.endswith('.' + tenant)


class Microsoft(Provider):
    """Microsoft Entra ID (Exchange Online): the device code flow."""

    name = 'microsoft'
    label = 'Microsoft Entra ID'
    subject_field = 'authority_url'
    subject_caption = 'authority URL'
    flow = 'device_code'
    start_changes_device = True
    ends_without_details = True
    smtp_server = 'smtp.office365.com'
    smtp_ports = {587: 'starttls'}
    section_words = ('microsoft', 'entra', 'azure')
    section_tokens = ('microsoft', 'ms', 'entra', 'azure', 'msft')
    menu_texts = ('OAuth 2.0 (Microsoft) Settings', 'OAuth 2.0 Settings (Microsoft)', 'Réglages OAuth 2.0 (Microsoft)',
                  'OAuth 2.0-Einstellungen (Microsoft)', 'Einstellungen OAuth 2.0 (Microsoft)')
    field_captions = _captions(
        ['Use OAuth 2.0 (Microsoft)', 'Utiliser OAuth 2.0 (Microsoft)', 'OAuth 2.0 (Microsoft) verwenden'],
        authority_url=['Microsoft Entra ID Authorization Server Endpoint', 'Microsoft Entra ID'])
    page_keys = ('status_path', 'edit_path', 'authorization_flow')
    endpoint_words = ('entra',)
    sign_in_diff = 'the device asks Entra ID for a user code to sign in with'
    operator_instruction = ('Microsoft: open the URL, enter the printer\'s USER CODE and sign in with the mailbox the '
                            'printer sends as. A code is valid until the time shown; an expired code is issued again.')
    sheet_instruction = 'Microsoft: open the sign-in page, enter the printer\'s code and sign in with the mailbox the printer sends as.'
    check_id = 'microsoft_tenant'

    def missing_settings(self, params):
        if not (params.get('tenant') or params.get('authority_url')):
            return ('provider microsoft needs cloudmail_microsoft_tenant or cloudmail_microsoft_authority_url '
                    '(tenant or authority_url)')
        return None

    def desired_fields(self, params):
        name = 'authority_url' if params.get('authority_url') else 'tenant'
        try:
            if name == 'authority_url':
                return {'authority_url': checked_authority_url(params['authority_url'])}
            return {'authority_url': authority_url_for_tenant(params['tenant'])}
        except ValueError as exc:
            # Named by the variable the value came from.
            raise ValueError('%s (%s)' % (exc, BY_NAME[name].variable))

    def subject(self, variables):
        wanted = (variables.get('cloudmail_microsoft_authority_url') or '').rstrip('/')
        tenant = variables.get('cloudmail_microsoft_tenant')
        return wanted or (authority_url(tenant) if tenant else None)

    def subject_matches(self, current, variables):
        # The device may show the URL with another case or a trailing slash.
        wanted = self.subject(variables)
        current = (current or '').rstrip('/')
        return None if not wanted or not current else current.lower() == wanted.lower()

    def pending_row(self, host, authorization):
        return {'host': host, 'provider': self.name, 'user_code': authorization.get('user_code') or '',
                'expires_at': authorization.get('expires_at') or '',
                'open': authorization.get('verification_url') or ''}

    def after_table_text(self, interactive, wait_seconds):
        return ('Nothing to press: the play checks the printers and shows how many codes are left at least every '
                '30 s, for up to %s s (cloudmail_authorization_timeout); after that it stops and names the '
                'printers to finish with reauthorize.yml.' % wait_seconds)

    def lapse(self, refreshed):
        return 'entra_90_days_unused', refreshed + ENTRA_UNUSED_LIFETIME

    def smtp_warning(self, params):
        if sender_outside_tenant(params.get('sender'), params.get('tenant')):
            return ('%s: the sender %s (cloudmail_smtp_sender) is outside the tenant %s; Exchange Online refuses it '
                    '(5.7.60) unless its domain is verified in the tenant and the signed-in mailbox may send as it'
                    % (params['host'], params['sender'], params['tenant']))
        return None

    @staticmethod
    def msal_authority(variables):
        """(authority for msal, the variable the user set, its value): msal wants no endpoint path."""
        if variables.get('cloudmail_microsoft_authority_url'):
            value = str(variables['cloudmail_microsoft_authority_url'])
            authority = value.rstrip('/')
            if authority.endswith(MICROSOFT_ENDPOINT):
                authority = authority[:-len(MICROSOFT_ENDPOINT)]
            return authority, 'cloudmail_microsoft_authority_url', value
        value = str(variables.get('cloudmail_microsoft_tenant') or 'organizations')
        return authority_url(value)[:-len(MICROSOFT_ENDPOINT)], 'cloudmail_microsoft_tenant', value

    def cloud_url(self, variables):
        return self.msal_authority(variables)[0]

    def cloud_key(self, variables):
        # The tenant as asked (organizations when none is given), and which variable said it.
        return self.msal_authority(variables)

    def cloud_check(self, variables, session):
        """The authority resolves to a real tenant: OpenID discovery through msal."""
        authority, variable, value = self.msal_authority(variables)
        try:
            import msal
            import requests
        except ImportError:
            return _entry(self.check_id, False, 'the Python libraries msal and requests are needed on the '
                          'controller to check %s (pip install -r requirements.txt)' % variable)
        try:
            msal.PublicClientApplication(DISCOVERY_CLIENT_ID, authority=authority, http_client=session,
                                         instance_discovery=False, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as exc:
            return _entry(self.check_id, False, 'the controller could not ask Entra ID about %s=%r (%s); %s' % (
                variable, value, _first_line(exc), SKIP_HINT))
        except ValueError as exc:
            return _entry(self.check_id, False, '%s=%r is not a tenant Entra ID knows (OpenID discovery of %s '
                          'answered: %s). Set it to your directory\'s tenant ID or primary domain, as shown in the '
                          'Entra admin center; nothing was written to the printer' % (
                              variable, value, authority, _first_line(exc)))
        return _entry(self.check_id, True, '%s=%r is a tenant Entra ID knows' % (variable, value))
