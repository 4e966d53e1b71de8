"""The printer's E-mail/I-Fax SMTP settings, its SMTP client and the "send test e-mail" pages.

Paths, field names, option values, labels and status words come from the profile's ``mail``
block (plugins/module_utils/profiles.py). The device really sends: it connects from its own
loopback address to the provider's submission server (routed to simulator/smtp_server.py),
with STARTTLS or implicit TLS checked against the test CA, and authenticates with XOAUTH2
using the access token its OAuth client holds (refreshed first when due, as firmware does).
"""

import asyncio
import base64
import datetime
import html
import smtplib
import socket
import ssl
from email.message import EmailMessage

# A device as delivered: no server, no authentication.
DEFAULT_MAIL_SETTINGS = {'server': '', 'port': '25', 'encryption': 'none', 'sender': '', 'authentication': 'none'}
TEXT = {
    'mail': ['E-mail/I-Fax: SMTP Settings', 'E-mail/I-Fax : réglages SMTP'],
    'edit_mail': ['Edit SMTP Settings', 'Modifier les réglages SMTP'],
    'send_test': ['Send Test E-mail', "Envoyer un e-mail de test"],
    'test_recipient': ['Destination', 'Destinataire'],
    'encryption': {'none': ['Off', 'Désactivé'], 'starttls': ['STARTTLS', 'STARTTLS'],
                   'ssl': ['SSL/TLS', 'SSL/TLS']},
    'authentication': {'none': ['Off', 'Désactivé'], 'password': ['SMTP AUTH (password)', 'SMTP AUTH (mot de passe)'],
                       'oauth_microsoft': ['OAuth 2.0 (Microsoft)', 'OAuth 2.0 (Microsoft)'],
                       'oauth_google': ['OAuth 2.0 (Google)', 'OAuth 2.0 (Google)']},
    'no_token': ['The OAuth 2.0 token is not active. Authorize again.',
                 "Le jeton OAuth 2.0 n'est pas actif. Recommencez l'autorisation."],
}
SEND_TIMEOUT = 10


class RoutedSMTP(smtplib.SMTP):
    """smtplib's client, connecting from the printer's address to wherever the simulator routes the name."""
    route = None        # (host, port) -> (address, port) or None
    source = None       # the printer's own loopback address

    def _get_socket(self, host, port, timeout):
        address = self.route(host, port)
        if address is None:
            raise OSError(f'{host}:{port} does not answer')
        return socket.create_connection(address, timeout, source_address=(self.source, 0))


class RoutedSMTPSSL(smtplib.SMTP_SSL, RoutedSMTP):
    """Implicit TLS (port 465): SMTP_SSL wraps the routed socket, checking the real host name."""


def _reply_text(code, message):
    lines = (message.decode(errors='replace') if isinstance(message, bytes) else str(message)).splitlines() or ['']
    return '\n'.join(f'{code}{"-" if i < len(lines) - 1 else " "}{line}' for i, line in enumerate(lines))


