# -*- coding: utf-8 -*-
"""The request deadline: a device that trickles its answer is cut off at the deadline, by one watchdog thread."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.bounded_http import (
    LimitExceeded,
    bounded_request,
    bounded_session,
)


def serve(answer, trickle_seconds=0.0, connections=1):
    """An HTTP server on loopback that sends ``answer`` (bytes), one byte every ``trickle_seconds``."""
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(connections)

    def run():
        for _connection in range(connections):
            connection, _address = listener.accept()
            connection.recv(65536)
            try:
                for index in range(len(answer)):
                    connection.sendall(answer[index:index + 1])
                    if trickle_seconds:
                        time.sleep(trickle_seconds)
            except OSError:
                pass
            finally:
                connection.close()
        listener.close()

    threading.Thread(target=run, daemon=True).start()
    return 'http://127.0.0.1:%d/' % listener.getsockname()[1]


OK = b'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello'


def test_a_trickled_answer_is_cut_at_the_deadline():
    url = serve(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' + b'x' * 100, trickle_seconds=0.2)
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as raised:
        bounded_request(bounded_session(), 'GET', url, 1.0, 1000)
    assert raised.value.kind == 'deadline'
    assert time.monotonic() - started < 3


def test_requests_within_their_deadline_are_not_cut_later():
    http = bounded_session()
    threads_before = threading.active_count()
    for _request in range(20):
        assert bounded_request(http, 'GET', serve(OK), 0.3, 1000).content == b'hello'
    time.sleep(0.5)  # every deadline has passed: a late cut would have marked the session
    assert bounded_request(http, 'GET', serve(OK), 5, 1000).content == b'hello'
    # One watchdog thread at most, not one timer per request.
    assert threading.active_count() <= threads_before + 1


def test_an_oversized_answer_is_refused():
    url = serve(b'HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n' + b'x' * 5000)
    with pytest.raises(LimitExceeded) as raised:
        bounded_request(bounded_session(), 'GET', url, 5, 1000)
    assert raised.value.kind == 'size'
