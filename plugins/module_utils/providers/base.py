# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every OAuth provider is to the collection: the ``Provider`` base its unit fills in, and the helpers
the units share. No HTTP to a printer and nothing above module_utils."""

from __future__ import annotations

__metaclass__ = type

from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import in_group

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
