"""Fake mail submission servers of Exchange Online and Gmail: real SMTP (aiosmtpd) on loopback.

Each provider gets its own listener per port it offers (smtp.office365.com:587 STARTTLS,
smtp.gmail.com:587 STARTTLS and :465 implicit TLS); the printers route those names and ports
to them, as they route the authority URLs to the fake clouds. After TLS, the only mechanism
offered is AUTH XOAUTH2, and it succeeds only with a live access token that the fake cloud
issued for that sender and that the connecting printer (known by its loopback source address)
holds. Everything else gets the provider's real reply.
"""

import asyncio
import base64
import binascii
import email
import json
import warnings

from aiosmtpd.smtp import SMTP, AuthResult

# Host names and ports the providers publish for client submission; value: implicit TLS.
SUBMISSION_ENDPOINTS = {
    ('smtp.office365.com', 587): ('microsoft', False),
    ('smtp.gmail.com', 587): ('google', False),
    ('smtp.gmail.com', 465): ('google', True),
}
SCOPES = {'microsoft': 'https://outlook.office.com/SMTP.Send', 'google': 'https://mail.google.com/'}

MICROSOFT_AUTH_FAILED = '535 5.7.3 Authentication unsuccessful [SN4PR0501CA0054.namprd05.prod.outlook.com]'
MICROSOFT_BASIC_AUTH = ('550 5.7.30 Basic authentication is not supported for Client Submission. '
                        'Use OAuth 2.0 instead.')
GOOGLE_AUTH_FAILED = ('535-5.7.8 Username and Password not accepted. For more information, go to\r\n'
                      '535 5.7.8  https://support.google.com/mail/?p=BadCredentials')
GOOGLE_BASIC_AUTH = ('534-5.7.9 Application-specific password required. For more information, go to\r\n'
                     '534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor')
BASIC_AUTH_REPLIES = {'microsoft': MICROSOFT_BASIC_AUTH, 'google': GOOGLE_BASIC_AUTH}
GREETINGS = {'microsoft': 'SN4PR0501CA0054.outlook.office365.com', 'google': 'smtp.gmail.com'}


def xoauth2_fields(blob):
    """{'user', 'token'} from a decoded XOAUTH2 initial response, or None when malformed."""
    try:
        parts = dict(part.split('=', 1) for part in blob.decode().split('\x01') if part)
    except (UnicodeDecodeError, ValueError):
        return None
    bearer = parts.get('auth', '')
    if 'user' not in parts or not bearer.startswith('Bearer '):
        return None
    return {'user': parts['user'], 'token': bearer[len('Bearer '):]}


class ProviderSMTP(SMTP):
    """aiosmtpd's server with the providers' answer to Basic authentication."""

    def __init__(self, handler, **kwargs):
        super().__init__(handler, auth_exclude_mechanism=['LOGIN', 'PLAIN'], **kwargs)
        self.provider = handler.provider

    async def smtp_AUTH(self, arg):
        mechanism = (arg or '').split(' ', 1)[0].upper()
        if (mechanism in ('LOGIN', 'PLAIN') and self.session.extended_smtp
                and (self._tls_protocol or not self._auth_require_tls)):
            # The mechanism is not offered, but devices configured for a password still try it.
            self.mailbox.basic_auth_attempts += 1
            await self.push(BASIC_AUTH_REPLIES[self.provider])
            return
        await super().smtp_AUTH(arg)

    @property
    def mailbox(self):
        return self.event_handler.mailbox


