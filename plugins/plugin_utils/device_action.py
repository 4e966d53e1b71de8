# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of the device modules' action plugins: the module's work, in the worker process.

A module sent through AnsiballZ costs a new Python interpreter (and the imports of
ansible and requests) per task and host; the device work needs none of that. The
action plugin validates the arguments with the module's own spec, resolves the
device profile (built-in name or the host's profile file), runs the module's
logic from ``module_utils.oauth_tasks`` here, and returns the result the module
would have returned: check and diff mode honoured, warnings passed on, every
``no_log`` value masked.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.printfleet.cloudmail.plugins.module_utils import interrupts
from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import error_reason
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import Task, TaskFailed
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import PROVIDERS
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import (
    NEXT_PLAYBOOK,
    in_inventory_terms,
    naming_host,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import (
    ProfileError,
    missing_provider,
    resolve_profile,
)

__metaclass__ = type


class DeviceAction(ActionBase):
    """Subclasses set ``MODULE``, the module's ``DeviceModule`` (module_utils/oauth_tasks.py): its argument spec,
    its logic and its step.

    The step is what a failure of the module is charged to: a failed result carries it (with its ``reason``,
    from the exception's class), so that the rescue blocks record the step, not the module name.
    """

    TRANSFERS_FILES = False
    _supports_check_mode = True
    # A task with async runs as a classic module in the background (with the profile resolved here).
    _supports_async = True
    MODULE = None

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        # A worker whose controller is gone stops too: no new request, the open session logged out.
        interrupts.watch_parent()
        validation = ArgumentSpecValidator(**self.MODULE.spec).validate(dict(self._task.args))
        no_log_values = validation._no_log_values
        params = validation.validated_parameters
        host = params.get('host') or task_vars.get('inventory_hostname', '?')
        self._host_names = (task_vars.get('inventory_hostname'), params.get('host'))
        if validation.error_messages:
            result.update(failed=True, msg='%s: %s; %s' % (
                host, in_inventory_terms('; '.join(validation.error_messages)), NEXT_PLAYBOOK))
            return self._masked(result, params, no_log_values)
        try:
            profile = self.resolve(params)
        except ProfileError as exc:
            # The reason travels with the failure (record_error.yml keeps it), so the report says profile_mismatch.
            result.update(failed=True, reason=error_reason(exc),
                          msg='%s: %s; fix %s in the inventory, check it with playbooks/status.yml, then run the '
                              'playbook again' % (host, exc, exc.variable))
            return self._masked(result, params, no_log_values)

        if self._task.async_val:
            module_args = dict(self._task.args, resolved_profile=profile)
            wrap_async = not self._connection.has_native_async
            result.update(self._execute_module(module_name=self._task.resolved_action, module_args=module_args,
                                               task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result

        task = Task(params, profile, check_mode=bool(self._task.check_mode), diff=bool(self._task.diff))
        try:
            self.prepare(task)
            result.update(self.MODULE.run(task))
            self.finish(task, result, task_vars)
        except TaskFailed as exc:
            result.update(exc.result, failed=True, msg=exc.msg)
        if task.warnings:
            result['warnings'] = result.get('warnings', []) + task.warnings
        return self._masked(result, params, no_log_values)

    def resolve(self, params):
        """The host's resolved profile (raises ProfileError naming the inventory variable)."""
        profile = resolve_profile(params['profile'], params['profile_file'])
        # Checked before any session: a profile without the host's provider has no pages to read or write.
        provider = params.get('provider')
        problem = missing_provider(profile, provider, params['profile_file']) if provider in PROVIDERS else None
        if problem:
            raise ProfileError(problem, 'cloudmail_provider')
        return profile

    def prepare(self, task):
        """Hook: more for the task before it runs."""

    def finish(self, task, result, task_vars):
        """Hook: controller work on the result (raise TaskFailed to fail the task)."""

    def _masked(self, result, params, no_log_values):
        if result.get('failed'):
            result.setdefault('step', self.MODULE.step)
            result.setdefault('reason', '')
        # The client names the address it connects to (cloudmail_host); the operator knows the printer by
        # its inventory name: every message is made to name both, here, in one place.
        result = naming_host(result, *self._host_names)
        # As AnsibleModule does: the arguments echoed, and no secret anywhere in the result.
        result['invocation'] = {'module_args': params}
        return remove_values(result, no_log_values)