def send_mail(settings, token, password, recipient, route, source, ca_path, device_name):
    """Run in a worker thread: one SMTP session as the firmware does it. Answers (result, reply)."""
    context = ssl.create_default_context(cafile=ca_path)
    implicit = settings['encryption'] == 'ssl'
    client = RoutedSMTPSSL(local_hostname=device_name, timeout=SEND_TIMEOUT, context=context) if implicit \
        else RoutedSMTP(local_hostname=device_name, timeout=SEND_TIMEOUT)
    client.route, client.source = route, source
    client._host = settings['server']      # the name TLS checks; smtplib sets it only in its constructor
    try:
        client.connect(settings['server'], int(settings['port']))
        client.ehlo()
        if settings['encryption'] == 'starttls':
            client.starttls(context=context)
            client.ehlo()
        method = settings['authentication']
        if method.startswith('oauth_'):
            sasl = base64.b64encode(f'user={settings["sender"]}\x01auth=Bearer {token}\x01\x01'.encode()).decode()
            code, reply = client.docmd('AUTH', 'XOAUTH2 ' + sasl)
            if code == 334:     # Gmail explains the failure in a challenge first; the client answers empty
                code, reply = client.docmd('')
            if code != 235:
                return 'rejected', _reply_text(code, reply)
        elif method == 'password':
            code, reply = client.docmd('AUTH', 'LOGIN ' + base64.b64encode(settings['sender'].encode()).decode())
            if code == 334:
                code, reply = client.docmd(base64.b64encode((password or '').encode()).decode())
            if code != 235:
                return 'rejected', _reply_text(code, reply)
        message = EmailMessage()
        message['From'], message['To'] = settings['sender'], recipient
        message['Subject'] = f'Test e-mail from {device_name}'
        message.set_content('This is a test e-mail sent from the Remote UI.')
        client.send_message(message)
        return 'sent', '250 2.0.0 OK'
    except smtplib.SMTPResponseException as error:
        return 'rejected', _reply_text(error.smtp_code, error.smtp_error)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        return 'rejected', _reply_text(code, reply)
    except (OSError, ValueError, smtplib.SMTPException) as error:
        return 'failed', f'{settings["server"]}:{settings["port"]}: {error}'
    finally:
        try:
            client.close()
        except OSError:
            pass


