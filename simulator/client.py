"""Clients of a running simulator: its control interface and its state directory.

Used by the pytest fixture, the demo and the benchmarks; never by the collection.
"""

import json
import subprocess
import sys
from pathlib import Path

import requests
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent


class ControlClient:
    """The simulator's control interface (plain HTTP on 127.0.0.1, no proxies, no CA bundle)."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.trust_env = False

    def get(self, path):
        response = self.http.get(self.base_url + path, timeout=30)
        response.raise_for_status()
        return response.json()

    def post(self, path, payload=None):
        response = self.http.post(self.base_url + path, json=payload or {}, timeout=30)
        response.raise_for_status()
        return response.json()

    def fleet(self):
        return self.get('/fleet')

    def printer(self, name):
        return self.get(f'/printers/{name}')

    def faults(self, name, **faults):
        return self.post(f'/printers/{name}/faults', faults)

    def set_variants(self, name, variants):
        return self.post(f'/printers/{name}/variants', {'variants': list(variants)})

    def reset(self, name):
        return self.post(f'/printers/{name}/reset')

    def change_device_clock(self, name, seconds):
        return self.post(f'/printers/{name}/clock', {'seconds': seconds})

    def advance_clock(self, seconds):
        return self.post('/clock/advance', {'seconds': seconds})

    def counters(self):
        return self.get('/counters')

    def entra_pending(self):
        return self.get('/entra/pending')

    def entra_approve(self, user_code, decline=False):
        return self.post('/entra/approve', {'user_code': user_code, 'decline': decline})

    def google_clients(self):
        """client_id -> {client_secret, testing}: the production and the testing client."""
        return self.get('/google/clients')

    def google_consent(self, authorization_url):
        return self.post('/google/consent', {'authorization_url': authorization_url})

    def configure_mail(self, name, **settings):
        """Set a printer's mail settings directly (e.g. an old SMTP AUTH password set-up)."""
        return self.post(f'/printers/{name}/mail', settings)

    def mailbox(self):
        """Messages the fake SMTP servers accepted, and counts of authentications and refusals."""
        return self.get('/mail')

    def revoke(self, provider=None, user=None):
        return self.post('/clouds/revoke', {'provider': provider, 'user': user})


class SimulatedFleet:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.state = json.loads((self.directory / 'state.json').read_text())
        self.inventory_path = self.directory / 'inventory.yml'
        self.inventory = yaml.safe_load(self.inventory_path.read_text())
        self.ca_path = self.state['ca_path']
        self.control = ControlClient(self.state['control_url'])
        inventory_vars = self.inventory['all']['vars']
        self.username, self.password = inventory_vars['cloudmail_username'], inventory_vars['cloudmail_password']
        self.printers = {printer['name']: printer for printer in self.state['printers']}

    def with_variant(self, variant):
        """Names of the printers serving this markup variant."""
        return [name for name, printer in self.printers.items() if variant in printer.get('variants', ())]

    def url(self, name, path='/'):
        printer = self.printers[name]
        return f'https://{printer["address"]}:{printer["port"]}{path}'

    def open_sessions(self):
        """name -> open admin sessions, for printers that still have some."""
        return {name: count for name in self.printers
                if (count := self.control.printer(name)['counters']['open_sessions'])}

    def stop(self):
        run_cli('stop', '--dir', str(self.directory))


def run_cli(*arguments):
    result = subprocess.run([sys.executable, '-m', 'simulator', *arguments], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    if result.returncode:
        raise RuntimeError(f'python -m simulator {arguments[0]} failed: {result.stderr or result.stdout}')
    return result.stdout
