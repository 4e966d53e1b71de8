"""Injected faults, counters and the command line of the simulator."""

import subprocess
import sys
import time

import pytest
import requests
import yaml

from browser import Browser
from simulator.client import REPO_ROOT


@pytest.fixture
def fleet(simulated_fleet):
    return simulated_fleet(printers=2)


def test_busy_and_server_errors_count_down(fleet):
    browser = Browser(fleet, 'printer-0002')
    fleet.control.reset('printer-0002')    # forget the start-up check
    fleet.control.faults('printer-0002', busy=2, http_500=1)
    for attempt in range(2):
        busy = browser.get('/')
        assert busy.status_code == 503 and browser.message('busy') in busy.text
    assert browser.get('/').status_code == 500
    assert browser.get('/').status_code == 200
    assert fleet.control.printer('printer-0002')['counters']['requests'] == 4


def test_offline_printer_refuses_connections_then_comes_back(fleet):
    browser = Browser(fleet, 'printer-0001')
    fleet.control.faults('printer-0001', offline=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        browser.get('/')
    assert Browser(fleet, 'printer-0002').get('/').status_code == 200   # the others keep serving
    time.sleep(1.3)
    assert browser.get('/').status_code == 200


def test_reset_brings_an_offline_printer_back_and_clears_counters(fleet):
    browser = Browser(fleet, 'printer-0001')
    browser.get('/')
    fleet.control.faults('printer-0001', offline=60)
    with pytest.raises(requests.exceptions.ConnectionError):
        browser.get('/')
    state = fleet.control.reset('printer-0001')
    assert state['counters']['requests'] == 0 and state['faults']['offline_until'] == 0
    time.sleep(0.2)
    assert browser.get('/').status_code == 200


def test_dropped_connections_are_reset(fleet):
    browser = Browser(fleet, 'printer-0002')
    fleet.control.faults('printer-0002', drop=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        browser.get('/')
    assert browser.get('/').status_code == 200


def test_latency_delays_every_answer(fleet):
    browser = Browser(fleet, 'printer-0001')
    fleet.control.faults('printer-0001', latency=0.5)
    started = time.monotonic()
    assert browser.get('/').status_code == 200
    assert time.monotonic() - started >= 0.5
    fleet.control.faults('printer-0001', latency=0)


def test_expire_sessions_ends_every_session_now(fleet):
    browser = Browser(fleet, 'printer-0001')
    browser.login()
    assert fleet.control.counters()['open_sessions'] == 1
    fleet.control.faults('printer-0001', expire_sessions=True)
    assert fleet.control.counters()['open_sessions'] == 0
    assert browser.get(browser.profile['providers']['google']['status_path']).status_code == 302


def test_control_answers_unknown_printer_with_404(fleet):
    with pytest.raises(requests.exceptions.HTTPError) as error:
        fleet.control.printer('printer-9999')
    assert error.value.response.status_code == 404
    with pytest.raises(requests.exceptions.HTTPError):
        fleet.control.entra_approve('NOSUCHCODE')


def test_inventory_describes_the_fleet_for_the_playbooks(simulated_fleet):
    fleet = simulated_fleet(printers=8, foreign_cert_printers=0)
    inventory = fleet.inventory
    common = inventory['all']['vars']
    assert common['ansible_connection'] == 'local'
    assert common['ansible_python_interpreter'] == '{{ ansible_playbook_python }}'
    assert common['cloudmail_username'] == '7654321' and common['cloudmail_password']
    assert common['cloudmail_ca_path'] == fleet.ca_path and common['cloudmail_validate_certs'] is True
    groups = inventory['all']['children']['printers']['children']
    # The senders are the mailboxes the simulated person signs in with.
    assert groups['microsoft']['vars'] == {'cloudmail_microsoft_tenant': 'organizations',
                                           'cloudmail_smtp_sender': 'scanner@contoso.onmicrosoft.com'}
    assert groups['google']['vars']['cloudmail_smtp_sender'] == 'scanner.fleet@gmail.com'
    production = groups['google']['vars']['cloudmail_google_client_id']
    assert fleet.control.google_clients()[production]['testing'] is False
    hosts = {**groups['microsoft']['hosts'], **groups['google']['hosts']}
    assert sorted(hosts) == [f'printer-{i:04d}' for i in range(1, 9)]
    assert {h['cloudmail_provider'] for h in groups['google']['hosts'].values()} == {'google'}
    for name, printer in fleet.printers.items():
        assert hosts[name] == {'cloudmail_host': printer['address'], 'cloudmail_port': printer['port'],
                               'cloudmail_profile': printer['family'], 'cloudmail_provider': printer['provider']}
    # All eight combinations of family, language and provider.
    assert len({(p['family'], p['language'], p['provider']) for p in fleet.printers.values()}) == 8
    assert fleet.printers['printer-0001']['address'] == '127.1.0.1'


def test_single_family_language_and_provider(simulated_fleet):
    fleet = simulated_fleet(printers=3, families='isensys_mf', languages='fr', providers='google')
    assert {(p['family'], p['language'], p['provider']) for p in fleet.printers.values()} == {
        ('isensys_mf', 'fr', 'google')}
    assert yaml.safe_load(fleet.inventory_path.read_text())['all']['children']['printers']['children'][
        'microsoft']['hosts'] == {}


def test_stop_is_harmless_when_nothing_runs(tmp_path):
    result = subprocess.run([sys.executable, '-m', 'simulator', 'stop', '--dir', str(tmp_path)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and 'no simulator running' in result.stdout


def test_second_start_in_the_same_directory_is_refused(fleet):
    result = subprocess.run([sys.executable, '-m', 'simulator', 'start', '--dir', str(fleet.directory),
                             '--printers', '1'], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0 and 'already running' in result.stderr
