"""Shared test set-up: the repository root on sys.path and the simulated fleet fixture."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

pytest_plugins = ['simulator.pytest_plugin']
