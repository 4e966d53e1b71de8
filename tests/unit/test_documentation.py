# -*- coding: utf-8 -*-
"""Every module's DOCUMENTATION, EXAMPLES and RETURN, and every doc fragment, is YAML that ansible-doc can read."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.printfleet.cloudmail.tests.unit.documentation import documentation_blocks

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / 'plugins' / 'modules').glob('*.py')) + sorted((ROOT / 'plugins' / 'doc_fragments').glob('*.py'))


@pytest.mark.parametrize('path', FILES, ids=lambda path: '%s/%s' % (path.parent.name, path.stem))
def test_documentation_parses(path):
    blocks = documentation_blocks(path)
    assert 'DOCUMENTATION' in blocks, path
    for name, text in blocks.items():
        parsed = yaml.safe_load(text)
        if name == 'DOCUMENTATION':
            assert isinstance(parsed, dict), path
