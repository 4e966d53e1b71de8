# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP requests with a wall-clock deadline and a size limit, for devices that may misbehave.

requests' ``timeout`` bounds each socket read, so a device that sends one byte a
second (in its headers or its body) holds the caller for ever. Here a watchdog
timer shuts the request's socket down when the deadline passes, whatever phase
the request is in (TLS handshake, headers, body); the body is streamed and
reading stops past the size limit, so a huge page costs neither time nor memory.
"""

from __future__ import annotations

__metaclass__ = type

import functools
import socket
import threading

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
except ImportError:  # pragma: no cover - the session reports the missing library
    HTTPAdapter = object
    HTTPConnectionPool = HTTPSConnectionPool = object

CHUNK_BYTES = 64 * 1024


class LimitExceeded(Exception):
    """A request hit one of its limits: ``kind`` is 'deadline' or 'size'."""

    def __init__(self, kind, detail):
        super(LimitExceeded, self).__init__(detail)
        self.kind = kind
        self.detail = detail


class _Watch:
    """The connection of the request in flight, so that the watchdog can cut it."""

    def __init__(self):
        self.connection = None
        self.fired = False
        self._lock = threading.Lock()

    def start(self):
        with self._lock:
            self.connection = None
            self.fired = False

    def cut(self):
        with self._lock:
            self.fired = True
            sock = getattr(self.connection, 'sock', None)
        if sock is not None:
            try:
                # The plain socket's shutdown (not SSLSocket's): it wakes a read blocked in another thread.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass


def _watched(pool_class):
    class WatchedPool(pool_class):
        def __init__(self, *args, **kwargs):
            self._watch = kwargs.pop('watch')
            super(WatchedPool, self).__init__(*args, **kwargs)

        def _get_conn(self, timeout=None):
            connection = super(WatchedPool, self)._get_conn(timeout)
            self._watch.connection = connection
            return connection
    return WatchedPool


class WatchedAdapter(HTTPAdapter):
    """An adapter whose pools tell the watch which connection a request uses."""

    def __init__(self, *args, **kwargs):
        self.watch = _Watch()
        super(WatchedAdapter, self).__init__(*args, **kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super(WatchedAdapter, self).init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            'http': functools.partial(_watched(HTTPConnectionPool), watch=self.watch),
            'https': functools.partial(_watched(HTTPSConnectionPool), watch=self.watch),
        }


def bounded_session():
    """A requests session whose requests ``bounded_request`` can cut at their deadline."""
    http = requests.Session()
    adapter = WatchedAdapter()
    http.mount('https://', adapter)
    http.mount('http://', adapter)
    return http


def bounded_request(http, method, url, seconds, max_bytes, **kwargs):
    """``http.request`` finished within ``seconds`` in all, with at most ``max_bytes`` of body.

    Returns the response with its body read; raises ``LimitExceeded`` when a limit
    is hit (the connection is then closed, never reused) and the exceptions of
    requests for other failures.
    """
    adapter = http.get_adapter(url)
    watch = adapter.watch
    watch.start()
    timer = threading.Timer(max(seconds, 0.001), watch.cut)
    timer.daemon = True
    timer.start()
    response = None
    try:
        try:
            response = http.request(method, url, stream=True, timeout=(seconds, seconds), **kwargs)
            announced = response.headers.get('Content-Length', '')
            if announced.isdigit() and int(announced) > max_bytes:
                raise LimitExceeded('size', 'the device announced %s bytes' % announced)
            body = bytearray()
            for chunk in response.iter_content(CHUNK_BYTES):
                body += chunk
                if len(body) > max_bytes:
                    raise LimitExceeded('size', 'more than %d bytes were sent' % max_bytes)
            response._content = bytes(body)
            response._content_consumed = True
        except LimitExceeded:
            raise
        except Exception:
            if watch.fired:
                raise LimitExceeded('deadline', 'the answer was still incomplete when they were over')
            raise
        if watch.fired:
            raise LimitExceeded('deadline', 'the answer was still incomplete when they were over')
        return response
    except LimitExceeded:
        if response is not None:
            response.close()
        # The connection may be half-read: none of the pool's connections is reused.
        adapter.close()
        raise
    finally:
        timer.cancel()


def _seconds(value):
    return ('%.1f' % value).rstrip('0').rstrip('.')
