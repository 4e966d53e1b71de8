"""pytest fixture ``simulated_fleet``: a real simulator process per test, stopped afterwards.

Load with ``pytest_plugins = ["simulator.pytest_plugin"]``. The fixture is a factory::

    fleet = simulated_fleet(printers=4, families='isensys_mf', idle_timeout=5)
    fleet.control.printer('printer-0001')['counters']

Options are the command line's (``--settle-seconds`` -> ``settle_seconds``). At teardown the
fleet is stopped and the test fails if any printer still has an open admin session: every
client must log out.
"""

import json

import pytest

from simulator.client import SimulatedFleet, run_cli


@pytest.fixture
def simulated_fleet(tmp_path):
    fleets = []

    def start(printers=1, **options):
        directory = tmp_path / f'fleet-{len(fleets) + 1}'
        arguments = ['start', '--dir', str(directory), '--printers', str(printers)]
        for option, value in options.items():
            flag = f'--{option.replace("_", "-")}'
            if isinstance(value, dict):     # printer_settings
                value = json.dumps(value)
            elif isinstance(value, (list, tuple)):      # variants: one set per printer in turn
                value = ','.join(item if isinstance(item, str) else '+'.join(item) or 'none' for item in value)
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
