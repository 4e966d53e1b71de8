# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An administrator session on one printer's Remote UI, over HTTPS, as a browser holds it.

Login (after checking that the login form is the one the profile describes),
every cookie the device sets kept and sent where its path says, the profile's
after-login pages, forms posted with all their own controls, and a logout that
really ends the session. Every request goes through ``device_requests`` (the
request policy: deadlines, budget, spacing, retries, redirects, size). Everything
that differs between device families comes from the resolved profile (a plain dict).
"""

from __future__ import annotations

__metaclass__ = type

import os
import time
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

try:
    import requests
    import requests.utils
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by ansible-test's import sanity test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    LockedOutError,
    LoginPausedError,
    LoginRejectedError,
    LoginUnconfirmedError,
    PageNotUnderstoodError,
    ProfileMismatchError,
    RemoteUIError,
    SessionLimitError,
    WriteRejectedError,
    profile_hint,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.bounded_http import bounded_session
from ansible_collections.printfleet.cloudmail.plugins.module_utils.device_requests import DeviceRequests, seconds_text
from ansible_collections.printfleet.cloudmail.plugins.module_utils.login_ledger import (
    LedgerError,
    LoginLedger,
    allowed_attempts,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils import interrupts
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_forms import encode_multipart
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import Page, logout_controls
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_text import decode_body
from ansible_collections.printfleet.cloudmail.plugins.module_utils.session_cookies import SessionCookies

# The device's own words in a message: enough to recognise the page, never a whole page.
DEVICE_TEXT_CHARS = 300
# What to set when a login is refused or not understood, and what to run next.
LOGIN_VARIABLES = 'cloudmail_username / cloudmail_password (or cloudmail_profile / cloudmail_profile_file)'
NEXT_LOGIN_PLAYBOOK = 'check it with playbooks/status.yml, then run playbooks/rollout.yml'
# Without a profile value, a device is assumed to lock an account after this many failed logins.
DEFAULT_LOCKOUT_THRESHOLD = 5


class EncodedBody(bytes):
    """A request body already encoded (multipart/form-data), with the Content-Type that describes it."""

    def __new__(cls, body, content_type):
        encoded = bytes.__new__(cls, body)
        encoded.content_type = content_type
        return encoded


class RemoteUISession(DeviceRequests):
    """An administrator session on one printer.

    Use it as a context manager: it logs in on enter and always logs out on
    exit, also when the body raised, so that no session stays open on a
    device that allows only a few at once. Its requests go through
    ``DeviceRequests`` (deadlines, budget, retries, redirects: device_requests).
    """

    def __init__(self, host, username, password, profile, port=443, validate_certs=True,
                 ca_path=None, timeout=10.0, retries=3, task_budget=180.0, sleep=time.sleep,
                 clock=time.monotonic, state_dir=None):
        if not isinstance(profile, dict):
            raise RemoteUIError(host, 'the session needs a resolved profile (a dict), not %r' % (profile,))
        self.host = host
        self.port = port
        self.username = username
        self._password = password
        self.profile = profile
        self.profile_name = profile.get('name', '?')
        self.timeout = timeout
        self.retries = max(0, retries)
        # Time spent talking to the device (requests and the pauses between retries) in this task.
        self.task_budget = float(task_budget)
        self._budget_used = 0.0
        self.warnings = []
        self._sleep = sleep
        self._clock = clock
        self._spacing = float(profile.get('request_spacing_seconds') or 0)
        self._last_request = None
        address = '[%s]' % host if ':' in host and not host.startswith('[') else host
        self.base_url = 'https://%s:%d' % (address, port)
        # requests lets REQUESTS_CA_BUNDLE beat Session.verify; trust_env=False stops that, so
        # verify= is passed per request and the proxies are taken from the environment by hand.
        # Without ca_path the environment's bundle still counts, as it would for requests itself.
        if validate_certs:
            self.verify = ca_path or os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True
        else:
            self.verify = False
        self._http = None
        self._proxies = {}
        # True from the moment a login post may have reached the device: a logout is owed from then on.
        self._logged_in = False
        self.cookies = SessionCookies()
        # Cookies the login answer set (the session cookie, whatever the profile calls it).
        self._session_cookies = set()
        # The cookie(s) the answer to the login post itself set, before any portal page: the session cookie.
        self.login_cookies = []
        # The logout control the page after the login shows (found by structure): used when the profile's fails.
        self.page_logout = None
        # A session carried in the URL (?SID=...): query pairs added to every request, the logout included.
        self.url_session = []
        # Whether the latest request may have reached the device (a post that did may have been checked).
        self._reached = False
        self._addresses = {}
        # Read by the fleet tasks and tests: every login the device accepted, every logout sent.
        self.logins_accepted = 0
        self.logouts_sent = 0
        self.ledger = LoginLedger(state_dir)
        self._ledger_key = LoginLedger.key(host, port, username)
        # The page of the latest request, while it is the latest: its form's token is still unused.
        self._latest_page = None
        self._previous_sigterm = None
        # The page the login led to (the portal), for callers that follow the Remote UI's own links.
        self.landing_path = None
        # Answers "busy" (HTTP 503) seen: firmware that refuses close requests needs request_spacing_seconds.
        self.busy_answers = 0

    # -- context manager

    def connect(self):
        """Open the HTTP side without logging in, for callers that only read the login form first."""
        if not HAS_REQUESTS:
            raise RemoteUIError(self.host, 'the Python library requests is required')
        if self._http is None:
            self._http = bounded_session(self.verify)
            self._http.trust_env = False
            # requests keeps cookies in the session's jar (RFC 6265 policy); _send builds the Cookie header,
            # since requests would copy them into a jar of the standard policy to send them.
            self._http.cookies = self.cookies.jar
            self._proxies = requests.utils.get_environ_proxies(self.base_url)
            self._install_sigterm_handler()
        return self

    def __enter__(self):
        self.connect()
        try:
            self.login()
        except BaseException:
            try:
                self.logout()
            finally:
                self._close()
            raise
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        try:
            self.logout()
        finally:
            self._close()
        return False

    def close(self):
        """Drop the HTTP side (after ``connect`` without a login; a logged-in session logs out on exit)."""
        self._close()

    def _close(self):
        self._restore_sigterm_handler()
        if self._http is not None:
            self._http.close()
            self._http = None

    def _install_sigterm_handler(self):
        # In the main thread SIGINT and SIGTERM set the stop (interrupts.py) while the session is open;
        # _send refuses every request but the logout once it is set.
        self._previous_sigterm = interrupts.install_handlers()

    def _restore_sigterm_handler(self):
        interrupts.restore_handlers(self._previous_sigterm)
        self._previous_sigterm = None

    # -- login / logout

    def login_form(self):
        """The login form, read before any password is sent: a wrong profile must never lock an account."""
        login = self.profile['login']
        form_path = login.get('form_path') or login['path']
        page = self.get_page(form_path, relogin=False)
        wanted = (login['username_field'], login['password_field'])
        for form in page.forms:
            if all(form.get(name) is not None for name in wanted):
                return page, form
        found = sorted(set(name for form in page.forms for name in form.names())) or ['none']
        missing = [name for name in wanted if not any(form.get(name) is not None for form in page.forms)] or list(wanted)
        raise ProfileMismatchError(
            self.host, 'profile mismatch: the login form at %s has no field %s, which the profile %r expects for '
            'the user name (%r) and the password (%r); the page holds: %s. Nothing was posted, so no failed login '
            'was counted. Set cloudmail_profile to the right family, or name a profile file with these field '
            'names in cloudmail_profile_file, check it with playbooks/status.yml, then run again' % (
                form_path, ' and '.join(repr(name) for name in missing), self.profile_name, wanted[0], wanted[1],
                ', '.join(found)), found_fields=found)

    def login(self):
        """Log in; the device's answer decides whether it worked, the profile's cookie name is a hint.

        From the moment the post may have reached the device a logout is owed, whatever the answer
        (the context manager sends it). The attempt is counted in the login ledger before it is sent
        and cleared by a success, so that failures are known across runs and the collection stops
        before the device's lockout.
        """
        login = self.profile['login']
        page, form = self.login_form()
        self._check_ledger()
        data = self._merge_fields(form.successful_controls(), login.get('extra_fields') or {},
                                  {login['username_field']: self.username, login['password_field']: self._password})
        post_path = self._action_path(page.path, form.action or login['path'])
        before = self.cookies.names()
        # A fresh login (also after an expired session) gets its own session id and cookies.
        self.url_session = []
        self._session_cookies = set()
        self._ledger('record', 'unconfirmed')
        self._reached = False
        try:
            # A login that timed out may still be checked by a slow device: it is never sent again,
            # since every repeat of a wrong password would count towards the device's lockout.
            response = self._request('POST', post_path, data=data, relogin=False, repeat_after_timeout=False,
                                     referer=page.path)
        except SessionLimitError:
            self._logged_in = True
            self._ledger('forget_attempt')     # the device refused the session, not the password
            raise
        except RemoteUIError:
            if self._reached:
                self._logged_in = True
            else:
                self._ledger('forget_attempt')     # never reached the device: nothing was checked
            raise
        self._logged_in = True
        self.login_cookies = sorted(self.cookies.names() - before)
        self._judge_login(post_path, response, _query_pairs(post_path))
        self._login_accepted(before)
        self._after_login()

    def _judge_login(self, post_path, response, action_pairs):
        """Raise unless the device's answer to the login post (and the page it leads to) shows a session."""
        if not response.is_redirect:
            page = self._page(post_path, response)
            if response.status_code == 200 and not self._shows_login_form(page) and not self._refusal(page):
                # Some firmware answers a good login with the portal itself (HTTP 200) instead of a redirect.
                self._take_url_session(_page_links(page), action_pairs)
                self.landing_path = post_path
                self._note_page_logout(page)
                return
            self._login_refused(page, post_path)
        self._refuse_foreign_redirect('POST', post_path, response)
        target = self._location_path(post_path, response)
        self._take_url_session([target], action_pairs)
        if self._is_login_redirect(response):
            # Back to the login form: its page says why (or does not).
            answer = self._request('GET', self._with_url_session(target), relogin=False)
            self._login_refused(self._page(target, answer), post_path, sent_back=True)
        self.landing_path = target
        portal = self._follow_portal(response)
        if portal is None:
            return
        if portal.is_redirect and self._is_login_redirect(portal):
            raise LoginUnconfirmedError(
                self.host, 'the login at %s was answered with a redirect to %s, which sent the client back to the '
                'login page: the device did not accept the session. %s' % (
                    post_path, target, self._stop_advice()))
        if portal.status_code == 200 and not portal.is_redirect:
            landing = self._page(target, portal)
            if self._shows_login_form(landing) or self._refusal(landing):
                self._login_refused(landing, post_path, sent_back=True)
            self._note_page_logout(landing)

    def _note_page_logout(self, page):
        """The first logout control on the page after the login that stays on this device (not read here)."""
        for control in logout_controls(page):
            if self._is_this_device(urljoin(self.base_url + page.path, control['url'])):
                target = urlsplit(urljoin(self.base_url + page.path, control['url']))
                self.page_logout = dict(control, path=target.path or '/')
                return

    def _shows_login_form(self, page):
        password_field = self.profile['login']['password_field']
        return any(form.get(password_field) is not None for form in page.forms)

    @staticmethod
    def _refusal(page):
        return next((key for key in ('locked_out', 'login_failed', 'session_limit') if page.shows(key)), None)

    def _login_refused(self, page, post_path, sent_back=False):
        """The error for a login answer that is not a success; always raises."""
        kind = self._refusal(page)
        said = self._device_text(page, kind)
        if kind == 'locked_out':
            seconds = self.profile['login'].get('lockout_seconds')
            self._ledger('describe', 'locked_out', locked_seconds=seconds)
            raise LockedOutError(
                self.host, 'the device refuses logins after repeated failed attempts ("%s"); not retried. Wait until '
                'the lockout ends (%s), check cloudmail_password for user %r, then %s' % (
                    said, 'about %s s from now' % seconds_text(seconds) if seconds else 'about 5 minutes on most firmware',
                    self.username, NEXT_LOGIN_PLAYBOOK))
        if kind == 'login_failed':
            self._ledger('describe', 'rejected')
            raise LoginRejectedError(
                self.host, 'login refused for user %r: wrong user name or password (the device says: "%s"). Not '
                'retried, so that the device does not lock the account (%s); fix cloudmail_username / '
                'cloudmail_password, then %s' % (self.username, said, self._failures_text(), NEXT_LOGIN_PLAYBOOK))
        if kind == 'session_limit':
            self._ledger('forget_attempt')
            raise self._session_limit_error('POST', post_path, said)
        self._ledger('describe', 'unknown_answer')
        raise LoginUnconfirmedError(
            self.host, 'the login at %s was answered with %s, which the profile %r knows neither as a success nor as '
            'a refusal; the device says: "%s". The device may have counted a failed login, so this printer is stopped '
            'for this run and the login is not repeated (%s). Check %s for this printer (the profile\'s '
            'messages.login_failed may need the device\'s text), then %s' % (
                post_path, 'a redirect back to the login page' if sent_back else 'HTTP %d' % page.status_code,
                self.profile_name, said, self._failures_text(), LOGIN_VARIABLES, NEXT_LOGIN_PLAYBOOK))

    def _stop_advice(self):
        return 'The device may have counted a failed login, so this printer is stopped for this run and the login is ' \
            'not repeated (%s). Check %s for this printer, then %s' % (
                self._failures_text(), LOGIN_VARIABLES, NEXT_LOGIN_PLAYBOOK)

    def _device_text(self, page, known=None):
        """The device's words: the known message as the page shows it, else the page's visible text, trimmed.

        The password is cut out should the page echo it.
        """
        shown = ' '.join((page.text or '').split())
        for message in (self.profile.get('messages') or {}).get(known, ()) if known else ():
            found = shown.casefold().find(' '.join(message.split()).casefold())
            if found >= 0:
                return shown[found:found + len(' '.join(message.split()))]
        text = page.text or ''
        if self._password:
            text = text.replace(self._password, '********')
        text = text.replace('"', "'")
        if len(text) > DEVICE_TEXT_CHARS:
            text = text[:DEVICE_TEXT_CHARS].rsplit(' ', 1)[0] + ' ...'
        return text or '(an empty page)'

    def _login_accepted(self, before):
        """Count the login, clear its failures, and name the session cookie the device really set."""
        self.logins_accepted += 1
        self._ledger('clear')
        wanted = self.profile['login']['session_cookie']
        now = self.cookies.names()
        self._session_cookies = (now - before) | ({wanted} & now)
        if wanted in now:
            return
        others = [name for name in self.login_cookies if name in now] or sorted(now - before)
        if others:
            self.warnings.append(
                '%s: the login worked, but the device set the cookie %s, not %r as the profile %r says; set '
                'login.session_cookie: %s in the profile (cloudmail_profile_file) so that it matches this firmware' % (
                    self.host, ', '.join(repr(name) for name in others), wanted, self.profile_name, others[0]))
        elif not self.url_session:
            self.warnings.append(
                '%s: the login worked, but the device set no cookie (the profile %r expects %r) and carries no '
                'session id in its links; later pages may send the client back to the login page' % (
                    self.host, self.profile_name, wanted))

    # -- the login ledger: failed or unconfirmed logins, known across runs

    def _threshold(self):
        return int(self.profile['login'].get('lockout_threshold') or DEFAULT_LOCKOUT_THRESHOLD)

    def _ledger(self, action, *args, **kwargs):
        try:
            return getattr(self.ledger, action)(self._ledger_key, *args, **kwargs)
        except LedgerError as exc:
            raise LockedOutError(
                self.host, '%s; the collection keeps the failed logins of every printer there so that it never '
                'locks an account, and posts no password without it. Set cloudmail_state_dir to a directory the '
                'controller user can write, then %s' % (exc, NEXT_LOGIN_PLAYBOOK))

    def _failures_text(self):
        entry = self._ledger('entry') or {}
        return '%d failed or unconfirmed login(s) of user %r recorded on this printer, the device locks the account ' \
            'after %d' % (int(entry.get('failures', 0)), self.username, self._threshold())

    def _check_ledger(self):
        """Refuse to post the password when one more failure could lock the account."""
        entry = self._ledger('entry') or {}
        failures = int(entry.get('failures', 0))
        threshold = self._threshold()
        if failures < allowed_attempts(threshold):
            return
        until = entry.get('locked_until')
        seconds = self.profile['login'].get('lockout_seconds')
        raise LoginPausedError(
            self.host, 'no password posted: %d failed or unconfirmed login(s) of user %r are recorded on this printer '
            '(the last, %s, at %s) and the device locks the account after %d (login.lockout_threshold of the profile '
            '%r), so one more could lock it%s. Check cloudmail_username / cloudmail_password (in a browser, once), '
            'then delete the entry %r from %s (or the file) to allow logins again, and %s' % (
                failures, self.username, entry.get('last', '?'), entry.get('last_at', '?'), threshold,
                self.profile_name,
                '; a lockout would last until %s' % until if until else
                '; a lockout would last about %s s' % seconds_text(seconds) if seconds else '',
                self._ledger_key, self.ledger.path, NEXT_LOGIN_PLAYBOOK))

    # -- sessions carried in the URL

    def _take_url_session(self, links, action_pairs):
        """Query pairs that most links after the login carry and the login form's action did not: the session id.

        Most, not all: a page may also hold a link of its own query (a language switch, a help page).
        """
        if self.url_session:
            return
        counts = {}
        carrying = 0
        for link in links:
            parts = urlsplit(link)
            if parts.netloc and not self._is_this_device(link):
                continue
            pairs = set(parse_qsl(parts.query, keep_blank_values=True))
            carrying += 1 if pairs else 0
            for pair in pairs:
                counts[pair] = counts.get(pair, 0) + 1
        known = set(name for name, _value in action_pairs)
        self.url_session = sorted(pair for pair, count in counts.items()
                                  if 2 * count >= carrying and pair[0] not in known and pair[1])

    def _with_url_session(self, path):
        """``path`` with the URL-carried session id, unless it carries it already."""
        if not self.url_session or path is None:
            return path
        base, _hash, fragment = path.partition('#')
        present = set(name for name, _value in _query_pairs(base))
        missing = [(name, value) for name, value in self.url_session if name not in present]
        if not missing:
            return path
        joined = base + ('&' if '?' in base else '?') + urlencode(missing)
        return joined + ('#' + fragment if fragment else '')

    # -- the portal after the login (redirect rules: device_requests)

    def _follow_portal(self, response):
        """Load the page the login redirects to, as a browser does: portals may set a cookie later pages need.

        Returns the portal's answer (None when there is nothing to load).
        """
        location = response.headers.get('Location', '')
        if not self._is_this_device(urljoin(self.base_url + '/', location)):
            return None
        target = self._location_path('/', response)
        return self._request('GET', target, relogin=False)

    def _after_login(self):
        """Visit the pages a browser's portal visits after login; some set a cookie later pages need."""
        for path in self.profile.get('after_login') or ():
            self.get_page(path)

    def logout(self):
        """End the session; a logout that fails is a warning naming the session as possibly open.

        The profile's logout first; where the device does not know it (HTTP 4xx) and the page after the
        login showed a logout control of its own, that one (a drafted profile may name a logout the
        firmware has not).
        """
        if not self._logged_in:
            return
        self._logged_in = False
        logout = self.profile['logout']
        try:
            status, problem = self._send_logout(logout['path'], logout.get('method', 'GET'), logout.get('fields'))
            found = self.page_logout
            if problem is None and status >= 400 and found and found['path'] != logout['path']:
                self.warnings.append(
                    '%s: the logout %s of the profile %r answered HTTP %d; logged out at %s, the logout the page after '
                    'the login shows: set logout.path: %s in the profile (cloudmail_profile_file)' % (
                        self.host, logout['path'], self.profile_name, status, found['path'], found['path']))
                status, problem = self._send_logout(found['path'], found['method'], found['fields'])
            advice = ''
            if problem is None and status >= 400:
                problem = 'answered HTTP %d' % status
                advice = '; set logout.path in the profile (cloudmail_profile_file) to the page the Remote UI\'s own ' \
                    'logout link leads to'
            if problem is not None:
                self.warnings.append(
                    '%s: logout at %s %s: the administrator session may still be open on the printer until its idle '
                    'timeout ends it (%s)%s' % (self.host, logout['path'], problem, self._idle_text(), advice))
        finally:
            self.url_session = []   # the id of an ended session is no use to any later request

    def _send_logout(self, path, method, fields):
        """Send one logout (repeated while busy); returns (HTTP status, None) or (0, why it failed)."""
        headers = {}
        outside = self._cookies_outside(path)
        if outside:
            # The cookie jar would not send the session cookie there, and the device would keep the
            # session open until its idle timeout: send it by hand, as the device's own page script does.
            self.warnings.append(
                '%s: the logout page %s is outside the path of the session cookie (%s); the cookie was sent to it '
                'explicitly so that the session ends. Set logout.path in the profile (cloudmail_profile_file) '
                'to a page under that path if the device keeps sessions open' % (
                    self.host, path, ', '.join(sorted(set(cookie.path for cookie in outside)))))
            sent = self.cookies.header(self.base_url + path)
            headers['Cookie'] = '; '.join(([sent] if sent else []) + [
                '%s=%s' % (cookie.name, cookie.value) for cookie in outside])
        try:
            for attempt in range(self.retries + 1):
                self.logouts_sent += 1
                response = self._send(method or 'GET', path, data=fields or None, extra_headers=headers, logout=True)
                if response.status_code != 503 or attempt == self.retries:
                    break
                # Busy or rate-limited: a logout not repeated would leave the session open until it times out.
                self.busy_answers += 1
                self._sleep(min(self.BACKOFF_SECONDS * (2 ** attempt), self.BACKOFF_MAX_SECONDS))
        except Exception as exc:  # noqa: BLE001 - logging out must never hide the real outcome
            return 0, 'failed (%s)' % type(exc).__name__
        return response.status_code, None

    def _idle_text(self):
        idle = self.profile['login'].get('idle_timeout_seconds')
        if idle:
            return '%s s (login.idle_timeout_seconds), by %s at the latest' % (
                seconds_text(float(idle)), time.strftime('%H:%M:%S UTC', time.gmtime(time.time() + float(idle))))
        return 'often 5 to 10 minutes; login.idle_timeout_seconds in the profile says it'

    def _quiet_logout(self):
        warnings = list(self.warnings)
        self.logout()
        self.warnings[:] = warnings

    def _cookies_outside(self, path):
        """Session cookies whose Path does not cover ``path`` (so a browser would not send them there)."""
        names = self._session_cookies or {self.profile['login']['session_cookie']}
        outside = []
        for cookie in self.cookies:
            scope = cookie.path or '/'
            if cookie.name in names and not (path == scope or path.startswith(scope.rstrip('/') + '/')):
                outside.append(cookie)
        return outside

    # -- pages and forms

    def get_page(self, path, relogin=True):
        """GET a page of the Remote UI and parse it; anything but HTTP 200 is an error."""
        response = self._request('GET', path, relogin=relogin)
        if response.is_redirect:
            self._refuse_foreign_redirect('GET', path, response)
        if response.status_code != 200:
            raise PageNotUnderstoodError(
                self.host, 'page %s answered HTTP %d%s; %s' % (
                    path, response.status_code,
                    ' (to %s)' % response.headers.get('Location') if response.is_redirect else '',
                    profile_hint(self.profile)))
        self._latest_page = self._page(path, response)
        return self._latest_page

    def fetch(self, path):
        """GET a page as it comes (redirects not followed, no fresh login): for read-only exploring.

        Returns (response, parsed page or None when the answer is not an HTML page).
        """
        response = self._request('GET', path, relogin=False)
        content_type = response.headers.get('Content-Type', 'text/html')
        if response.is_redirect or 'html' not in content_type:
            return response, None
        return response, self._page(path, response)

    def submit_form(self, page_path, form_field, values, idempotent=True):
        """Post the form of ``page_path`` that holds ``form_field``, as a browser does.

        The form is read afresh before every attempt, because its anti-forgery
        token is valid for one post only; only when the page was the session's
        latest request (read, then [OK], as a person does) the first attempt
        posts that form as it is. The form is chosen by its fields (never by its
        position on the page) and sent as the standard's entry list with its
        default submit button (its formaction and formenctype count; a multipart
        form is posted multipart): every control it owns with its own value
        (hidden bookkeeping values included), ``values`` set first (field name to
        a string, an option's value or the profile's on/off value, whatever the
        control; None leaves a field out, or unticks a checkbox), then the
        profile's ``write_fields`` where the form holds them empty or not at all. Whether
        the write took is for the caller to read back: only the device's error
        marker or an HTTP error counts as refused here.
        """
        def prepare():
            latest = self._latest_page
            page = latest if latest is not None and latest.path == page_path else self.get_page(page_path)
            form = page.form_with(form_field, *[name for name in values if name != form_field])
            submitter = form.submitter()
            action, _method, enctype = form.submission(submitter)
            data = self._form_data(form, values, submitter)
            if enctype == 'multipart/form-data':
                data = EncodedBody(*encode_multipart(data))
            return self._action_path(page_path, action), data, page_path

        response = self._request('POST', None, prepare=prepare, idempotent=idempotent)
        if response.is_redirect:
            return response
        page = self._page(page_path, response)
        marker = self.profile.get('error_marker')
        if response.status_code < 400 and not page.shows_marker(marker):
            # A page in answer may be the status page, or a refusal in words the profile does not know: the
            # read-back that judges the write shows it.
            response.device_text = self._device_text(page)
            return response
        detail = 'its error page (%s)' % marker if page.shows_marker(marker) else 'HTTP %d' % response.status_code
        outcome = 'nothing was changed' if response.status_code < 500 else 'the device may or may not have acted on it'
        raise WriteRejectedError(
            self.host, 'the device refused the form of %s: it answered %s; %s. The device says: "%s"' % (
                page_path, detail, outcome, self._device_text(page)))

    def _form_data(self, form, values, submitter=None):
        """The form as a browser posts it after a person set ``values``; a list of (name, value).

        Each value goes into its control whatever its kind (text, checkbox, radio group, select:
        an on/off value becomes the page's own option for on/off). Controls the page keeps disabled
        are sent enabled only when this post turns on a box or choice (the page's script would
        enable them); otherwise a value they should change fails here, naming them. The profile's
        ``write_fields`` fill a field the form holds empty (a hidden field the page's script fills)
        or lacks; a value the form holds itself wins.
        """
        checkbox = self.profile.get('checkbox') or {}
        on, off = checkbox.get('on'), checkbox.get('off')
        chosen = {}
        explicit_off = []
        for name, wanted in values.items():
            controls = form.controls(name)
            chosen[name] = form.choice(name, wanted, on, off)
            if any(c.kind == 'checkbox' for c in controls) and chosen[name] is None and wanted is not None \
                    and not any(c.kind == 'hidden' for c in controls):
                # No hidden twin carries "off": send the profile's off value, as the page script does.
                explicit_off.append((name, wanted))
        enabled = self._enabled_by_post(form, chosen, on, off)
        pairs = form.entry_list(submitter, chosen, enabled)
        pairs += [pair for pair in explicit_off if not form.controls(pair[0])[0].disabled or pair[0] in enabled]
        write_fields = self.profile.get('write_fields') or {}
        present = set(form.names())
        pairs = [(name, write_fields[name] if name in write_fields and value == '' and name not in values else value)
                 for name, value in pairs]
        pairs += [(name, value) for name, value in write_fields.items() if name not in present]
        stamp = self.profile.get('timestamp_field')
        if stamp:
            pairs = [(name, value) for name, value in pairs if name != stamp]
            pairs.append((stamp, str(int(time.time() * 1000))))
        return pairs

    def _enabled_by_post(self, form, chosen, on, off):
        """The disabled controls this post must send: all it sets when it turns on a box or choice (which the page's
        script would enable them with); none when it changes none of them; else an error naming them."""
        disabled = [name for name in chosen if form.controls(name) and all(c.disabled for c in form.controls(name))]
        if not disabled:
            return ()
        turned_on = [name for name in chosen if name not in disabled and form.boolean(name, on, off) is False
                     and form.choice_means(name, chosen[name], on, off) is True]
        if turned_on:
            return tuple(disabled)
        changed = [name for name in disabled if chosen[name] != form.current_choice(name)]
        if not changed:
            return ()   # as a browser posts it: the disabled controls left out, their values unchanged
        raise PageNotUnderstoodError(
            self.host, 'the form of %s keeps %s disabled, and nothing this write turns on enables %s: a browser would '
            'not send %s, so nothing was written; %s' % (
                form.document_path, ', '.join(repr(name) for name in changed), 'them' if len(changed) > 1 else 'it',
                'them' if len(changed) > 1 else 'it', profile_hint(self.profile)))

    @staticmethod
    def _merge_fields(pairs, fill, override):
        """Form pairs with ``override`` replacing values and ``fill`` adding only fields the form lacks."""
        names = set(pair[0] for pair in pairs)
        merged = [(name, override.get(name, value)) for name, value in pairs]
        merged += [(name, value) for name, value in fill.items() if name not in names and name not in override]
        merged += [(name, value) for name, value in override.items() if name not in names]
        return merged

    def _action_path(self, page_path, action):
        """A form's action resolved against its page, as a path on this device."""
        resolved = urlsplit(urljoin(self.base_url + page_path, action))
        if resolved.netloc and resolved.netloc != urlsplit(self.base_url).netloc:
            raise PageNotUnderstoodError(
                self.host, 'the form of %s posts to another host (%s); not followed; %s' % (
                    page_path, resolved.netloc, profile_hint(self.profile)))
        return (resolved.path or page_path) + ('?' + resolved.query if resolved.query else '')

    def _page(self, path, response):
        # Parsed once per response: the retry policy looks at the page before its caller does.
        page = getattr(response, 'parsed_page', None)
        if page is None or page.path != path:
            body = decode_body(response.content, response.headers.get('Content-Type', ''))
            page = Page(self.host, path, response.status_code, body, self.profile)
            response.parsed_page = page
        return page

    def _is_login_redirect(self, response):
        """Whether an answer sends back to the login form: the session ended (device_requests logs in again)."""
        if not response.is_redirect:
            return False
        login = self.profile['login']
        location = urlsplit(urljoin(self.base_url + '/', response.headers.get('Location', ''))).path
        return location in (login['path'], login.get('form_path') or login['path'])


def _query_pairs(path):
    return parse_qsl(urlsplit(path or '').query, keep_blank_values=True)


def _page_links(page):
    """Where a page leads: its links and its forms' actions."""
    links = [link for cell in page.cells for link in cell.links]
    return links + [form.action for form in page.forms if form.action]
