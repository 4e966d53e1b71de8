# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Draft profiles from the probe, written next to the fleet report (never inside the collection)."""

from __future__ import annotations

import os
import re

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import (
    ProfileError,
    resolve_profile,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.private_files import write_private

__metaclass__ = type

DEFAULT_REPORT_DIRECTORY = 'reports'
DRAFT_DIRECTORY = 'profiles'
HEADER = ('# Draft profile written by playbooks/probe.yml from what the printer showed (read only).\n'
          '# Check every value, try it on this printer with cloudmail_profile_file and\n'
          '#   ansible-playbook playbooks/rollout.yml --check --diff --limit <this printer>\n'
          '# then use it for the printers of the same model and firmware (docs/real-devices.md).\n')


def draft_path(directory, host):
    safe = re.sub(r'[^A-Za-z0-9_.-]+', '_', str(host)).strip('.') or 'printer'
    return os.path.join(directory or os.path.join(os.getcwd(), DEFAULT_REPORT_DIRECTORY), DRAFT_DIRECTORY,
                        'draft-%s.yml' % safe)


def write_draft(directory, host, draft):
    """Write ``draft`` as YAML; returns its path and what the schema finds wrong with it once resolved."""
    import yaml
    path = os.path.abspath(draft_path(directory, host))
    text = HEADER + yaml.safe_dump(draft, sort_keys=False, allow_unicode=True, default_flow_style=False)
    write_private(path, text)
    try:
        resolve_profile(profile_file=path)
    except ProfileError as exc:
        return path, [str(exc)]
    return path, []
