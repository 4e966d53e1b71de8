"""The user guide's variables table is written from schemas/printer.schema.json: one source, and this test fails
when the two drift apart (a variable added, removed or described otherwise in one of them only)."""

import copy
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / 'tests' / 'utils'))

import variables_table  # noqa: E402


def test_the_guide_lists_every_variable_of_the_schema_as_the_schema_describes_it():
    completed = subprocess.run([sys.executable, str(REPO / 'tests' / 'utils' / 'variables_table.py'), '--check'],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    schema = json.loads(variables_table.SCHEMA.read_text(encoding='utf-8'))
    guide = variables_table.GUIDE.read_text(encoding='utf-8')
    for name in schema['$defs']['cloudmail_variables']['properties']:
        assert '| `%s` |' % name in guide


def test_a_schema_change_shows_as_drift():
    schema = json.loads(variables_table.SCHEMA.read_text(encoding='utf-8'))
    guide = variables_table.GUIDE.read_text(encoding='utf-8')
    assert variables_table.rewritten(guide, schema) == guide
    changed = copy.deepcopy(schema)
    changed['$defs']['cloudmail_variables']['properties']['cloudmail_new_setting'] = {
        'description': 'Playbook setting: a setting the guide does not know yet.'}
    assert '| `cloudmail_new_setting` | A setting the guide does not know yet. |' in \
        variables_table.rewritten(guide, changed)
    assert variables_table.rewritten(guide, changed) != guide
