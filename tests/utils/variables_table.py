"""Write the user guide's table of inventory variables from schemas/printer.schema.json (the one source).

    python tests/utils/variables_table.py          # rewrite the table in docs/user-guide.md
    python tests/utils/variables_table.py --check  # exit 1 when the guide and the schema differ

The table stands between the two marker lines below; everything else of the guide is left as it is.
"""

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / 'schemas' / 'printer.schema.json'
GUIDE = REPO / 'docs' / 'user-guide.md'
BEGIN = '<!-- variables table: generated from schemas/printer.schema.json by tests/utils/variables_table.py -->'
END = '<!-- end of the variables table -->'
PLAYBOOK_SETTING = 'Playbook setting'


def _required(schema):
    """The variables every printer must have, from the schema's top-level ``required``."""
    names = set()
    for part in schema.get('allOf', ()):
        names.update(part.get('required', ()))
    return names


def _cell(text):
    return ' '.join(str(text).split()).replace('|', '\\|')


def table(schema):
    """The markdown between the markers: printer variables, then playbook settings, in the schema's order."""
    properties = schema['$defs']['cloudmail_variables']['properties']
    required = _required(schema)
    printer, playbook = [], []
    for name, spec in properties.items():
        description = spec.get('description', '')
        if description.startswith(PLAYBOOK_SETTING):
            text = description[len(PLAYBOOK_SETTING):].lstrip(' :')
            text = text[:1].upper() + text[1:]
            playbook.append('| `%s` | %s |' % (name, _cell(text)))
        else:
            printer.append('| `%s` | %s | %s |' % (name, 'required' if name in required else '', _cell(description)))
    return '\n'.join([
        BEGIN,
        '**Printer variables** (host_vars or group_vars):',
        '',
        '| Variable | Required | Meaning |',
        '|---|---|---|',
        *printer,
        '',
        '**Playbook settings** (group_vars/all, or extra vars; `cloudmail_serial` only works as an extra var, read '
        'when the play starts):',
        '',
        '| Variable | Meaning |',
        '|---|---|',
        *playbook,
        END,
    ])


def rewritten(guide, schema):
    """The guide with its table replaced; ValueError when the markers are missing."""
    start, end = guide.find(BEGIN), guide.find(END)
    if start < 0 or end < start:
        raise ValueError('%s has no variables table markers (%s ... %s)' % (GUIDE, BEGIN, END))
    return guide[:start] + table(schema) + guide[end + len(END):]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='only check; exit 1 when the table is out of date')
    args = parser.parse_args(argv)
    schema = json.loads(SCHEMA.read_text(encoding='utf-8'))
    guide = GUIDE.read_text(encoding='utf-8')
    new = rewritten(guide, schema)
    if args.check:
        if new != guide:
            print('%s: the variables table differs from %s; run python tests/utils/variables_table.py' % (
                GUIDE, SCHEMA), file=sys.stderr)
            return 1
        return 0
    if new != guide:
        GUIDE.write_text(new, encoding='utf-8')
    return 0


if __name__ == '__main__':
    sys.exit(main())
