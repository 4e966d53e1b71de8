# -*- coding: utf-8 -*-
"""The controller-side wait: bounded, a progress line at least every interval, ends when nobody waits."""

from __future__ import annotations

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.authorization_wait import wait_for_sign_ins


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_the_wait_ends_when_every_printer_is_done():
    time = FakeTime()
    answers = {'a': [('waiting', ''), ('active', '')],
               'b': [('waiting', ''), ('waiting', ''), ('code_expired', 'AADSTS70019')]}
    lines = []
    statuses = wait_for_sign_ins({'a': 'a', 'b': 'b'}, 900, lambda host: answers[host].pop(0), lines.append,
                                 interval=5, sleep=time.sleep, clock=time.clock)
    assert statuses == {'a': ('active', ''), 'b': ('code_expired', 'AADSTS70019')}
    assert lines == ['Waiting for sign-ins: 2 code(s) left (a, b), 900 s left.']
    assert time.now == 10


def test_nobody_signs_in_the_wait_is_bounded_and_tells_how_it_goes():
    time = FakeTime()
    lines = []
    statuses = wait_for_sign_ins({'a': 'a'}, 100, lambda host: ('waiting', ''), lines.append, interval=5,
                                 progress_every=30, sleep=time.sleep, clock=time.clock)
    assert statuses == {'a': ('waiting', '')}
    assert time.now == 100
    assert lines[0] == 'Waiting for sign-ins: 1 code(s) left (a), 100 s left.'
    assert len(lines) == 4 and lines[-1].endswith('10 s left.')


def test_an_unreadable_printer_is_polled_again():
    time = FakeTime()
    answers = [('unreadable', 'no answer'), ('active', '')]
    statuses = wait_for_sign_ins({'a': 'a'}, 60, lambda host: answers.pop(0), lambda line: None,
                                 sleep=time.sleep, clock=time.clock)
    assert statuses == {'a': ('active', '')}


def test_a_round_polls_the_printers_at_once():
    """Each poll waits on its device: with workers, one round costs one device's latency, not the batch's."""
    import threading

    inside, most = [0], [0]
    lock = threading.Lock()
    barrier = threading.Barrier(4, timeout=5)

    def poll(host):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        barrier.wait()  # would time out (BrokenBarrierError) if the polls ran one after the other
        with lock:
            inside[0] -= 1
        return ('active', '')

    statuses = wait_for_sign_ins(dict((name, name) for name in 'abcd'), 60, poll, lambda line: None, workers=4)
    assert most[0] == 4
    assert set(statuses.values()) == {('active', '')}
