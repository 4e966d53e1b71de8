# -*- coding: utf-8 -*-
"""A deprecated plugin says so in meta/runtime.yml (the warning users get) and in its documentation, alike."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.printfleet.cloudmail.tests.unit.documentation import documentation

ROOT = Path(__file__).resolve().parents[2]


def test_deprecated_modules_agree_with_theirdocumentation():
    routing = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text()).get('plugin_routing', {}).get('modules', {})
    deprecated = dict((name, entry['deprecation']) for name, entry in routing.items() if 'deprecation' in entry)
    assert 'fleet_settings' in deprecated  # used by no playbook; rollout.yml uses fleet_rollout
    for name, deprecation in deprecated.items():
        documented = documentation(ROOT / 'plugins' / 'modules' / ('%s.py' % name)).get('deprecated')
        assert documented, name
        assert str(documented['removed_in']) == str(deprecation['removal_version']), name
        assert deprecation['warning_text'].strip() and documented['why'] and documented['alternative']
    for module in sorted((ROOT / 'plugins' / 'modules').glob('*.py')):
        if module.stem not in deprecated:
            assert 'deprecated' not in documentation(module), module.stem


def test_no_playbook_uses_a_deprecated_module():
    routing = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text()).get('plugin_routing', {}).get('modules', {})
    for playbook in sorted((ROOT / 'playbooks').rglob('*.yml')):
        text = playbook.read_text()
        for name in routing:
            assert 'printfleet.cloudmail.%s' % name not in text, playbook
