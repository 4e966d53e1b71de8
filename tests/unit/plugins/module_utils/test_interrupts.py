# -*- coding: utf-8 -*-
"""A stop: the request in flight ends, the next is refused before it is sent, the logout still goes out."""

from __future__ import annotations

import os
import signal
import time

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils import interrupts
from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import SessionInterruptedError

from ansible_collections.printfleet.cloudmail.tests.unit.plugins.module_utils.scripted_device import HOST, html_response, session


@pytest.fixture(autouse=True)
def fresh_stop():
    interrupts.reset()
    yield
    interrupts.reset()


def test_after_a_stop_only_the_logout_is_sent(device, sleeps):
    device.on('GET', '/settings', html_response(200, '<form method="post"><input name="Token" value="t"></form>'))
    with pytest.raises(SessionInterruptedError) as refused:
        with session(sleeps) as remote_ui:
            remote_ui.get_page('/settings')
            interrupts.request_stop('Ctrl-C (SIGINT)')
            remote_ui.submit_form('/settings', 'Token', {})
    assert 'stopped (Ctrl-C (SIGINT)) before' in str(refused.value) and HOST in str(refused.value)
    logout = device.profile['logout']['path']
    assert device.paths()[-2:] == ['/settings', logout] and device.paths('POST') == [device.profile['login']['path']]


def test_a_signal_only_sets_the_stop_and_the_handlers_come_back():
    before = signal.getsignal(signal.SIGINT)
    previous = interrupts.install_handlers()
    assert interrupts.install_handlers() is None    # already in place: the outer caller restores
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        assert interrupts.stop_reason() == 'Ctrl-C (SIGINT)'
    finally:
        interrupts.restore_handlers(previous)
    assert signal.getsignal(signal.SIGINT) is before


def test_a_pause_ends_at_the_stop():
    started = time.monotonic()
    interrupts.when_stopped(lambda reason: None)
    interrupts.request_stop('SIGTERM')
    assert interrupts.pause(30) is True and time.monotonic() - started < 1


def test_a_process_whose_parent_dies_stops(tmp_path):
    answer = tmp_path / 'reason'
    parent = os.fork()
    if parent == 0:
        child = os.fork()
        if child == 0:
            try:
                interrupts.reset()
                interrupts.install_handlers()   # as a fleet task does: the parent-death signal sets the stop
                interrupts.watch_parent()
                deadline = time.monotonic() + 10
                while interrupts.stop_reason() is None and time.monotonic() < deadline:
                    interrupts.pause(0.05)
                answer.write_text(str(interrupts.stop_reason()))
            finally:
                os._exit(0)
        time.sleep(60)
        os._exit(0)
    time.sleep(0.5)
    os.kill(parent, signal.SIGKILL)
    os.waitpid(parent, 0)
    deadline = time.monotonic() + 5
    while not answer.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert 'the controller (process %d) is gone' % parent in answer.read_text()
