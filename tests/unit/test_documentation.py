# -*- coding: utf-8 -*-
"""Every module's DOCUMENTATION, EXAMPLES and RETURN, and every doc fragment, is YAML that ansible-doc can read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / 'plugins' / 'modules').glob('*.py')) + sorted((ROOT / 'plugins' / 'doc_fragments').glob('*.py'))


@pytest.mark.parametrize('path', FILES, ids=lambda path: '%s/%s' % (path.parent.name, path.stem))
def test_documentation_parses(path):
    blocks = [node for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Assign)
              and getattr(node.targets[0], 'id', None) in ('DOCUMENTATION', 'EXAMPLES', 'RETURN')]
    assert blocks, path
    for block in blocks:
        parsed = yaml.safe_load(block.value.value)
        if block.targets[0].id == 'DOCUMENTATION':
            assert isinstance(parsed, dict) and 'options' in parsed or path.parent.name == 'modules', path
