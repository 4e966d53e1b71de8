# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What smtp_settings and mail_test do, for their action plugins and for direct use (see oauth_tasks.py)."""

from __future__ import annotations

__metaclass__ = type

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import RemoteUIError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.mail_device import MailDevice
from ansible_collections.printfleet.cloudmail.plugins.module_utils.mail_model import (
    MailPlan,
    desired_mail_settings,
    is_address,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import DeviceModule, TaskFailed, _spec
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import NAMES as PROVIDER_NAMES, provider_for
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import (
    CONNECTION_CONSTRAINTS,
    NEXT_PLAYBOOK,
    in_inventory_terms,
)

# --------------------------------------------------------------------------- smtp_settings

SMTP_SETTINGS_SPEC = dict(
    argument_spec=_spec(
        provider=dict(type='str', required=True, choices=list(PROVIDER_NAMES)),
        sender=dict(type='str', required=True),
        smtp_server=dict(type='str'),
        smtp_port=dict(type='int'),
        encryption=dict(type='str', choices=['starttls', 'ssl']),
        tenant=dict(type='str'),
    ),
    **CONNECTION_CONSTRAINTS
)


def checked_desired_mail_settings(params):
    """The SMTP settings the task asks for, or TaskFailed naming the inventory variable to fix."""
    try:
        return desired_mail_settings(params['provider'], params['sender'], params['smtp_server'],
                                     params['smtp_port'], params['encryption'])
    except ValueError as exc:
        raise TaskFailed('%s: %s; %s' % (params['host'], in_inventory_terms(str(exc)), NEXT_PLAYBOOK))


def push_smtp_settings(task, session, desired):
    """Write the SMTP settings in an open session when they differ; the result. Raises RemoteUIError."""
    params = task.params
    device = MailDevice(session)
    plan = MailPlan(device.read_settings(), desired)
    if plan.changed and not task.check_mode:
        device.write_settings(plan.result)
    result = dict(changed=plan.changed, settings=plan.result)
    if task.diff:
        result['diff'] = plan.diff()
    warning = provider_for(params['provider']).smtp_warning(params)
    if warning:
        task.warn(warning)
    return result


def run_smtp_settings(task):
    desired = checked_desired_mail_settings(task.params)
    session = task.open_session()
    try:
        with session:
            result = push_smtp_settings(task, session, desired)
    except RemoteUIError as exc:
        task.warnings.extend(session.warnings)
        raise TaskFailed.from_error(exc)
    task.warnings.extend(session.warnings)
    return result


SMTP_SETTINGS = DeviceModule(SMTP_SETTINGS_SPEC, run_smtp_settings, 'smtp')


# --------------------------------------------------------------------------- mail_test

MAIL_TEST_SPEC = dict(
    argument_spec=_spec(
        recipient=dict(type='str'),
        send=dict(type='bool', default=True),
    ),
    required_if=[('send', True, ('recipient',))],
    **CONNECTION_CONSTRAINTS
)
NOT_TRIED = dict(result='not_tried', server_reply=None, tested_at=None, reason=None)


def run_mail_test(task):
    params = task.params
    sends = params['send'] and not task.check_mode
    if params['send'] and not is_address(params['recipient']):
        raise TaskFailed('%s: recipient %r (cloudmail_mail_test_recipient) is not an e-mail address; %s' % (
            params['host'], params['recipient'], NEXT_PLAYBOOK))
    session = task.open_session()
    try:
        with session:
            device = MailDevice(session)
            outcome = device.send_test(params['recipient']) if sends else device.last_test()
    except RemoteUIError as exc:
        task.warnings.extend(session.warnings)
        raise TaskFailed.from_error(exc)
    task.warnings.extend(session.warnings)
    if params['send'] and not sends:
        outcome = dict(NOT_TRIED)
    return dict(changed=sends, **outcome)


MAIL_TEST = DeviceModule(MAIL_TEST_SPEC, run_mail_test, 'mail_test')
