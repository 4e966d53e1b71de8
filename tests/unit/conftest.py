# -*- coding: utf-8 -*-
"""Plain pytest from the repository: make the collection importable as ansible_collections.printfleet.cloudmail.

ansible-test units does this itself; a plain ``pytest tests/unit`` gets the same through the
``build/ansible_collections/printfleet/cloudmail`` link that ``make collection-tree`` creates.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

COLLECTION_ROOT = Path(__file__).resolve().parents[2]


def _make_collection_importable():
    try:
        import ansible_collections.printfleet.cloudmail.plugins.module_utils.errors  # noqa: F401
        return
    except ImportError:
        pass
    if COLLECTION_ROOT.parent.name == 'printfleet' and COLLECTION_ROOT.parent.parent.name == 'ansible_collections':
        sys.path.insert(0, str(COLLECTION_ROOT.parents[2]))
        return
    tree = COLLECTION_ROOT / 'build'
    link = tree / 'ansible_collections' / 'printfleet' / 'cloudmail'
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink('../../..', str(link))
    sys.path.insert(0, str(tree))


_make_collection_importable()


@pytest.fixture(autouse=True)
def _own_state_dir(tmp_path, monkeypatch):
    """Every test its own login ledger: failed logins recorded by one test must not pause another's."""
    monkeypatch.setenv('XDG_STATE_HOME', str(tmp_path / 'state'))
