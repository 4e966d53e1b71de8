# -*- coding: utf-8 -*-
"""The session's cookie jar: RFC 6265 domain, host-only, path, Secure and expiry rules."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.printfleet.cloudmail.plugins.module_utils.session_cookies import SessionCookies, domain_match


def answer(*set_cookies):
    response = requests.Response()
    response.headers['Set-Cookie'] = set_cookies[0]
    return response


@pytest.mark.parametrize('host', ['localhost', 'printer-0001', '127.0.0.1', 'mfp-paris-03.example.com'])
def test_a_domain_cookie_for_the_host_the_client_used_is_kept_and_sent(host):
    # http.cookiejar's own policy refuses Domain=localhost and every single-label name.
    jar = SessionCookies()
    jar.extract('https://%s:8443/login' % host,
                answer('SID=abc; Domain=%s; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=300' % host))
    assert jar.header('https://%s:8443/rps/oauth.cgi' % host) == 'SID=abc'
    # Secure: never over plain HTTP.
    assert jar.header('http://%s/rps/oauth.cgi' % host) is None


def test_a_host_only_cookie_goes_to_its_own_host_only():
    jar = SessionCookies()
    jar.extract('https://mfp.example.com/login', answer('sessionid=abc; Path=/'))
    assert jar.header('https://mfp.example.com/rps/') == 'sessionid=abc'
    assert jar.header('https://sub.mfp.example.com/rps/') is None
    assert jar.header('https://example.com/rps/') is None


def test_a_domain_cookie_goes_to_subdomains_of_a_name_but_an_address_matches_only_itself():
    jar = SessionCookies()
    jar.extract('https://mfp.example.com/login', answer('d=1; Domain=example.com'))
    assert jar.header('https://a.mfp.example.com/') == 'd=1'
    assert jar.header('https://notexample.com/') is None
    assert domain_match('127.0.0.1', '127.0.0.1') and not domain_match('10.0.0.1', '0.0.1')


def test_a_cookie_for_another_domain_is_refused():
    jar = SessionCookies()
    jar.extract('https://localhost/login', answer('sid=abc; Domain=example.com'))
    assert list(jar) == [] and jar.header('https://localhost/') is None


def test_path_scope_and_default_path():
    jar = SessionCookies()
    jar.extract('https://localhost/login', answer('sid=abc; Path=/rps'))
    assert jar.header('https://localhost/rps/oauth.cgi') == 'sid=abc'
    assert jar.header('https://localhost/rps') == 'sid=abc'
    assert jar.header('https://localhost/rpsx') is None and jar.header('https://localhost/logout') is None
    # Without Path the cookie belongs to the directory of the page that set it.
    jar.extract('https://localhost/cgi/login.cgi', answer('dir=1'))
    assert 'dir=1' in jar.header('https://localhost/cgi/status.cgi')
    assert jar.header('https://localhost/other.cgi') is None


def test_max_age_zero_and_past_expires_remove_a_cookie():
    jar = SessionCookies()
    jar.extract('https://localhost/login', answer('sid=abc; Path=/'))
    jar.extract('https://localhost/logout', answer('sid=; Path=/; Max-Age=0'))
    assert jar.header('https://localhost/') is None
    jar.extract('https://localhost/login', answer('old=1; Path=/; Expires=Wed, 09 Jun 2021 10:18:14 GMT'))
    assert jar.header('https://localhost/') is None
    assert jar.extract('https://localhost/login', answer('kept=1; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT')) == ['kept']
    assert jar.header('https://localhost/') == 'kept=1'
