# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type


class ModuleDocFragment(object):

    # How every module of this collection reaches one printer's Remote UI.
    DOCUMENTATION = r'''
options:
  host:
    description:
      - Name or address of the printer whose Remote UI is driven.
      - The modules run on the controller and connect to this host over HTTPS.
    type: str
    required: true
  port:
    description:
      - HTTPS port of the Remote UI.
    type: int
    default: 443
  username:
    description:
      - Administrator user of the Remote UI (on many devices the System Manager ID).
      - Administrator or Network Administrator privileges are required.
    type: str
    required: true
  password:
    description:
      - Password (PIN) of O(username).
      - A refused login is never retried, so that the collection never locks the account out.
    type: str
    required: true
  profile:
    description:
      - Built-in device profile, which decides the pages, form fields, labels and status words the modules expect.
      - The name of a file in the collection's C(profiles/) directory, without C(.yml); for example
        V(imagerunner_advance) (C(/login), C(/rps/) pages) or V(isensys_mf) (C(/checkLogin.cgi)).
        An unknown name fails with the list of the known ones.
      - One of O(profile) and O(profile_file) is required; O(profile_file) wins when both are set.
    type: str
  profile_file:
    description:
      - A device profile of your own, as a YAML file on the controller, for firmware that differs from the
        built-in profiles (other paths, field names, labels, login or logout behaviour).
      - It may C(extends) a built-in profile and override only what differs; it is checked against
        C(schemas/device_profile.schema.json) before anything is sent. See C(docs/device-contract.md).
    type: path
  resolved_profile:
    description:
      - Internal. The profile as the action plugin resolved it on the controller, passed to the module when a
        task runs in the background (C(async)); the module itself never reads profile files. Leave it unset; use
        O(profile) or O(profile_file).
    type: dict
  validate_certs:
    description:
      - Whether to verify the printer's TLS certificate.
      - Set to V(false) only for a printer with a self-signed certificate you cannot replace.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA certificates that sign the printers' certificates.
      - When set, only these CAs are trusted; E(REQUESTS_CA_BUNDLE) does not override it.
      - When not set, the bundle named by E(REQUESTS_CA_BUNDLE) (or E(CURL_CA_BUNDLE)) is used if the environment
        sets one, else the CA bundle of the Python C(requests) library (C(certifi)).
    type: path
  timeout:
    description:
      - Seconds each HTTP request may take in all, from the connection to the last byte of the answer
        (a device that answers one byte at a time is cut off when they are over).
      - Answers larger than 2 MiB are not read (a Remote UI page is far smaller).
      - Redirects to another host or port are never followed, and nothing is sent there.
    type: float
    default: 10
  task_budget:
    description:
      - Seconds one task may spend talking to the printer in all (requests and the pauses between retries; not
        the wait for a sign-in). When they are used up the task fails for this printer and the others go on.
      - The logout after a failure may take up to 5 more seconds.
    type: float
    default: 180
  retries:
    description:
      - How often a request is repeated after a transient fault (refused or reset connection, timeout,
        HTTP 5xx, device busy), with exponential backoff.
      - An expired session is renewed once by a new login. A wrong password, a login answer the profile does
        not know, a lockout, or a device whose administrator sessions are all in use is never retried.
    type: int
    default: 3
  state_dir:
    description:
      - Directory of the collection's state on the controller, shared by every run of this user, that holds the
        failed or unconfirmed logins of each printer account (C(login-failures.json), counts and times only, never
        a secret; written 0600 in a 0700 directory).
      - When the recorded failures of an account reach the profile's C(login.lockout_threshold) minus 2, the
        collection posts no password to that printer until a login succeeds or the entry is deleted, so that it
        never locks the account.
      - Default E(XDG_STATE_HOME)C(/printfleet-cloudmail), or C(~/.local/state/printfleet-cloudmail).
    type: path
notes:
  - "The modules run on the controller (use C(connection: local) or C(delegate_to: localhost)) and need the
    Python library C(requests) there."
  - Every module logs out of the Remote UI when it ends, also after a failure, because devices allow only a
    few administrator sessions at once.
  - The proxy environment variables (E(https_proxy), E(no_proxy)) are honoured.
requirements:
  - requests
  - html5lib >= 1.1
'''
