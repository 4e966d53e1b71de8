# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Device profiles: how one Remote UI family looks over HTTP.

Pure data, no code. The collection's client and the test simulator both read
these dictionaries, so the simulator serves exactly what the client expects.
A new device family is a new entry here, not new code. The structure is
validated by ``schemas/device_profile.schema.json``.

Where a name is taken from public material it says so in ``sources``; every
other path and field name is this project's model of the firmware and can be
overridden for a real device (see docs/device-contract.md).
"""

from __future__ import annotations

__metaclass__ = type

# On-screen labels of the OAuth pages, keyed by the normalized name the client
# uses. Every language of every family is accepted on read, so the client never
# needs to know which UI language a device runs.
LABELS = {
    'connection_status': ['Server Connection Status', 'Statut de connexion du serveur'],
    'token_status': ['Token Status', 'Statut du jeton'],
    'message': ['Message', 'Message'],
    'user_code': ['User Code', 'Code utilisateur'],
    'user_code_expires_in': ['User Code Expires In', 'Le code utilisateur expire dans'],
    'authorization_url': ['URL for Google Authorization Server', "URL du serveur d'autorisation Google"],
    'error_details': ['Error Details', "Détails de l'erreur"],
    'token_refreshed_at': ['Token Last Refreshed', 'Dernier renouvellement du jeton'],
    # E-mail/I-Fax > SMTP settings and the test e-mail
    'smtp_server': ['SMTP Server', 'Serveur SMTP'],
    'smtp_port': ['SMTP Port Number', 'Numéro de port SMTP'],
    'smtp_encryption': ['Use TLS', 'Utiliser TLS'],
    'sender_address': ['E-mail Address', 'Adresse e-mail'],
    'smtp_authentication': ['Authentication Method', "Méthode d'authentification"],
    'mail_test_result': ['Last Test E-mail', 'Dernier e-mail de test'],
    'mail_test_reply': ['Server Reply', 'Réponse du serveur'],
    'mail_test_time': ['Test E-mail Sent At', "Heure d'envoi de l'e-mail de test"],
}

# Status words shown by the device, mapped to the normalized vocabulary.
STATUS_VALUES = {
    'connection_status': {
        'connected': ['Successfully Connected', 'Connexion établie'],
        'not_connected': ['Connection Failed', 'Échec de la connexion'],
        'unknown': ['Checking...', 'Vérification...', '-'],
    },
    'token_status': {
        'active': ['Active', 'Actif'],
        'inactive': ['Inactive', 'Inactif'],
        'authorizing': ['Waiting for Authorization', "En attente d'autorisation"],
        'expired': ['Expired', 'Expiré'],
        'error': ['Error', 'Erreur'],
    },
    'mail_test_result': {
        'sent': ['Sent', 'Envoyé'],
        'rejected': ['Rejected by the Server', 'Refusé par le serveur'],
        'failed': ['Could Not Connect', 'Connexion impossible'],
        'not_tried': ['Not Sent Yet', 'Pas encore envoyé'],
    },
}

# Texts by which the device explains a refused login or request. Matched as
# substrings of the page text.
MESSAGES = {
    'login_failed': ['The ID or password is incorrect.', "L'ID ou le mot de passe est incorrect."],
    'locked_out': ['Login is restricted because of repeated failed attempts.',
                   'La connexion est restreinte en raison de tentatives infructueuses répétées.'],
    'session_limit': ['Another administrator is logged in.', 'Un autre administrateur est connecté.'],
    'busy': ['The device is busy.', "L'appareil est occupé."],
    'code_rejected': ['The authorization code is incorrect.', "Le code d'autorisation est incorrect."],
}

# "User Code Expires In" is a duration such as "14 min 59 s" in both languages.
DURATION_PATTERN = r'^\s*(?:(?P<minutes>\d+)\s*min)?\s*(?:(?P<seconds>\d+)\s*s)?\s*$'

PROFILES = {
    'imagerunner_advance': {
        'description': 'imageRUNNER ADVANCE style Remote UI (/login, /rps/*.cgi, per-page Token).',
        'sources': {
            'public': ['login path and fields deptid/password/uri', 'sessionid cookie',
                       'Token anti-forgery field', 'Flag/PageFlag/Dummy bookkeeping fields',
                       'ERR marker on a failed write', 'status labels Successfully Connected and Active'],
            'modelled': ['logout path', 'OAuth page paths and field names', 'E-mail/I-Fax SMTP page paths and field names',
                         'session limits and idle timeout'],
        },
        'login': {
            'path': '/login',
            'username_field': 'deptid',
            'password_field': 'password',
            'extra_fields': {'uri': '/rps/'},
            'session_cookie': 'sessionid',
        },
        'logout': {'path': '/logout'},
        'token_field': 'Token',
        'error_marker': 'ERR',
        # Sent with every write, as the browser's page script does.
        'write_fields': {'Flag': 'Exec_Data', 'CoreNXAction': './oauth.cgi'},
        'timestamp_field': 'Dummy',
        'checkbox': {'on': '1', 'off': None},
        'markup': 'table',
        'mail': {
            'status_path': '/rps/mailsmtp.cgi',
            'edit_path': '/rps/mailsmtpedit.cgi',
            'test_path': '/rps/mailtest.cgi',
            'fields': {
                'server': 'SmtpServer',
                'port': 'SmtpPort',
                'encryption': 'SmtpTls',
                'sender': 'MailAddr',
                'authentication': 'SmtpAuthMethod',
                'test_recipient': 'TestMailAddr',
            },
            'choices': {
                'encryption': {'none': '0', 'starttls': '1', 'ssl': '2'},
                'authentication': {'none': '0', 'password': '1', 'oauth_microsoft': '2', 'oauth_google': '3'},
            },
        },
        'providers': {
            'microsoft': {
                'status_path': '/rps/oauthms.cgi',
                'edit_path': '/rps/oauthmsedit.cgi',
                'authorize_path': '/rps/oauthmsauth.cgi',
                'fields': {
                    'enabled': 'OAuthUse',
                    'verify_server_certificate': 'VerifyCert',
                    'add_cn_to_verification': 'AddCN',
                    'authority_url': 'AuthServerURL',
                },
            },
            'google': {
                'status_path': '/rps/oauthgg.cgi',
                'edit_path': '/rps/oauthggedit.cgi',
                'register_path': '/rps/oauthggreg.cgi',
                'fields': {
                    'enabled': 'OAuthUse',
                    'verify_server_certificate': 'VerifyCert',
                    'add_cn_to_verification': 'AddCN',
                    'client_id': 'ClientID',
                    'client_secret': 'ClientSecret',
                    'authorization_code': 'AuthCode',
                },
                'secret_change_flag': None,
            },
        },
    },
    'isensys_mf': {
        'description': 'i-SENSYS / imageCLASS MF and LBP style Remote UI (/checkLogin.cgi, /cgi/*.cgi, iToken, iNNNN fields).',
        'sources': {
            'public': ['checkLogin.cgi with i0012=1 and numbered ID/PIN fields', 'portal_top.html after login',
                       'logout.cgi', 'iToken anti-forgery field', 'checkboxes sent as 0/1',
                       'secret sent only with a change flag', 'field names independent of UI language'],
            'modelled': ['OAuth page paths and field numbers', 'E-mail/I-Fax SMTP page paths and field numbers',
                         'session cookie name', 'session limits and idle timeout'],
        },
        'login': {
            'path': '/checkLogin.cgi',
            'username_field': 'i0014',
            'password_field': 'i0016',
            'extra_fields': {'i0012': '1'},
            'session_cookie': 'sessid',
        },
        'logout': {'path': '/logout.cgi'},
        'token_field': 'iToken',
        'error_marker': 'ERR',
        'write_fields': {},
        'timestamp_field': None,
        'checkbox': {'on': '1', 'off': '0'},
        'markup': 'definition_list',
        'mail': {
            'status_path': '/m_mail_smtp.html',
            'edit_path': '/m_mail_smtp_edit.html',
            'test_path': '/m_mail_test.html',
            'fields': {
                'server': 'i4001',
                'port': 'i4002',
                'encryption': 'i4003',
                'sender': 'i4004',
                'authentication': 'i4005',
                'test_recipient': 'i4010',
            },
            'choices': {
                'encryption': {'none': '0', 'starttls': '1', 'ssl': '2'},
                'authentication': {'none': '0', 'password': '1', 'oauth_microsoft': '4', 'oauth_google': '5'},
            },
        },
        'providers': {
            'microsoft': {
                'status_path': '/m_oauth_ms.html',
                'edit_path': '/m_oauth_ms_edit.html',
                'authorize_path': '/m_oauth_ms_auth.html',
                'fields': {
                    'enabled': 'i3001',
                    'verify_server_certificate': 'i3002',
                    'add_cn_to_verification': 'i3003',
                    'authority_url': 'i3004',
                },
            },
            'google': {
                'status_path': '/m_oauth_gg.html',
                'edit_path': '/m_oauth_gg_edit.html',
                'register_path': '/m_oauth_gg_reg.html',
                'fields': {
                    'enabled': 'i3101',
                    'verify_server_certificate': 'i3102',
                    'add_cn_to_verification': 'i3103',
                    'client_id': 'i3104',
                    'client_secret': 'i3105',
                    'authorization_code': 'i3110',
                },
                'secret_change_flag': {'field': 'i3106', 'value': '1'},
            },
        },
    },
}
