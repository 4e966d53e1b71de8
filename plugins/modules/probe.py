#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: probe
short_description: Find out, read only, which device profile describes a printer, or draft one
version_added: 0.2.0
description:
  - Checks the printer's login form against the profile before any password is sent. When the form does not hold
    the profile's user and password fields, no password is sent at all, and the result says which built-in profile's
    login form the page matches instead. Without O(profile) and O(profile_file) the probe logs in only when exactly
    one built-in profile's login form matches.
  - Read only by construction, as docs/real-devices.md ("What the probe reads") defines. Before any password it
    reads C(/), the login form pages and what those load without a click (redirect, meta refresh, frames), and
    finds the login form there by structure when no profile's login page answers. After the login it reads the
    landing page, the profile's pages, and only the links or navigating buttons whose text names a step of the
    manual's menu path (Settings/Registration, Send, OAuth 2.0 Settings in English, French or German, or the
    untranslated shape C(OAuth 2.0 <word> (Microsoft|Google))) or the Edit / Register entry of an OAuth page.
  - It never reads a link with a query string, a logout, the link next to the Microsoft endpoint (reading it
    would start an authorization), or a link whose text or file name holds an action word; it never submits a
    form. Every other link is listed in the notes, not read. The walk is bounded by O(max_pages) and stays on the
    same host and port.
  - Matches the manual's labels in English, French and German, and reports the family, the UI language, the model, the
    firmware and the C(Server) header where the pages show them, and which profiles (built-in ones and the host's
    profile file) describe what it saw.
  - Where no profile matches, writes a draft profile (YAML that C(extends) the closest built-in profile and overrides
    the paths, field names and labels it found) to C(profiles/draft-<host>.yml) under O(draft_dir), with the list of
    what it could not find. The draft holds no secret.
  - Never writes anything to the printer and logs out at the end.
  - Runs in the controller's worker process through its action plugin; it compares the printer with the
    collection's built-in profiles, which only the controller holds, so it cannot run with C(async).
extends_documentation_fragment:
  - printfleet.cloudmail.connection
attributes:
  check_mode:
    support: full
    description: The module only reads the printer, so it runs unchanged in check mode.
  diff_mode:
    support: none
    description: The module changes nothing on the printer, so there is no diff.
options:
  profile:
    description:
      - The built-in profile to check the printer against (inventory variable C(cloudmail_profile)).
      - Optional here, unlike the other modules; without it and without O(profile_file) the printer is compared
        with every built-in profile.
  max_pages:
    description:
      - The most pages the walk reads after the login (inventory variable C(cloudmail_probe_max_pages)).
    type: int
    default: 40
  draft_dir:
    description:
      - The directory under which C(profiles/draft-<host>.yml) is written (the playbook passes
        C(cloudmail_report_dir)). Default C(reports/) of the directory the command runs in, never the collection.
    type: path
seealso:
  - module: printfleet.cloudmail.oauth_info
author:
  - printfleet.cloudmail contributors (@printfleet)
'''

EXAMPLES = r'''
- name: Probe a printer whose firmware is not known yet
  printfleet.cloudmail.probe:
    host: "{{ cloudmail_host }}"
    username: "{{ cloudmail_username }}"
    password: "{{ cloudmail_password }}"
    profile: isensys_mf
    draft_dir: "{{ playbook_dir }}/reports"
  delegate_to: localhost
  register: printer_probe

- name: Show which profile matches, or where the draft is
  ansible.builtin.debug:
    msg: "{{ printer_probe.probe.profile_match }} {{ printer_probe.probe.draft_path }}"
'''

RETURN = r'''
providers:
  description:
    - Per provider whose status page was found, C(connection_status) and C(token_status) in the normalized vocabulary
      of M(printfleet.cloudmail.oauth_info) (null where the word is not known), for the fleet report.
  returned: success
  type: dict
  sample:
    microsoft:
      connection_status: connected
      token_status: inactive
probe:
  description: What the probe saw on the printer.
  returned: success
  type: dict
  contains:
    family_guess:
      description: The built-in profile closest to the printer (its login form first, then its pages), or null.
      type: str
      returned: always
      sample: isensys_mf
    ui_language:
      description: The language of the Remote UI (for example C(en), C(fr), C(de)), from the page's C(lang) or the manual's words, or null.
      type: str
      returned: always
    model:
      description: "The model from the page title (C(Remote UI: Portal: <model>)), or null."
      type: str
      returned: always
      sample: MF746Cx
    firmware:
      description: The firmware version where a page shows one, or null.
      type: str
      returned: always
    server:
      description: The C(Server) header of the Remote UI, or null.
      type: str
      returned: always
      sample: KS_HTTP
    profile_checked:
      description: The host's profile (built-in name or profile file) the login form was checked against, or null.
      type: str
      returned: always
    login_form_matches:
      description: The built-in profiles whose login page holds their user and password fields.
      type: list
      elements: str
      returned: always
    logged_in:
      description: Whether the probe logged in (only where the login form held the profile's fields).
      type: bool
      returned: always
    matching_profiles:
      description: The profiles (built-in names, and the host's profile file) that describe everything the probe saw.
      type: list
      elements: str
      returned: always
    profile_match:
      description: The host's own profile when it matches, else the first matching built-in profile, else C(none).
      type: str
      returned: always
      sample: none
    pages_read:
      description: How many pages the walk read after the login.
      type: int
      returned: always
    pages:
      description:
        - Per provider, what was found by following the links C(status_path), C(edit_path), C(authorize_path) (seen,
          not followed), C(register_path), C(authorization_flow), C(fields) (profile key to field name) and
          C(secret_change_flag).
      type: dict
      returned: always
    labels:
      description: The labels of the connection and token status rows, as the printer shows them.
      type: dict
      returned: always
    notes:
      description: What the probe did not do or could not find, in words (no password sent, pages not found, ...).
      type: list
      elements: str
      returned: always
    draft_profile:
      description: The draft profile (what the draft file holds), or null when a profile matches.
      type: dict
      returned: always
    draft_path:
      description: Where the draft profile was written, or null.
      type: str
      returned: always
      sample: /home/ops/fleet/reports/profiles/draft-printer-0003.yml
    draft_problems:
      description: What the profile schema finds wrong with the draft once resolved (empty when valid).
      type: list
      elements: str
      returned: when a draft was written
    not_found:
      description: What a draft cannot know from a read-only look, named by profile key.
      type: list
      elements: str
      returned: always
step:
  description:
    - The step of the failure, C(probe), recorded by the playbooks as C(printer_error_step).
    - C(reason) then says its kind (C(unreachable), C(wrong_password)...), from the error's class.
  returned: failed
  type: str
'''

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import PROBE, run_module


def main():
    # Playbooks run this through the action plugin of the same name (it needs the built-in profiles);
    # this entry point serves direct use with a profile, which it then checks alone.
    run_module(PROBE)


if __name__ == '__main__':
    main()
