# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The OAuth providers a printer can send mail through, one unit each.

Everything that differs between Microsoft Entra ID and Google Workspace lives here: the options
of the provider's settings, how the desired settings are built and which field ties the token,
the sign-in flow and what its pending authorization looks like, the SMTP defaults, the cloud
pre-flight check, the token lifetime rules, the words a Remote UI names the provider with and
the text a check-mode diff shows. The rest of the collection asks ``provider_for(name)`` and never
compares a value with a provider name. docs/providers.md says how to add a third provider.

No HTTP to a printer here and no import of anything above module_utils (the cloud check takes
the controller's requests session as an argument and imports msal only when it runs).
"""

from __future__ import annotations

__metaclass__ = type

import datetime
import re

from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import BY_NAME, in_group

# The settings every provider's edit form has; each provider adds the field its token is tied to.
BOOLEAN_FIELDS = ('enabled', 'verify_server_certificate', 'add_cn_to_verification')
TIMEOUT_SECONDS = 15


class ProviderError(ValueError):
    """An unknown provider name."""


class Provider:
    """What one OAuth provider is to the collection; one instance per provider in ``PROVIDERS``."""

    name = None
    label = None
    # The settings field the device ties its token to (changing it drops the token), shown on the edit form.
    subject_field = None
    subject_caption = None
    # The settings field of a secret the device never shows back (None: the provider has none).
    secret_field = None
    # 'device_code': the device shows a user code and a verification URL; 'authorization_code': it shows a
    # consent URL and a code is asked back from the person who consented.
    flow = None
    # Whether starting the sign-in changes the device (asking for a user code does; reading a URL does not).
    start_changes_device = False
    # Seconds an authorization code lives after consent (None: no code is asked back).
    code_lifetime = None
    # Whether an inactive or expired token without error text ends a sign-in (a device code expires).
    ends_without_details = False
    # SMTP client submission the provider publishes: server and port -> encryption.
    smtp_server = None
    smtp_ports = {}
    # How a Remote UI names the provider: words of a heading, tokens of an element's id or class.
    section_words = ()
    section_tokens = ()
    # The manual's menu entries for the provider's settings (English, French, German).
    menu_texts = ()
    # The manual's captions of the settings inputs, by profile field key.
    field_captions = {}
    # The profile keys of the provider's pages (and flow) the probe finds and a draft profile may set.
    page_keys = ('status_path', 'edit_path')
    # Words of the label next to the endpoint whose link starts a device-code sign-in (never followed).
    endpoint_words = ()
    # What the check-mode diff and the operator's text say about the sign-in.
    sign_in_diff = None
    # What to do next after a failed sign-in, where the provider says it its own way (reason -> text).
    next_steps = {}
    operator_instruction = None
    sheet_instruction = None
    check_id = None

    # ------------------------------------------------------------------ settings

    @property
    def options(self):
        """The option-registry entries of this provider's settings."""
        return in_group(self.name)

    @property
    def secret_variables(self):
        return tuple(option.variable for option in self.options if option.secret)

    @property
    def visible_fields(self):
        """The settings the device shows back on its edit form (a secret it never shows)."""
        return BOOLEAN_FIELDS + (self.subject_field,)

    def missing_settings(self, params):
        """The message for settings ``state=present`` cannot do without, or None."""
        raise NotImplementedError

    def desired_fields(self, params):
        """The provider's own visible settings the parameters ask for; ValueError naming the variable."""
        raise NotImplementedError

    def subject(self, variables):
        """What the inventory ties the token to (authority URL, client ID), for comparisons and cache keys."""
        raise NotImplementedError

    def settings_match(self, settings, variables):
        """Whether the printer's settings are on and point where the inventory says; None when unknown."""
        if not isinstance(settings, dict) or 'enabled' not in settings:
            return None
        if not settings.get('enabled'):
            return False
        return self.subject_matches(settings.get(self.subject_field), variables)

    def subject_matches(self, current, variables):
        """Whether the device's subject (``current``) is the inventory's; None when either is unknown."""
        wanted = self.subject(variables)
        return None if not wanted else current == wanted

    def writes_secret(self, current, desired, client_secret, update_secret):
        """Whether the secret is written: never shown back, it is written when OAuth is turned on, the
        subject changes, or ``update_secret=always``."""
        if self.secret_field is None or not client_secret or not desired.get('enabled'):
            return False
        if update_secret == 'always':
            return True
        return not current.get('enabled') or current.get(self.subject_field) != desired.get(self.subject_field)

    def masked(self, settings, mask, secret_written=False):
        """Settings fit for results: the secret is ``mask`` when one is (being) set, else None."""
        masked = dict((name, settings.get(name)) for name in self.visible_fields)
        if self.secret_field is not None:
            # A configured subject implies a stored secret; the device never shows the secret itself.
            masked[self.secret_field] = mask if secret_written or settings.get(self.subject_field) else None
        return masked

    # ------------------------------------------------------------------ sign-in

    @property
    def asks_code_back(self):
        return self.flow == 'authorization_code'

    def token_status_after_start(self, status_token, authorization):
        """The token status a started sign-in leaves."""
        return 'authorizing' if authorization and self.start_changes_device else status_token

    def pending_row(self, host, authorization):
        """One row of the operator's table of pending sign-ins."""
        raise NotImplementedError

    def after_table_text(self, interactive, wait_seconds):
        """What the operator's text says below the table of pending sign-ins: what comes next for this provider."""
        raise NotImplementedError

    def lapse(self, refreshed):
        """``(basis, moment)`` the token lapses by rule from its last refresh, or None (only the device says)."""
        return None

    # ------------------------------------------------------------------ SMTP

    def smtp_warning(self, params):
        """A warning about the SMTP settings that the provider will refuse, or None."""
        return None

    # ------------------------------------------------------------------ cloud pre-flight

    def cloud_url(self, variables):
        """The address the cloud check asks (for the proxy lookup)."""
        raise NotImplementedError

    def cloud_key(self, variables):
        """What the cloud check's answer depends on, so that one answer serves every printer with the same."""
        return self.subject(variables)

    def cloud_check(self, variables, session):
        """The pre-flight's cloud check, one ``{name, ok, message}`` entry; ``session`` a requests session or None."""
        raise NotImplementedError


def _captions(enabled, **own):
    """The manual's captions of a provider's settings inputs, by profile field key, in the form's order."""
    captions = {
        'enabled': enabled,
        'verify_server_certificate': ['Verify Server Certificate', 'Vérifier le certificat du serveur', 'Serverzertifikat prüfen'],
        'add_cn_to_verification': ['Add CN to Verification Items', 'Ajouter CN à la liste des éléments à vérifier',
                                   'CN zu den Prüfelementen hinzufügen'],
    }
    captions.update(own)
    return captions


def _entry(name, ok, message):
    return {'name': name, 'ok': ok, 'message': message}


def _first_line(exc):
    # msal follows its one useful sentence with generic advice on authority formats.
    text = str(exc).strip().split('. Authority would typically', 1)[0].splitlines()
    return text[0][:300] if text else exc.__class__.__name__


SKIP_HINT = 'cloudmail_cloud_proxy and cloudmail_cloud_ca_path set how the controller reaches it ' \
            '(cloudmail_preflight: false skips the check)'

# --------------------------------------------------------------------------- Microsoft Entra ID

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


# --------------------------------------------------------------------------- Google Workspace

GOOGLE_AUTHORIZATION_URL = 'https://accounts.google.com/o/oauth2/v2/auth'
GOOGLE_CLIENT_ID = re.compile(r'^[0-9]+-[a-z0-9]+\.apps\.googleusercontent\.com$')


class Google(Provider):
    """Google Workspace (Gmail): the authorization code flow, the code pasted back.

    How people paste the code (an address, a percent-encoded code, wrapped lines) is read on the
    controller by plugins/plugin_utils/google_codes.py: module_utils may not import controller code.
    """

    name = 'google'
    label = 'Google Workspace'
    subject_field = 'client_id'
    subject_caption = 'client ID'
    secret_field = 'client_secret'
    flow = 'authorization_code'
    # Google codes live 10 minutes after consent.
    code_lifetime = 600
    smtp_server = 'smtp.gmail.com'
    smtp_ports = {587: 'starttls', 465: 'ssl'}
    section_words = ('google',)
    section_tokens = ('google', 'gg', 'ggl')
    menu_texts = ('OAuth 2.0 Settings (Google)', 'OAuth 2.0 (Google) Settings', 'Réglages OAuth 2.0 (Google)',
                  'OAuth 2.0-Einstellungen (Google)', 'Einstellungen OAuth 2.0 (Google)')
    field_captions = _captions(
        ['Use OAuth 2.0 (Google)', 'Utiliser OAuth 2.0 (Google)', 'OAuth 2.0 (Google) verwenden'],
        client_id=['Client ID', 'N° client', 'Client-ID'],
        client_secret=['Client Secret', 'Secret du client', 'Client-Geheimnis'],
        authorization_code=['Authorization Code', "Code d'autorisation", 'Autorisierungscode'])
    page_keys = ('status_path', 'edit_path', 'register_path')
    sign_in_diff = 'the consent URL is shown and its code asked for'
    next_steps = {
        'missing_code': 'no Google authorization code was given: open the authorization URL, consent, and give '
                        'the code (or the whole address the browser then shows) at the prompt of reauthorize.yml '
                        'or in cloudmail_google_authorization_codes',
    }
    operator_instruction = ('Google: open the URL, sign in with the sending mailbox and allow access. The browser then '
                            'shows an error page: copy the value after "code=" in its address bar (up to "&").')
    sheet_instruction = ('Google: open the consent page, sign in with the sending mailbox and allow access; then give '
                         'the code (or the browser\'s whole address) at the run\'s prompt.')
    check_id = 'google_client_id'

    def missing_settings(self, params):
        if not (params.get('client_id') and params.get('client_secret')):
            return ('provider google needs cloudmail_google_client_id and cloudmail_google_client_secret '
                    '(client_id and client_secret)')
        return None

    def desired_fields(self, params):
        return {'client_id': params['client_id']}

    def subject(self, variables):
        return variables.get('cloudmail_google_client_id') or None

    def pending_row(self, host, authorization):
        return {'host': host, 'provider': self.name, 'user_code': '', 'expires_at': '',
                'open': authorization.get('authorization_url') or ''}

    def after_table_text(self, interactive, wait_seconds):
        if interactive:
            return 'You are asked for the Google codes next, all in one prompt.'
        return ('No one to ask: Google printers take their code from cloudmail_google_authorization_codes '
                '(a map of inventory host to code or browser address, given with -e @codes.yml); without '
                'one they fail with "No authorization code" until a run that has it (reauthorize.yml).')

    def cloud_url(self, variables):
        return GOOGLE_AUTHORIZATION_URL

    def cloud_check(self, variables, session):
        """The client ID is well formed and, where Google answers, known."""
        value = str(variables.get('cloudmail_google_client_id') or '')
        if not GOOGLE_CLIENT_ID.match(value):
            return _entry(self.check_id, False, 'cloudmail_google_client_id=%r is not an OAuth client ID '
                          '(digits, a dash, letters and digits, then .apps.googleusercontent.com: copy it from the '
                          'Google Cloud console, APIs & Services > Credentials)' % value)
        try:
            import requests
        except ImportError:
            requests = None
        if session is None or requests is None:
            return _entry(self.check_id, True, 'cloudmail_google_client_id is well formed (not asked: no requests)')
        try:
            response = session.get(GOOGLE_AUTHORIZATION_URL, timeout=TIMEOUT_SECONDS, allow_redirects=False, params={
                'client_id': value, 'redirect_uri': 'http://127.0.0.1/oauth2callback', 'response_type': 'code',
                'scope': 'https://mail.google.com/'})
        except requests.RequestException as exc:
            return _entry(self.check_id, True, 'cloudmail_google_client_id is well formed; Google could not be '
                          'asked whether it knows it (%s)' % _first_line(exc))
        if 'invalid_client' in response.text or 'deleted_client' in response.text:
            return _entry(self.check_id, False, 'cloudmail_google_client_id=%r is not a client Google knows '
                          '(it answers "invalid_client"): check the client ID in the Google Cloud console; nothing '
                          'was written to the printer' % value)
        return _entry(self.check_id, True, 'cloudmail_google_client_id is a client Google knows')


# --------------------------------------------------------------------------- the registry

PROVIDERS = dict((provider.name, provider) for provider in (Microsoft(), Google()))
NAMES = tuple(PROVIDERS)


def asks_code_back(name):
    """Whether the provider called ``name`` asks a code back after consent (None or an unknown name: no)."""
    return name in PROVIDERS and PROVIDERS[name].asks_code_back


def present_in(rows):
    """The providers of some rows (dicts with a ``provider`` key), those that ask a code back first:
    their prompt comes before the wait."""
    named = set(row['provider'] for row in rows)
    return sorted((provider for provider in PROVIDERS.values() if provider.name in named),
                  key=lambda provider: not provider.asks_code_back)


def provider_for(name, host=None):
    """The provider called ``name``; ProviderError naming the known ones (and the host) for anything else."""
    try:
        return PROVIDERS[name]
    except (KeyError, TypeError):
        raise ProviderError('%sunknown provider %r (cloudmail_provider must be one of %s)' % (
            '%s: ' % host if host else '', name, ', '.join(NAMES)))
