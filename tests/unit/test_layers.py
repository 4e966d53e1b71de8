# -*- coding: utf-8 -*-
"""Imports point downward: the client (module_utils) never reaches up into the controller's code, and the
fleet's orchestration never imports the report (the report reads what the orchestration recorded)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.printfleet.cloudmail.plugins.module_utils import oauth_tasks

PLUGINS = Path(__file__).resolve().parents[2] / 'plugins'
PACKAGE = 'ansible_collections.printfleet.cloudmail.plugins.'
# The report's own modules, and the one action plugin that writes the report from the run's record.
REPORT = {'plugin_utils.report_states', 'plugin_utils.report_rows', 'plugin_utils.report_files'}
REPORT_WRITERS = REPORT | {'action.fleet_report'}


def collection_imports(path):
    """The collection modules a file imports, as 'plugin_utils.x' (function-level imports included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE):
            module = node.module[len(PACKAGE):]
            names.add(module)
            names.update('%s.%s' % (module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name[len(PACKAGE):] for alias in node.names if alias.name.startswith(PACKAGE))
    return names


def plugin_files(*folders):
    return sorted(path for folder in folders for path in (PLUGINS / folder).rglob('*.py'))


@pytest.mark.parametrize('path', plugin_files('module_utils'), ids=lambda path: path.relative_to(PLUGINS).as_posix())
def test_the_client_imports_nothing_from_the_controller_side(path):
    upward = sorted(name for name in collection_imports(path) if not name.startswith('module_utils'))
    assert not upward, '%s imports %s' % (path.name, upward)


@pytest.mark.parametrize('path', plugin_files('plugin_utils', 'action', 'lookup'), ids=lambda path: path.name)
def test_only_the_report_imports_the_report(path):
    module = '%s.%s' % (path.parent.name, path.stem)
    if module in REPORT_WRITERS:
        return
    assert not collection_imports(path) & REPORT, '%s imports the report' % path.name


def test_a_module_run_without_its_action_plugin_says_where_profiles_are_read(capsys):
    arguments = {'host': 'mfp.example.com', 'username': 'admin', 'password': 'S3cret-pw!', 'profile': 'isensys_mf'}
    with patch_module_args(arguments), pytest.raises(SystemExit):
        oauth_tasks.run_module(oauth_tasks.INFO)
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] is True and result['step'] == 'read'
    assert result['msg'] == ('mfp.example.com: the device profiles are read on the controller: run this module '
                             'through ansible-playbook (its action plugin)')
    assert 'S3cret-pw!' not in json.dumps(result)
