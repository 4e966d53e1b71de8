# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The steps of the manual's OAuth 2.0 procedure, on one printer, through a RemoteUISession."""

from __future__ import annotations

__metaclass__ = type

import time

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    PageNotUnderstoodError,
    RemoteUIError,
    profile_hint,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_model import VISIBLE_FIELDS, current_settings, form_values, masked_settings
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_status import failure_reason, pending_authorization, status_from_page, token_expiry
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import provider_for
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import NEXT_PLAYBOOK


class AuthorizationFailed(RemoteUIError):
    """An authorization step that ended without a token; ``reason`` is one of the module's reasons."""

    def __init__(self, host, reason, message):
        super(AuthorizationFailed, self).__init__(host, message)
        self.reason = reason


class OAuthDevice:
    """The OAuth pages of one provider on one printer."""

    def __init__(self, session, provider):
        self.session = session
        self.host = session.host
        self.provider = provider
        pages = session.profile['providers'].get(provider)
        if pages is None:
            # Validation stops this before any device is contacted; a module run directly still says why.
            raise PageNotUnderstoodError(self.host, 'the profile %r has no %s pages (no providers.%s): set '
                                         'cloudmail_provider to one it has (%s) or use a profile for this firmware; %s' % (
                                             session.profile.get('name'), provider, provider,
                                             ', '.join(sorted(session.profile['providers'])), NEXT_PLAYBOOK))
        self.pages = pages

    def page(self, key):
        """The provider's page the profile names ``key`` (status_path, edit_path...), or an error naming that key."""
        try:
            return self.session.get_page(self.pages[key])
        except PageNotUnderstoodError as exc:
            # The class (and so the reason) stays; the message says which profile value to check.
            raise type(exc)(self.host, '%s (the page named by providers.%s.%s in the profile)' % (
                str(exc).split(': ', 1)[-1], self.provider, key))

    def read_status(self):
        # Rows are read within this provider's section: a page may show Microsoft and Google with the same labels.
        page = self.page('status_path').in_section(self.provider)
        return dict(status_from_page(page), **token_expiry(page, self.provider))

    def read_settings(self):
        return current_settings(self.page('edit_path'), self.pages, self.provider)

    def write_settings(self, plan, client_secret=None):
        """Post the edit form ([Edit] ... [OK]) and read it back to prove the device kept the values."""
        values = form_values(self.pages, self.session.profile, plan.result,
                             client_secret if plan.write_secret else None)
        answer = self.session.submit_form(self.pages['edit_path'], self.pages['fields']['enabled'], values)
        stored = self.read_settings()
        lost = sorted(name for name in VISIBLE_FIELDS[self.provider]
                      if name in plan.result and stored.get(name) != plan.result[name])
        if lost:
            said = getattr(answer, 'device_text', None)
            if said and client_secret:
                said = said.replace(client_secret, '********')
            raise RemoteUIError(
                self.host, 'the device accepted the %s settings but did not keep %s (read back: %s)%s; %s' % (
                    self.provider, ', '.join(lost),
                    ', '.join('%s=%r' % (name, masked_settings(self.provider, stored).get(name)) for name in lost),
                    '; its answer to the post said: "%s"' % said if said else '', profile_hint(self.session.profile)))
        return stored

    def wait_for_connection(self, timeout, interval=1.0, sleep=time.sleep, clock=time.monotonic, after_save=False):
        """Refresh the status page until the connection status leaves ``unknown`` (bounded).

        ``after_save``: the settings were saved moments ago, when the device only ever shows that it
        is still checking, so the first read waits one ``interval`` (a request saved, no time lost).
        """
        deadline = clock() + timeout
        if after_save:
            sleep(min(interval, max(0.0, timeout)))
        status = self.read_status()
        while status['connection_status'] == 'unknown' and clock() < deadline:
            sleep(min(interval, max(0.0, deadline - clock())))
            status = self.read_status()
        return status

    def start_authorization(self):
        """Start the provider's sign-in: a user code asked for (device code flow), or the consent URL read."""
        if provider_for(self.provider).asks_code_back:
            return {'authorization_url': self.google_authorization_url()}
        return self.start_microsoft_authorization()

    def start_microsoft_authorization(self):
        """Make the device ask Entra ID for a user code, the way this firmware does it.

        ``authorize_page``: open the page behind the link next to the endpoint.
        ``code_after_save``: press OK on the settings form as it stands; the code then
        shows on the status page.
        """
        if self.pages.get('authorization_flow') == 'code_after_save':
            self.session.submit_form(self.pages['edit_path'], self.pages['fields']['enabled'], {})
            page = self.page('status_path')
        else:
            page = self.page('authorize_path')
        page = page.in_section(self.provider)
        status = status_from_page_lenient(page)
        if status['authorization'] is None:
            details = status['error_details']
            raise AuthorizationFailed(
                self.host, 'not_connected',
                'the device could not get a user code from its authority%s. Check that the connection '
                'status is connected (oauth_info) and that the tenant allows the device code flow'
                % (' (%s)' % details if details else ''))
        return status['authorization']

    def google_authorization_url(self):
        """The link next to [URL for Google Authorization Server] on the register page."""
        page = self.page('register_path').in_section(self.provider)
        row = page.value('authorization_url')
        url = row.links[0] if row.links else row.text
        if not url.startswith('https://'):
            raise PageNotUnderstoodError(
                self.host, 'page %s shows no https link as the Google authorization URL; %s' % (
                    self.pages['register_path'], profile_hint(self.session.profile)))
        return url

    def submit_code(self, code):
        """Enter the code asked back after consent (authorization code flow)."""
        self.submit_google_code(code)

    def submit_google_code(self, code):
        """Enter the authorization code on the register page and press [OK]."""
        field = self.pages['fields']['authorization_code']
        # Not repeated after a failure that the device may have seen: a code is good for one exchange.
        self.session.submit_form(self.pages['register_path'], field, {field: code}, idempotent=False)


