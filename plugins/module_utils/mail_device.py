# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The E-mail/I-Fax SMTP pages of one printer, through a RemoteUISession: settings and the test e-mail."""

from __future__ import annotations

__metaclass__ = type

from ansible_collections.printfleet.cloudmail.plugins.module_utils.mail_model import (
    current_mail_settings,
    mail_form_values,
    mail_failure_reason,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_status import normalize_status
from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import RemoteUIError, profile_hint


class MailDevice:
    """[Settings/Registration] > [Send] > [E-mail/I-Fax Settings] of one printer."""

    def __init__(self, session):
        self.session = session
        self.host = session.host
        self.pages = session.profile.get('mail')
        if not self.pages:
            raise RemoteUIError(self.host, 'the profile %r describes no E-mail/I-Fax SMTP pages; add a "mail" '
                                'block for this firmware to the profile file named by cloudmail_profile_file'
                                % session.profile_name)

    def read_settings(self):
        return current_mail_settings(self.session.get_page(self.pages['edit_path']), self.pages)

    def write_settings(self, settings):
        """Post the edit form and read it back to prove the device kept the values."""
        self.session.submit_form(self.pages['edit_path'], self.pages['fields']['server'],
                                 mail_form_values(self.pages, settings))
        stored = self.read_settings()
        lost = sorted(key for key, value in settings.items() if stored.get(key) != value)
        if lost:
            raise RemoteUIError(self.host, 'the device accepted the SMTP settings but did not keep %s (read back: %s); %s' % (
                ', '.join(lost), ', '.join('%s=%r' % (key, stored.get(key)) for key in lost),
                profile_hint(self.session.profile)))
        return stored

    def last_test(self):
        """The result of the device's last test e-mail: sent, rejected, failed or not_tried."""
        page = self.session.get_page(self.pages['status_path'])
        result = normalize_status('mail_test_result', page.value('mail_test_result').text,
                                  self.host, self.session.profile)
        reply, sent_at = page.find('mail_test_reply'), page.find('mail_test_time')
        reply = reply.text if reply is not None and result != 'not_tried' else None
        return {'result': result, 'server_reply': reply,
                'tested_at': sent_at.text if sent_at is not None and result != 'not_tried' else None,
                'reason': mail_failure_reason(result, reply,
                                              self.session.profile['messages'].get('mail_token_inactive') or ())}

    def send_test(self, recipient):
        """[Send Test E-mail]: the device connects to its SMTP server now; answers the result it shows."""
        self.session.submit_form(self.pages['test_path'], self.pages['fields']['test_recipient'],
                                 {self.pages['fields']['test_recipient']: recipient}, idempotent=False)
        return self.last_test()
