# -*- coding: utf-8 -*-
"""A scripted device in place of the HTTP transport, for the Remote UI client tests.

``requests.Session.request`` is replaced (see conftest.py), so that each answer and each fault
happens exactly when the test says; the real session, page parser and entry list run.
"""

from __future__ import annotations

import requests

from ansible_collections.printfleet.cloudmail.plugins.module_utils.device_session import RemoteUISession
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import profile_names, resolve_profile

PROFILES = dict((name, resolve_profile(name)) for name in profile_names())
PASSWORD = 'pin-7f3a-never-shown'
HOST = '127.0.0.5'


def html_response(status=200, body='', location=None, set_cookie=None):
    response = requests.Response()
    response.status_code = status
    response._content = body.encode('utf-8')
    response._content_consumed = True   # as a real response whose body was read
    response.encoding = 'utf-8'
    response.headers['Content-Type'] = 'text/html; charset=utf-8'
    if location:
        response.headers['Location'] = location
    if set_cookie:
        response.headers['Set-Cookie'] = set_cookie
    return response


class ScriptedDevice:
    """Stands in for ``requests.Session.request``; answers from per-path scripts and records calls."""

    def __init__(self, profile='imagerunner_advance'):
        self.profile = PROFILES[profile]
        self.calls = []
        self.urls = []
        self.scripts = {}

    def on(self, method, path, *answers):
        """Queue answers for a path; the last one repeats. An exception instance is raised."""
        self.scripts[(method, path)] = list(answers)

    def login_form(self, session):
        login = self.profile['login']
        form = ('<form method="post" action="%s"><input type="text" name="%s"><input type="password" name="%s">'
                '<input type="submit" value="Log In"></form>')
        return html_response(200, form % (login['path'], login['username_field'], login['password_field']))

    def login_ok(self, session):
        return html_response(302, location='/rps/', set_cookie='%s=%s; Path=/; Secure; HttpOnly' % (
            self.profile['login']['session_cookie'], 'a' * 32))

    def __call__(self, session, method, url, **kwargs):
        path = '/' + url.split('/', 3)[3]
        self.urls.append(url)
        self.calls.append(dict(method=method, path=path, **kwargs))
        answers = self.scripts.get((method, path))
        if answers is None:
            if (method, path) == ('POST', self.profile['login']['path']):
                return self.login_ok(session)
            if (method, path) == ('GET', self.profile['login']['form_path']):
                return self.login_form(session)
            if path == self.profile['logout']['path']:
                return html_response(302, location=self.profile['login']['path'])
            return html_response(404, '<p>not found</p>')
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer(session) if callable(answer) else answer

    def paths(self, method=None):
        return [call['path'] for call in self.calls if method is None or call['method'] == method]


def session(sleeps, **kwargs):
    options = dict(host=HOST, username='7654321', password=PASSWORD, profile=PROFILES['imagerunner_advance'],
                   ca_path='/etc/printers-ca.pem', retries=3, sleep=sleeps.append)
    options.update(kwargs)
    return RemoteUISession(**options)
