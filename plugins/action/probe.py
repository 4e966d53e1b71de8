# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs the probe module's work in the worker process and writes its draft profile on the controller."""

from __future__ import annotations

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import (
    PROBE,
    TaskFailed,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_action import DeviceAction
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import (
    ProfileError,
    profile_names,
    resolve_profile,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.profile_drafts import write_draft

__metaclass__ = type


class ActionModule(DeviceAction):
    MODULE = PROBE
    # The probe compares the printer with every built-in profile, which only the controller holds.
    _supports_async = False

    def resolve(self, params):
        if not (params['profile'] or params['profile_file']):
            return None     # an unknown printer: compared with the built-in profiles only
        return super().resolve(params)

    def prepare(self, task):
        task.candidates = dict((name, resolve_profile(name)) for name in profile_names())

    def finish(self, task, result, task_vars):
        probe = result['probe']
        draft = probe.get('draft_profile')
        probe['draft_path'] = None
        if not draft:
            return
        try:
            probe['draft_path'], problems = write_draft(task.params['draft_dir'], task_vars.get('inventory_hostname')
                                                        or task.params['host'], draft)
        except (OSError, ProfileError) as exc:
            raise TaskFailed('%s: cannot write the draft profile in %s (cloudmail_report_dir): %s' % (
                task.params['host'], task.params['draft_dir'] or 'reports/', exc))
        probe['draft_problems'] = problems
