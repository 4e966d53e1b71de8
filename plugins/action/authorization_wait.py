# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Wait on the controller for the batch's sign-ins, with a progress line (run_once)."""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.authorization_wait import poll_token, wait_for_sign_ins
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import CONNECTION_VARIABLES

__metaclass__ = type

display = Display()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = False
    _VALID_ARGS = frozenset(('hosts', 'timeout', 'interval', 'progress_every'))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec={
            'hosts': {'type': 'list', 'elements': 'str', 'required': True},
            'timeout': {'type': 'float', 'default': 900},
            'interval': {'type': 'float', 'default': 5},
            'progress_every': {'type': 'float', 'default': 20},
        })[1]
        hostvars = (task_vars or {}).get('hostvars', {})
        printers = {}
        for host in sorted(set(args['hosts'])):
            variables = hostvars[host]
            # HostVarsVars renders templates (and Vault) on access, for that host.
            names = [variable for variable, default in CONNECTION_VARIABLES.values()] + ['cloudmail_provider']
            rendered = dict((name, variables[name]) for name in names if name in variables)
            printers[host] = rendered

        statuses = wait_for_sign_ins(
            printers, args['timeout'], lambda host: poll_token(printers[host])[0], display.display,
            interval=args['interval'], progress_every=min(args['progress_every'], 30))
        waiting = sorted(host for host, status in statuses.items() if status == 'authorizing')
        result.update(changed=False, statuses=statuses, waiting=waiting)
        if waiting:
            result['msg'] = ('%d printer(s) still wait for a sign-in after %d s (%s): sign in with the codes of '
                             'the table, then run playbooks/reauthorize.yml, or give the sign-in more time with '
                             'cloudmail_authorization_timeout.' % (len(waiting), args['timeout'], ', '.join(waiting)))
            display.warning(result['msg'])
        else:
            result['msg'] = 'no printer waits for a sign-in'
        return result