class DeviceMail:
    """SMTP settings, the basic-auth password of old set-ups and the last test of one printer."""

    def __init__(self, printer, submission):
        self.printer = printer
        self.submission = submission        # FakeSubmissionServers, or None: no mail server reachable
        self.settings = dict(DEFAULT_MAIL_SETTINGS)
        self.password = ''                  # SMTP AUTH password of a set-up from before OAuth
        self.last_test = None               # {'result', 'reply', 'at'}

    @property
    def spec(self):
        """The profile's mail block, as the printer serves it now (None: no SMTP pages)."""
        return self.printer.profile.get('mail')

    # ----- control interface
    def state(self):
        return {'settings': dict(self.settings), 'password_set': bool(self.password),
                'last_test': self.last_test}

    def configure(self, values):
        """Set the mail settings directly (a printer as a previous administrator left it)."""
        for key in DEFAULT_MAIL_SETTINGS:
            if key in values:
                self.settings[key] = str(values[key])
        if 'password' in values:
            self.password = str(values['password'])

    def routes(self):
        if not self.spec:
            return {}
        return {('GET', self.spec['status_path']): self.status_page,
                ('GET', self.spec['edit_path']): self.edit_page,
                ('POST', self.spec['edit_path']): self.save,
                ('GET', self.spec['test_path']): self.test_page,
                ('POST', self.spec['test_path']): self.send_test}

    def menu_link(self):
        return (f'<li><a href="{self.spec["status_path"]}">{self._t("mail")}</a></li>' if self.spec else '')

    # ----- pages
    async def status_page(self, request):
        if not self.printer._viewer(request):
            return self.printer._to_login()
        label, word = self.printer._label, self.printer._status_word
        rows = [(label('smtp_server'), html.escape(self.settings['server']) or '-'),
                (label('smtp_port'), self.settings['port']),
                (label('smtp_encryption'), self._t('encryption')[self.settings['encryption']]),
                (label('sender_address'), html.escape(self.settings['sender']) or '-'),
                (label('smtp_authentication'), self._t('authentication')[self.settings['authentication']])]
        test = self.last_test
        rows.append((label('mail_test_result'), word('mail_test_result', test['result'] if test else 'not_tried')))
        if test:
            rows += [(label('mail_test_reply'), html.escape(test['reply'], quote=False)),
                     (label('mail_test_time'), self.printer.device_time_text(test['at']))]
        body = (f'<a href="{self.spec["edit_path"]}">{self.printer._t("edit")}</a> '
                f'<a href="{self.spec["test_path"]}">{self._t("send_test")}</a>' + self.printer._rows(rows))
        return self.printer._html(self.printer._page(self._t('mail'), body))

    async def edit_page(self, request):
        session = self.printer._viewer(request)
        if not session:
            return self.printer._to_login()
        fields, choices, label = self.spec['fields'], self.spec['choices'], self.printer._label
        attr = self.printer._attr
        rows = [(label('smtp_server'), f'<input type="text" name="{fields["server"]}" value="{attr(self.settings["server"])}" maxlength="128">'),
                (label('smtp_port'), f'<input type="text" name="{fields["port"]}" value="{attr(self.settings["port"])}" maxlength="5">'),
                (label('smtp_encryption'), self._select('encryption', fields, choices)),
                (label('sender_address'), f'<input type="text" name="{fields["sender"]}" value="{attr(self.settings["sender"])}" maxlength="256">'),
                (label('smtp_authentication'), self._select('authentication', fields, choices))]
        body = self.printer._form(session, self.spec['edit_path'], self.printer._rows(rows))
        return self.printer._html(self.printer._page(self._t('edit_mail'), body))

    def _select(self, key, fields, choices):
        options = ''.join(
            f'<option value="{value}"{" selected" if name == self.settings[key] else ""}>{self._t(key)[name]}</option>'
            for name, value in choices[key].items())
        return f'<select name="{fields[key]}">{options}</select>'

    async def save(self, request):
        session = self.printer._session(request)
        if not session:
            return self.printer._to_login()
        form = await self.printer._accept_post(request, session)
        settings = form and self._parse(form)
        if not settings:
            return self.printer._error_page()
        self.settings = settings
        self.printer.counters['writes'] += 1
        return self.printer._redirect(self.spec['status_path'])

    def _parse(self, form):
        fields, choices = self.spec['fields'], self.spec['choices']
        settings = dict(self.settings)
        for key in ('server', 'port', 'sender'):
            if form.get(fields[key]) is not None:
                settings[key] = form[fields[key]].strip()
        for key in ('encryption', 'authentication'):
            value = form.get(fields[key])
            if value is not None:
                names = [name for name, option in choices[key].items() if option == value]
                if not names:
                    return None
                settings[key] = names[0]
        if not settings['port'].isdigit() or not 0 < int(settings['port']) < 65536:
            return None
        if settings['sender'] and '@' not in settings['sender']:
            return None
        return settings

    async def test_page(self, request):
        session = self.printer._viewer(request)
        if not session:
            return self.printer._to_login()
        name = self.spec['fields']['test_recipient']
        rows = self.printer._rows([(self._t('test_recipient'),
                                    f'<input type="text" name="{name}" value="" maxlength="256">')])
        body = self.printer._form(session, self.spec['test_path'], rows)
        return self.printer._html(self.printer._page(self._t('send_test'), body))

    async def send_test(self, request):
        session = self.printer._session(request)
        if not session:
            return self.printer._to_login()
        form = await self.printer._accept_post(request, session)
        recipient = form and form.get(self.spec['fields']['test_recipient'], '').strip()
        if not recipient or '@' not in recipient:
            return self.printer._error_page()
        result, reply = await self.send(recipient)
        self.last_test = {'result': result, 'reply': reply, 'at': self.printer.clock.now()}
        return self.printer._redirect(self.spec['status_path'])

    async def send(self, recipient):
        """Send one e-mail with the current settings: (result, reply)."""
        token = None
        method = self.settings['authentication']
        if method.startswith('oauth_'):
            oauth = self.printer.oauth[method[len('oauth_'):]]
            await oauth.refresh_if_due()
            if oauth.status != 'active':
                return 'failed', self._t('no_token')
            token = oauth.token['access_token']
        if self.submission is None:
            return 'failed', f'{self.settings["server"]}:{self.settings["port"]}: no route to the mail server'
        return await asyncio.to_thread(
            send_mail, dict(self.settings), token, self.password, recipient, self.submission.route,
            self.printer.address, self.submission.ca_path, self.printer.name)

    def _t(self, key):
        return self.printer._translate(TEXT, key)


def device_time_text(moment):
    """How the device prints a moment: UTC, to the minute."""
    return datetime.datetime.fromtimestamp(moment, datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
