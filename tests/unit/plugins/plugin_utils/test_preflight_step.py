# -*- coding: utf-8 -*-
"""The pre-flight's device step, which the rollout and the preflight module both run."""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import DeviceUnreachableError, ProfileMismatchError
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import preflight


class FakeSession:
    """A session whose login fails with ``login_error`` and whose status page read fails with ``read_error``."""

    def __init__(self, login_error=None, read_error=None):
        self.login_error, self.read_error = login_error, read_error
        self.entered = self.exited = 0
        self.profile = {'labels': {}, 'providers': {}}
        self.profile_name = 'fake'

    def __enter__(self):
        self.entered += 1
        if self.login_error:
            raise self.login_error
        return self

    def __exit__(self, *exc_info):
        self.exited += 1


def test_a_login_form_that_does_not_match_fails_the_check_without_a_session():
    session = FakeSession(login_error=ProfileMismatchError('10.0.0.5', 'the login form has no field pin'))
    checks, logged_in = preflight.device_preflight(session, 'microsoft', 300, 'imagerunner_advance')
    assert not logged_in and session.exited == 0
    assert [check['name'] for check in checks] == ['login_form'] and not checks[0]['ok']
    assert 'the login form has no field pin' in checks[0]['message']


def test_a_logged_in_session_is_left_open_for_the_next_step():
    session = FakeSession()
    checks, logged_in = preflight.device_preflight(session, 'microsoft', 300)
    assert logged_in and session.entered == 1 and session.exited == 0
    assert [check['name'] for check in checks] == ['login_form', 'device_clock'] and all(c['ok'] for c in checks)


def test_a_failure_after_the_login_closes_the_session_and_is_raised(monkeypatch):
    def unreachable(*_args):
        raise DeviceUnreachableError('10.0.0.5', 'no answer')
    monkeypatch.setattr(preflight, 'check_device_clock', unreachable)
    session = FakeSession()
    with pytest.raises(DeviceUnreachableError):
        preflight.device_preflight(session, 'microsoft', 300)
    assert session.exited == 1


def test_one_message_and_one_tolerance_for_every_caller():
    checks = [preflight.entry('login_form', True, 'fine'), preflight.entry('device_clock', False, 'clock is off')]
    assert preflight.preflight_failure('mfp (10.0.0.5:443)', checks) == \
        'mfp (10.0.0.5:443): pre-flight failed, nothing was written to the printer: clock is off'
    assert preflight.clock_tolerance({}) == preflight.CLOCK_TOLERANCE == 300
    assert preflight.clock_tolerance({'cloudmail_clock_tolerance': '60'}) == 60.0
