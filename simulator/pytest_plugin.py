"""pytest fixture ``simulated_fleet``: a real simulator process per test, stopped afterwards.

Load with ``pytest_plugins = ["simulator.pytest_plugin"]``. The fixture is a factory::

    fleet = simulated_fleet(printers=4, families='isensys_mf', idle_timeout=5)
    fleet.control.printer('printer-0001')['counters']

Options are the command line's (``--settle-seconds`` -> ``settle_seconds``). At teardown the
fleet is stopped and the test fails if any printer still has an open admin session: every
client must log out.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
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
                            capture_output=True, text=True, timeout=300)
    if result.returncode:
        raise RuntimeError(f'python -m simulator {arguments[0]} failed: {result.stderr or result.stdout}')
    return result.stdout


@pytest.fixture
def simulated_fleet(tmp_path):
    fleets = []

    def start(printers=1, **options):
        directory = tmp_path / f'fleet-{len(fleets) + 1}'
        arguments = ['start', '--dir', str(directory), '--printers', str(printers)]
        for option, value in options.items():
            flag = f'--{option.replace("_", "-")}'
            arguments += [flag] if value is True else [] if value is False else [flag, str(value)]
        run_cli(*arguments)
        fleets.append(SimulatedFleet(directory))
        return fleets[-1]

    yield start
    left_open = {}
    for fleet in fleets:
        try:
            left_open.update(fleet.open_sessions())
        finally:
            fleet.stop()
    if left_open:
        pytest.fail(f'admin sessions left open (no logout): {left_open}')