def status_from_page_lenient(page):
    """The authorize page may omit the status rows; read what it has."""
    if page.find('connection_status') is not None and page.find('token_status') is not None:
        return status_from_page(page)
    error = page.find('error_details')
    return {'authorization': pending_authorization(page),
            'error_details': (error.text or None) if error is not None else None}


# What to do next, per failure reason of an authorization: a playbook and the inventory variables to use.
NEXT_STEPS = {
    'code_expired': 'the user code expired before the sign-in was completed; run reauthorize.yml for a new code and '
                    'sign in within its expiry (raise cloudmail_authorization_timeout to wait longer)',
    'declined': 'the sign-in was declined; check the account and its consent, then run reauthorize.yml for a new code',
    'code_rejected': 'the device rejected the authorization code (a code is good once, for a few minutes); run '
                     'reauthorize.yml, open the new authorization URL, consent and give the new code at the prompt '
                     'or in cloudmail_google_authorization_codes',
    'not_connected': 'the device cannot reach its authorization server; check its network, proxy and DNS, and '
                     'cloudmail_verify_server_certificate and cloudmail_add_cn_to_verification, then run rollout.yml',
    'missing_code': 'no authorization is pending on the device; run reauthorize.yml to start one',
    'timeout': 'no active token yet; the person may not have finished signing in: run reauthorize.yml and sign in '
               'while it waits (raise cloudmail_authorization_timeout if needed)',
}


def authorization_failure(host, reason, detail=None, provider=None):
    # A provider may say it its own way (Google's code asked back); else the common words.
    own = provider_for(provider).next_steps if provider is not None else {}
    message = own.get(reason, NEXT_STEPS[reason])
    if detail:
        message = '%s (device says: %s)' % (message, detail)
    return AuthorizationFailed(host, reason, message)


def token_outcome(status, provider, profile):
    """Where a sign-in stands from the status page: ``active``, ``waiting``, or the reason it ended without a token."""
    token = status['token_status']
    if token == 'active':
        return 'active'
    if status['connection_status'] == 'not_connected':
        return 'not_connected'
    details = status['error_details']
    # A device code ends by itself (it expires): an inactive token then means the sign-in ended.
    ended = details or provider_for(provider).ends_without_details
    if token == 'error' or (token in ('inactive', 'expired') and ended):
        return failure_reason(details or '', profile) or ('code_rejected' if token == 'error' else 'code_expired')
    return 'waiting'


def wait_for_token(open_session, provider, timeout, interval, sleep=time.sleep, clock=time.monotonic, warnings=None):
    """Poll the status page until the token is active, with a fresh short session per poll.

    Devices allow very few administrator sessions, so none is held open while
    a person signs in. Bounded by ``timeout``; raises AuthorizationFailed with a
    reason when the device reports the end of the authorization without a token.
    Each poll's session warnings (a failed logout) are added to ``warnings``.
    """
    deadline = clock() + timeout
    while True:
        session = open_session()
        try:
            with session:
                status = OAuthDevice(session, provider).read_status()
        finally:
            if warnings is not None:
                warnings.extend(session.warnings)
        outcome = token_outcome(status, provider, session.profile)
        if outcome == 'active':
            return status
        if outcome != 'waiting':
            raise authorization_failure(session.host, outcome, status['error_details'])
        remaining = deadline - clock()
        if remaining <= 0:
            raise AuthorizationFailed(
                session.host, 'timeout', 'waited %d s: %s' % (timeout, NEXT_STEPS['timeout']))
        sleep(min(interval, remaining))
