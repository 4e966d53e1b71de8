"""The reference a fleet run is measured against: a bare thread pool of HTTP clients (requests).

    .venv/bin/python benchmarks/reference_client.py --fleet-dir DIR --work push|status [--threads 50]

With --requests same (the default) it does per printer the requests the collection does, so that
the two differ only in what the controller spends around them:
push   = read the login form, login, the portal page, read the edit form, post it, read it back,
         log out (7 requests);
status = read the login form, login, the portal page, the edit form, the status page, log out (6).
With --requests minimal, only what the work strictly needs:
push   = login, read the edit form, post it, read it back, log out (5 requests);
status = login, read the status page, log out (3 requests).
Paths and field names come from the collection's device profiles (through the simulator,
which serves exactly them), so the reference never imports the collection. Prints one JSON object: printers, failures, seconds.
"""

import argparse
import json
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from simulator.printer import profiles  # noqa: E402  (after the path set-up)

MICROSOFT_AUTHORITY = 'https://login.microsoftonline.com/organizations/oauth2/v2.0'


def load_profiles():
    """The collection's built-in device profiles, resolved as the simulator serves them."""
    return profiles.PROFILES


def push_fields(profile, provider, authority_url):
    """The form fields that turn OAuth on with the given endpoint (Microsoft)."""
    fields, on = profile['providers'][provider]['fields'], profile['checkbox']['on']
    values = {fields['enabled']: on, fields['verify_server_certificate']: on, fields['authority_url']: authority_url}
    if profile['checkbox']['off'] is not None:
        values[fields['add_cn_to_verification']] = profile['checkbox']['off']
    values.update(profile['write_fields'])
    return values


class Printer:
    """One printer's session: every request of the work, then always a logout."""

    def __init__(self, printer, profile, username, password, ca_path, timeout=30, same=True):
        self.base = 'https://%s:%d' % (printer['address'], printer['port'])
        self.profile, self.provider = profile, printer['provider']
        self.pages = profile['providers'][self.provider]
        self.username, self.password = username, password
        self.ca_path, self.timeout = ca_path, timeout
        self.http = requests.Session()
        self.http.trust_env = False
        self.same = same

    def request(self, method, path, **kwargs):
        return self.http.request(method, self.base + path, verify=self.ca_path, timeout=self.timeout,
                                 allow_redirects=False, **kwargs)

    def login(self):
        login = self.profile['login']
        if self.same:  # the collection reads the login form before it posts a password
            self.request('GET', login.get('form_path') or login['path'])
        data = dict(login['extra_fields'], **{login['username_field']: self.username,
                                              login['password_field']: self.password})
        response = self.request('POST', login['path'], data=data)
        if response.status_code != 302 or login['session_cookie'] not in self.http.cookies:
            raise RuntimeError('login refused (HTTP %d)' % response.status_code)
        if self.same:  # and loads the portal the login leads to, as a browser does
            self.request('GET', urlsplit(response.headers['Location']).path)

    def logout(self):
        self.request('GET', self.profile['logout']['path'])
        self.http.close()

    def push(self):
        edit = self.pages['edit_path']
        page = self.request('GET', edit)
        token_field = self.profile['token_field']
        token = re.search(r'name="%s" value="([^"]*)"' % re.escape(token_field), page.text).group(1)
        data = push_fields(self.profile, self.provider, MICROSOFT_AUTHORITY)
        data[token_field] = token
        if self.profile['timestamp_field']:
            data[self.profile['timestamp_field']] = str(int(time.time() * 1000))
        posted = self.request('POST', edit, data=data,
                              headers={'Origin': self.base, 'Referer': self.base + edit})
        if posted.status_code != 302:
            raise RuntimeError('write refused (HTTP %d)' % posted.status_code)
        if MICROSOFT_AUTHORITY not in self.request('GET', edit).text:
            raise RuntimeError('the read-back does not show the new endpoint')

    def status(self):
        if self.same:  # the collection reads the settings too, to compare them with the inventory
            self.request('GET', self.pages['edit_path'])
        page = self.request('GET', self.pages['status_path'])
        if page.status_code != 200:
            raise RuntimeError('status page answered HTTP %d' % page.status_code)

    def run(self, work):
        self.login()
        try:
            getattr(self, work)()
        finally:
            self.logout()


def run_fleet(fleet_dir, work, threads, same=True):
    state = json.loads((Path(fleet_dir) / 'state.json').read_text())
    inventory = __import__('yaml').safe_load((Path(fleet_dir) / 'inventory.yml').read_text())
    username, password = inventory['all']['vars']['cloudmail_username'], inventory['all']['vars']['cloudmail_password']
    profiles = load_profiles()

    def one(printer):
        try:
            Printer(printer, profiles[printer['family']], username, password, state['ca_path'], same=same).run(work)
            return None
        except Exception as exc:  # noqa: BLE001 - one failing printer never stops the others
            return '%s: %s' % (printer['name'], exc)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        failures = [failure for failure in pool.map(one, state['printers']) if failure]
    return {'printers': len(state['printers']), 'failures': failures, 'seconds': time.perf_counter() - started}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--fleet-dir', type=Path, required=True)
    parser.add_argument('--work', choices=('push', 'status'), required=True)
    parser.add_argument('--threads', type=int, default=50)
    parser.add_argument('--requests', choices=('same', 'minimal'), default='same')
    args = parser.parse_args()
    result = run_fleet(args.fleet_dir, args.work, args.threads, same=args.requests == 'same')
    print(json.dumps(result))
    return 1 if result['failures'] else 0


if __name__ == '__main__':
    sys.exit(main())
