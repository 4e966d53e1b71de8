# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Google Workspace (Gmail): the authorization code flow, the code asked back after consent."""

from __future__ import annotations

__metaclass__ = type

import re

from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.base import (
    TIMEOUT_SECONDS,
    Provider,
    _captions,
    _entry,
    _first_line,
)

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
