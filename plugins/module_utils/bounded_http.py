# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP requests with a wall-clock deadline and a size limit, for devices that may misbehave.

requests' ``timeout`` bounds each socket read, so a device that sends one byte a
second (in its headers or its body) holds the caller for ever. Here a watchdog
(one thread for all requests) shuts the request's socket down when the deadline passes, whatever phase
the request is in (TLS handshake, headers, body); the body is streamed and
reading stops past the size limit, so a huge page costs neither time nor memory.
"""

from __future__ import annotations

__metaclass__ = type

import functools
import heapq
import itertools
import os
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

try:
    import requests
    import requests.certs
    from requests.adapters import HTTPAdapter
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
except ImportError:  # pragma: no cover - the session reports the missing library
    HTTPAdapter = object
    HTTPConnectionPool = HTTPSConnectionPool = object

try:
    from urllib3.util.ssl_ import create_urllib3_context
    HAS_URLLIB3_CONTEXT = True
except ImportError:  # pragma: no cover - requests' own contexts are used
    HAS_URLLIB3_CONTEXT = False

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
        self.generation = 0
        self._lock = threading.Lock()

    def start(self):
        """A new request; returns its generation (a late cut meant for an earlier request is ignored)."""
        with self._lock:
            self.connection = None
            self.fired = False
            self.generation += 1
            return self.generation

    def cut(self, generation):
        with self._lock:
            if generation != self.generation:
                return
            self.fired = True
            sock = getattr(self.connection, 'sock', None)
        if sock is not None:
            try:
                # The plain socket's shutdown (not SSLSocket's): it wakes a read blocked in another thread.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass


class _Watchdog:
    """One thread that keeps every request's deadline.

    A timer thread per request cost more controller CPU than the request itself at fleet scale
    (thousands of requests from one worker's thread pool). Created lazily in the process that makes
    requests, and again after a fork, since a forked process has no copy of the thread.
    """

    def __init__(self):
        self._pid = None

    def _ensure_running(self):
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._condition = threading.Condition()
            self._heap = []
            self._counter = itertools.count()
            thread = threading.Thread(target=self._run, name='request-deadlines', daemon=True)
            thread.start()

    def arm(self, seconds, action):
        """Call ``action()`` in ``seconds`` unless disarmed; returns the handle for ``disarm``."""
        entry = [time.monotonic() + seconds, None, action]
        with _LOCKS['watchdog']:
            self._ensure_running()
        with self._condition:
            entry[1] = next(self._counter)
            heapq.heappush(self._heap, entry)
            if self._heap[0] is entry:
                self._condition.notify()
        return entry

    @staticmethod
    def disarm(entry):
        entry[2] = None  # left in the heap, dropped when its time comes

    def _run(self):
        condition, heap = self._condition, self._heap
        while True:
            due = []
            with condition:
                now = time.monotonic()
                while heap and heap[0][0] <= now:
                    due.append(heapq.heappop(heap)[2])
                if not due:
                    condition.wait(heap[0][0] - now if heap else None)
            for action in due:
                if action is not None:
                    action()


_WATCHDOG = _Watchdog()
_CONTEXTS = {}
_LOCKS = {'watchdog': threading.Lock(), 'contexts': threading.Lock()}


def _after_fork_in_child():
    # A fleet task shares its printers out among forked processes; a lock held by another thread at
    # the fork would never be released in the child.
    for name in _LOCKS:
        _LOCKS[name] = threading.Lock()


if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_after_fork_in_child)


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


def shared_tls_context(verify):
    """One TLS context per trusted CA bundle for the whole process, or None where requests' own way is kept.

    requests builds a context and loads the CA file again for every new connection, and every
    printer's session is a new connection: at fleet scale that was most of the controller's CPU.
    The context checks the certificate and the host name as urllib3's default one does.
    """
    if verify is False or not HAS_URLLIB3_CONTEXT:
        return None
    cafile = verify if isinstance(verify, str) and not os.path.isdir(verify) else None
    capath = verify if isinstance(verify, str) and os.path.isdir(verify) else None
    key = (cafile, capath)
    with _LOCKS['contexts']:
        if key not in _CONTEXTS:
            context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED)
            try:
                context.load_verify_locations(cafile=cafile or (None if capath else requests.certs.where()),
                                              capath=capath)
            except (OSError, ssl.SSLError, ValueError):
                # A missing or unreadable CA bundle: requests' own way then fails with the message the
                # session turns into one that names cloudmail_ca_path.
                context = None
            _CONTEXTS[key] = context
        return _CONTEXTS[key]


class WatchedAdapter(HTTPAdapter):
    """An adapter whose pools tell the watch which connection a request uses."""

    def __init__(self, *args, **kwargs):
        self.watch = _Watch()
        self.tls_context = kwargs.pop('tls_context', None)
        super(WatchedAdapter, self).__init__(*args, **kwargs)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        if self.tls_context is None or verify is False or cert is not None:
            return super(WatchedAdapter, self).build_connection_pool_key_attributes(request, verify, cert)
        url = urlsplit(request.url)
        return ({'scheme': url.scheme.lower(), 'host': url.hostname, 'port': url.port},
                {'cert_reqs': 'CERT_REQUIRED', 'ssl_context': self.tls_context})

    def cert_verify(self, conn, url, verify, cert):
        # With the shared context the CA is loaded already: no file checks on every request.
        if self.tls_context is None or verify is False or cert is not None:
            super(WatchedAdapter, self).cert_verify(conn, url, verify, cert)

    def init_poolmanager(self, *args, **kwargs):
        super(WatchedAdapter, self).init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            'http': functools.partial(_watched(HTTPConnectionPool), watch=self.watch),
            'https': functools.partial(_watched(HTTPSConnectionPool), watch=self.watch),
        }


def bounded_session(verify=True):
    """A requests session whose requests ``bounded_request`` can cut at their deadline.

    ``verify`` is what its requests will pass as ``verify`` (True, a CA bundle or directory, or False).
    """
    http = requests.Session()
    adapter = WatchedAdapter(tls_context=shared_tls_context(verify))
    http.mount('https://', adapter)
    http.mount('http://', adapter)
    return http


def bounded_request(http, method, url, seconds, max_bytes, **kwargs):
    """``http.request`` finished within ``seconds`` in all, with at most ``max_bytes`` of body.

    Returns the response with its body read; raises ``LimitExceeded`` when a limit
    is hit (the connection is then closed, never reused) and the exceptions of
    requests for other failures.
    """
    if getattr(kwargs.get('data'), 'content_type', None):
        # A body encoded beforehand (multipart/form-data) carries its own Content-Type.
        kwargs['headers'] = dict(kwargs.get('headers') or {}, **{'Content-Type': kwargs['data'].content_type})
    adapter = http.get_adapter(url)
    watch = adapter.watch
    deadline = _WATCHDOG.arm(max(seconds, 0.001), functools.partial(watch.cut, watch.start()))
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
        _WATCHDOG.disarm(deadline)
