# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the device modules do, once, for both ways they run.

The action plugins of the same names run this in the controller's worker process
(no new interpreter per task); the module files call it from ``main()`` for
direct use. Each module's argument spec lives here so both validate alike. A task
function takes a ``Task`` and returns the result dict, or raises ``TaskFailed``.
"""

from __future__ import annotations

__metaclass__ = type

from collections import namedtuple

# A device module: its argument spec, its logic, and the step its failure is charged to (the report's ``step``).
# The module's main() and its action plugin both take it from here.
DeviceModule = namedtuple('DeviceModule', 'spec run step')

from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import AUTHORIZATION_TIMEOUT, default
from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import RemoteUIError, error_reason
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import (
    AuthorizationFailed,
    OAuthDevice,
    authorization_failure,
    wait_for_token,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_model import desired_settings, masked_settings, plan_settings
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_status import failure_reason
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import NAMES as PROVIDERS, provider_for
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import (
    CONNECTION_CONSTRAINTS,
    connection_argument_spec,
    session_from_params,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.probe_result import run_probe

# The connection status shows "checking" for a few seconds after a settings change.
CONNECTION_SETTLE_SECONDS = 30


class Task:
    """One run of a device module: parameters, modes, the resolved profile, and its warnings."""

    def __init__(self, params, profile, check_mode=False, diff=False):
        self.params = params
        self.profile = profile
        self.check_mode = check_mode
        self.diff = diff
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def open_session(self):
        return session_from_params(self.params, self.profile)


class TaskFailed(Exception):
    """The task failed; ``result`` holds the extra keys of the failed result (e.g. reason)."""

    def __init__(self, msg, **result):
        super(TaskFailed, self).__init__(msg)
        self.msg = msg
        self.result = result

    @classmethod
    def from_error(cls, exc, **result):
        """A device error's failure, keeping its class as the result's ``reason`` (the report's state comes from it)."""
        result.setdefault('reason', error_reason(exc))
        if getattr(exc, 'found_fields', None):
            result.setdefault('login_fields', list(exc.found_fields))
        return cls(str(exc), **result)


def _spec(**options):
    argument_spec = connection_argument_spec()
    argument_spec.update(options)
    return argument_spec


# --------------------------------------------------------------------------- oauth_settings

SETTINGS_SPEC = dict(
    argument_spec=_spec(
        provider=dict(type='str', required=True, choices=list(PROVIDERS)),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        verify_server_certificate=dict(type='bool', default=True),
        add_cn_to_verification=dict(type='bool', default=False),
        tenant=dict(type='str'),
        authority_url=dict(type='str'),
        client_id=dict(type='str'),
        client_secret=dict(type='str', no_log=True),
        update_secret=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
        settle_timeout=dict(type='float', default=30),
    ),
    mutually_exclusive=[('tenant', 'authority_url')],
    **CONNECTION_CONSTRAINTS
)


def checked_desired_settings(params):
    """The settings the task asks for, or TaskFailed naming the inventory variables that are missing."""
    missing = provider_for(params['provider']).missing_settings(params) if params['state'] == 'present' else None
    if missing:
        raise TaskFailed('%s: %s' % (params['host'], missing))
    try:
        return desired_settings(params)
    except ValueError as exc:
        raise TaskFailed('%s: %s' % (params['host'], exc))


def push_settings(task, session, desired, read_status=True):
    """Plan, write, read back and wait for the connection in an open session; ``(result, status)``.

    Without ``read_status`` (nothing follows that needs the connection) the status page is not
    read: no wait after a save, and ``status`` is None. Raises RemoteUIError; the caller adds the
    session's warnings.
    """
    params = task.params
    provider = params['provider']
    device = OAuthDevice(session, provider)
    plan = plan_settings(provider, device.read_settings(), desired, params['client_secret'], params['update_secret'])
    result = dict(changed=plan.changed, provider=provider, settings=plan.masked_after(), drops_token=plan.drops_token)
    if plan.drops_token:
        task.warn('%s: %s, so the device %s its current %s token: authorize it again afterwards '
                  '(rollout.yml does, or reauthorize.yml)' % (
                      params['host'], plan.drops_token, 'will drop' if task.check_mode else 'dropped', provider))
    if task.diff:
        result['diff'] = plan.diff()
    if plan.changed and not task.check_mode:
        if read_status:
            # Nothing is written before every page the step needs is known to match: a wrong status path or
            # status words the profile does not know fail here, before the write, as they do in check mode.
            device.read_status()
        device.write_settings(plan, params['client_secret'])
    if not read_status:
        return result, None
    if plan.changed and not task.check_mode and plan.result.get('enabled'):
        status = device.wait_for_connection(params['settle_timeout'], after_save=True)
    else:
        status = device.read_status()
    result.update(connection_status=status['connection_status'], token_status=status['token_status'])
    if plan.result.get('enabled') and status['connection_status'] == 'not_connected':
        task.warn('%s: the device cannot reach the %s authorization server%s; check the network, proxy '
                  'and certificate settings before authorizing' % (
                      params['host'], provider,
                      ' (%s)' % status['error_details'] if status['error_details'] else ''))
    return result, status


def run_settings(task):
    desired = checked_desired_settings(task.params)
    session = task.open_session()
    try:
        with session:
            result = push_settings(task, session, desired)[0]
    except RemoteUIError as exc:
        task.warnings.extend(session.warnings)
        raise TaskFailed.from_error(exc, provider=task.params['provider'])
    task.warnings.extend(session.warnings)
    return result


SETTINGS = DeviceModule(SETTINGS_SPEC, run_settings, 'settings')


# --------------------------------------------------------------------------- oauth_info

INFO_SPEC = dict(
    argument_spec=_spec(
        provider=dict(type='str', default='all', choices=list(PROVIDERS) + ['all']),
    ),
    **CONNECTION_CONSTRAINTS
)


def run_info(task):
    # 'all': the providers the printer's firmware has (its profile names their pages).
    wanted = [name for name in PROVIDERS if name in task.profile['providers']] if task.params['provider'] == 'all' \
        else (task.params['provider'],)
    providers = {}
    session = task.open_session()
    try:
        with session:
            for provider in wanted:
                device = OAuthDevice(session, provider)
                report = dict(settings=masked_settings(provider, device.read_settings()))
                report.update(device.read_status())
                providers[provider] = report
    except RemoteUIError as exc:
        task.warnings.extend(session.warnings)
        raise TaskFailed.from_error(exc)
    task.warnings.extend(session.warnings)
    return dict(changed=False, providers=providers)


INFO = DeviceModule(INFO_SPEC, run_info, 'read')


# --------------------------------------------------------------------------- oauth_authorize

AUTHORIZE_SPEC = dict(
    argument_spec=_spec(
        provider=dict(type='str', required=True, choices=list(PROVIDERS)),
        state=dict(type='str', default='started', choices=['started', 'completed']),
        force=dict(type='bool', default=False),
        authorization_code=dict(type='str', no_log=True),
        wait_timeout=dict(type='float', default=AUTHORIZATION_TIMEOUT),
        wait_interval=dict(type='float', default=5),
    ),
    **CONNECTION_CONSTRAINTS
)


def _start(device, status, check_mode):
    """Start an authorization; returns (changed, authorization)."""
    if not provider_for(device.provider).start_changes_device:
        # Reading the consent URL changes nothing (the change comes with the code), so this is
        # unchanged, and check mode shows the URL too.
        return False, device.start_authorization()
    if status['token_status'] == 'authorizing' and status['authorization']:
        return False, status['authorization']
    if check_mode:
        return True, None
    return True, device.start_authorization()


def _check_completable(device, status, authorization_code):
    """Fail early, with a reason, when there is nothing the wait could complete."""
    if provider_for(device.provider).asks_code_back:
        if not authorization_code:
            raise authorization_failure(device.host, 'missing_code', provider=device.provider)
    elif status['token_status'] != 'authorizing':
        details = status['error_details']
        raise authorization_failure(device.host, failure_reason(details or '', device.session.profile)
                                    or 'missing_code', details)


def _require_connection(device, status):
    if status['connection_status'] == 'unknown':
        raise AuthorizationFailed(
            device.host, 'not_connected', 'the device is still checking its connection to the authorization '
            'server; run again in a minute (the settings were saved moments ago, or the device is slow)')
    if status['connection_status'] != 'connected':
        raise authorization_failure(device.host, 'not_connected', status['error_details'])


def start_in_session(device, status, force, check_mode):
    """Start a sign-in unless the token is active (and not ``force``); the status is the device's current one.

    Returns ``dict(changed, token_status, authorization)``; raises AuthorizationFailed when the
    device cannot reach its authorization server.
    """
    if status['token_status'] == 'active' and not force:
        return dict(changed=False, token_status='active', authorization=None)
    _require_connection(device, status)
    changed, authorization = _start(device, status, check_mode)
    token_status = provider_for(device.provider).token_status_after_start(status['token_status'], authorization)
    return dict(changed=changed, token_status=token_status, authorization=authorization)


def _steps_in_one_session(task, device, completing):
    """What needs the device in one session; returns the result, or None when the token must be waited for."""
    params = task.params
    status = device.wait_for_connection(min(CONNECTION_SETTLE_SECONDS, params['wait_timeout']))
    if not completing:
        return start_in_session(device, status, params['force'], task.check_mode)
    if status['token_status'] == 'active' and not params['force']:
        return dict(changed=False, token_status='active', authorization=None)
    _require_connection(device, status)
    _check_completable(device, status, params['authorization_code'])
    if task.check_mode:
        return dict(changed=True, token_status=status['token_status'], authorization=None)
    if provider_for(device.provider).asks_code_back:
        device.submit_code(params['authorization_code'])
    return None


def run_authorize(task):
    params = task.params
    provider, completing = params['provider'], params['state'] == 'completed'
    session = task.open_session()
    warnings = session.warnings
    try:
        with session:
            result = _steps_in_one_session(task, OAuthDevice(session, provider), completing)
        if result is None:
            # The session is closed while the person signs in; each poll logs in briefly.
            status = wait_for_token(task.open_session, provider, params['wait_timeout'],
                                    params['wait_interval'], warnings=warnings)
            result = dict(changed=True, token_status=status['token_status'], authorization=None)
    except AuthorizationFailed as exc:
        task.warnings.extend(warnings)
        raise TaskFailed(str(exc), reason=exc.reason)
    except RemoteUIError as exc:
        task.warnings.extend(warnings)
        raise TaskFailed.from_error(exc)
    # Returns only after the logout, so that a failed logout still reaches the result as a warning.
    task.warnings.extend(warnings)
    return result


AUTHORIZE = DeviceModule(AUTHORIZE_SPEC, run_authorize, 'authorize')


# --------------------------------------------------------------------------- probe

PROBE_SPEC = dict(
    # No profile is needed: an unknown printer is compared with every built-in profile.
    argument_spec=_spec(
        max_pages=dict(type='int', default=default('max_pages')),
        draft_dir=dict(type='path'),
    ),
)


def run_probe_task(task):
    """The read-only probe; ``task.candidates`` holds the built-in profiles, ``task.profile`` the host's or None."""
    params = task.params
    if params['max_pages'] < 1:
        raise TaskFailed('%s: cloudmail_probe_max_pages must be at least 1' % params['host'])
    # Run directly (not through the action plugin), only the given profile is at hand.
    candidates = getattr(task, 'candidates', None) or {task.profile['name']: task.profile}
    try:
        result, warnings = run_probe(lambda profile: session_from_params(params, profile), candidates,
                                     task.profile, params['host'], params['max_pages'])
    except RemoteUIError as exc:
        raise TaskFailed.from_error(exc)
    task.warnings.extend(warnings)
    # The statuses at the top, as oauth_info returns them, so that the fleet report reads both alike.
    return dict(changed=False, providers=result.pop('providers'), probe=result)


PROBE = DeviceModule(PROBE_SPEC, run_probe_task, 'probe')


# --------------------------------------------------------------------------- direct use

def run_module(device_module):
    """``main()`` of a device module run directly (not through its action plugin)."""
    from ansible.module_utils.basic import AnsibleModule, missing_required_lib
    from ansible_collections.printfleet.cloudmail.plugins.module_utils.device_session import (
        HAS_REQUESTS,
        REQUESTS_IMPORT_ERROR,
    )

    module = AnsibleModule(supports_check_mode=True, **device_module.spec)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    profile = module.params['resolved_profile']
    if profile is None:
        # Profiles are files on the controller: the action plugin resolves them (plugin_utils) and hands the
        # module the result; module_utils never reaches up into the controller's code.
        module.fail_json(msg='%s: the device profiles are read on the controller: run this module through '
                             'ansible-playbook (its action plugin)' % module.params['host'], step=device_module.step,
                         reason='')
    task = Task(module.params, profile, module.check_mode, module._diff)
    try:
        result = device_module.run(task)
    except TaskFailed as exc:
        for warning in task.warnings:
            module.warn(warning)
        module.fail_json(msg=exc.msg, **dict({'step': device_module.step, 'reason': ''}, **exc.result))
    for warning in task.warnings:
        module.warn(warning)
    module.exit_json(**result)
