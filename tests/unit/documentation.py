# -*- coding: utf-8 -*-
"""The documentation blocks of a module or doc fragment file, read as ansible-doc reads them (no import)."""

from __future__ import annotations

import ast

import yaml


def documentation_blocks(path, names=('DOCUMENTATION', 'EXAMPLES', 'RETURN')):
    """Name -> text of the file's documentation blocks among ``names``."""
    return dict((node.targets[0].id, node.value.value) for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) in names)


def documentation(path):
    """The file's DOCUMENTATION, parsed."""
    blocks = documentation_blocks(path, ('DOCUMENTATION',))
    assert blocks, '%s has no DOCUMENTATION' % path
    return yaml.safe_load(blocks['DOCUMENTATION'])
