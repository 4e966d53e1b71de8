# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Take every Google printer's authorization code in one prompt, or from a variable (run_once)."""

from __future__ import annotations

import time

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import AUTHORIZATION_TIMEOUT
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import PROVIDERS, asks_code_back
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.google_codes import (
    answer_entries,
    codes_from_variable,
    match_codes,
)

__metaclass__ = type

display = Display()

PROMPT = ('Paste the Google authorization code of each printer above: the code, or the whole address from the '
          'browser\'s bar. One per line or separated by spaces; an address whose state names a printer goes to '
          'that printer, the others are given in the order of the table (%s). Enter on an empty line ends; '
          'the prompt closes by itself after %d s')


# How often the prompt asks again for the printers whose pasted input could not be used.
MAX_PROMPTS = 3


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(('pending', 'interactive', 'given', 'timeout', 'given_at', 'code_lifetime'))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec={
            'pending': {'type': 'list', 'elements': 'dict', 'required': True},
            'interactive': {'type': 'bool', 'default': False},
            'given': {'type': 'dict', 'default': {}, 'no_log': True},
            'timeout': {'type': 'float', 'default': AUTHORIZATION_TIMEOUT},
            'given_at': {'type': 'float'},
            'code_lifetime': {'type': 'float', 'default': PROVIDERS['google'].code_lifetime},
        })[1]
        rows = [row for row in args['pending'] if asks_code_back(row.get('provider'))]
        codes, problems = codes_from_variable(args['given'], rows)
        if codes and args['given_at'] is not None:
            age = time.time() - args['given_at']
            if age > args['code_lifetime']:
                display.warning(
                    'the Google codes of %s were given when the run started, %d s ago; Google codes live %d s after '
                    'consent, so they have most likely expired and the printers will refuse them. Consent again and '
                    'give the fresh codes to reauthorize.yml limited to these printers (--limit), in batches small '
                    'enough to finish within %d s (docs/user-guide.md, "Google at scale")' % (
                        ', '.join(sorted(codes)), age, args['code_lifetime'], args['code_lifetime']))
        # At a terminal, every printer without a usable code is asked for, also one whose given code was unusable;
        # a printer whose pasted input could not be used is asked for again, in the same run: its consent URL
        # still holds, and a code lives 600 s from consent.
        rows_to_ask = [row for row in rows if row['host'] not in codes]
        deadline = time.monotonic() + args['timeout']
        asked = 0
        while args['interactive'] and rows_to_ask and asked < MAX_PROMPTS and time.monotonic() < deadline:
            unusable = ['%s: %s' % (row['host'], problems[row['host']]) for row in rows_to_ask if row['host'] in problems]
            # Said in the prompt itself, right where the person pastes again.
            preface = ('Not usable, nothing was sent to the printer: %s. Paste again (consent again for a fresh code '
                       'if more than 10 minutes went by). ' % '; '.join(unusable)) if unusable else ''
            answer = self._ask(rows_to_ask, deadline - time.monotonic(), preface)
            asked += 1
            typed, typed_problems, ignored = match_codes(answer, rows_to_ask)
            codes.update(typed)
            for host in typed:
                problems.pop(host, None)
            problems.update(typed_problems)
            if ignored:
                display.warning('%d entr%s of the answer were left over and ignored' % (ignored, 'y' if ignored == 1 else 'ies'))
            if not answer.strip():
                break
            rows_to_ask = [row for row in rows_to_ask if row['host'] in typed_problems]
        for host in sorted(problems):
            display.warning('%s: %s; nothing was sent to the printer' % (host, problems[host]))
        result.update(changed=False, codes=codes, problems=problems,
                      msg='%d Google code(s) usable, %d refused' % (len(codes), len(problems)))
        return result

    def _ask(self, rows, timeout, preface=''):
        """Lines typed (without echo) until an empty line, every printer has an entry, or the time is over."""
        deadline = time.monotonic() + timeout
        order = ', '.join(row['host'] for row in rows)
        lines = []
        prompt = preface + PROMPT % (order, int(timeout))
        while len(answer_entries('\n'.join(lines))) < len(rows):
            left = int(deadline - time.monotonic())
            if left <= 0:
                break
            try:
                answer = display.prompt_until(prompt + ':\n', private=True, seconds=left)
            except AnsibleError:
                break  # no terminal after all: the printers without a code say what to do
            if isinstance(answer, Exception):
                break
            text = answer.decode('utf-8', errors='replace') if isinstance(answer, bytes) else str(answer)
            if not text.strip():
                break
            lines.append(text)
            given = len(answer_entries('\n'.join(lines)))
            prompt = '%d of %d given; next (or Enter on an empty line to end)' % (given, len(rows))
        return '\n'.join(lines)