class ProviderHandler:
    """aiosmtpd hooks for one provider: XOAUTH2 against the fake cloud, delivery to the mailbox."""

    def __init__(self, provider, mailbox):
        self.provider = provider
        self.mailbox = mailbox

    async def auth_XOAUTH2(self, server, args):
        if len(args) > 1:
            blob = self._decode(args[1])
        else:
            blob = await server.challenge_auth('', encode_to_b64=False)
            if not isinstance(blob, bytes):
                return AuthResult(success=False, handled=True)   # the client aborted; already answered
        fields = xoauth2_fields(blob) if blob is not None else None
        if fields and self.mailbox.token_accepted(self.provider, fields, server.session.peer[0]):
            self.mailbox.authentications += 1
            return AuthResult(success=True, auth_data=fields['user'])
        self.mailbox.rejected_tokens += 1
        if self.provider == 'google':
            # Gmail first describes the failure in a 334 challenge, then refuses.
            challenge = json.dumps({'status': '401', 'schemes': 'bearer', 'scope': SCOPES['google']})
            await server.challenge_auth(challenge)
            return AuthResult(success=False, handled=False, message=GOOGLE_AUTH_FAILED)
        return AuthResult(success=False, handled=False, message=MICROSOFT_AUTH_FAILED)

    @staticmethod
    def _decode(text):
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.provider == 'microsoft' and address.lower() != (session.auth_data or '').lower():
            return (f'554 5.2.252 SendAsDenied; {session.auth_data} not allowed to send as {address}; '
                    'STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied')
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return '250 2.1.0 Sender OK'

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        self.mailbox.deliver({'provider': self.provider, 'sender': envelope.mail_from,
                              'recipients': list(envelope.rcpt_tos), 'subject': message.get('Subject', ''),
                              'client_address': session.peer[0]})
        return '250 2.0.0 OK <queued as a simulated message>'


class Mailbox:
    """What the fake servers accepted, and the rule for tokens; shared by all listeners."""

    def __init__(self, clouds, token_holder):
        self.clouds = clouds
        self.token_holder = token_holder     # (client address, provider, token) -> bool
        self.messages = []
        self.authentications = self.rejected_tokens = self.basic_auth_attempts = 0

    def token_accepted(self, provider, fields, client_address):
        grant = self.clouds.validate_access_token(fields['token'])
        return bool(grant and grant['provider'] == provider
                    and SCOPES[provider] in grant['scope'].split()
                    and grant['user'].lower() == fields['user'].lower()
                    and self.token_holder(client_address, provider, fields['token']))

    def deliver(self, message):
        self.messages.append(message)

    def summary(self):
        return {'messages': self.messages, 'authentications': self.authentications,
                'rejected_tokens': self.rejected_tokens, 'basic_auth_attempts': self.basic_auth_attempts}


class FakeSubmissionServers:
    """One loopback listener per provider endpoint; ``route`` maps (name, port) to its address."""

    def __init__(self, clouds, token_holder, pki):
        self.mailbox = Mailbox(clouds, token_holder)
        self.pki = pki
        self.ca_path = pki.ca_path      # the devices check the servers' certificates against it
        self.addresses = {}
        self._servers = []

    async def start(self, host='127.0.0.1'):
        loop = asyncio.get_running_loop()
        tls_context = self.pki.server_context()
        for endpoint, (provider, implicit_tls) in SUBMISSION_ENDPOINTS.items():
            handler = ProviderHandler(provider, self.mailbox)

            def protocol(handler=handler, implicit_tls=implicit_tls):
                with warnings.catch_warnings():     # implicit TLS: aiosmtpd cannot see the TLS layer
                    warnings.simplefilter('ignore')
                    return ProviderSMTP(handler, hostname=GREETINGS[handler.provider],
                                        ident='Microsoft ESMTP MAIL Service' if handler.provider == 'microsoft'
                                        else 'ESMTP ready', tls_context=None if implicit_tls else tls_context,
                                        require_starttls=not implicit_tls, auth_required=True,
                                        auth_require_tls=not implicit_tls, timeout=60, loop=loop)
            server = await loop.create_server(protocol, host, 0, ssl=tls_context if implicit_tls else None)
            self._servers.append(server)
            self.addresses[endpoint] = (host, server.sockets[0].getsockname()[1])

    def route(self, host, port):
        """The local address serving ``host:port``, or None (the name does not resolve)."""
        return self.addresses.get((host.lower(), int(port)))

    def close(self):
        for server in self._servers:
            server.close()
