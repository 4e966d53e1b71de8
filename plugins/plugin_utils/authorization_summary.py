# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one table of pending sign-ins shown to the operator, and whether a person can answer.

Pure functions on plain data, so they are tested without Ansible.
"""

from __future__ import annotations

import datetime
import os

from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import NAMES, present_in, provider_for
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_html import (
    render_sign_in_sheet,
    sheet_path,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.private_files import write_private

__metaclass__ = type

# Variables that only exist when the play runs under AWX / Automation Controller:
# it runs ansible-playbook in a pseudo-terminal, yet nobody is there to answer.
CONTROLLER_JOB_VARIABLES = ('awx_job_id', 'tower_job_id')
# Environment set by ansible-runner (which AWX and Navigator use: a pseudo-terminal, nobody at it)
# and by CI services.
RUNNER_STDOUT_CALLBACK = 'awx_display'


def pending_row(host, provider, authorization):
    """One row of the table from an ``oauth_authorize state=started`` result's ``authorization``."""
    return provider_for(provider).pending_row(host, authorization)


def needs_operator(provider, started):
    """Whether a started sign-in waits for a person: not when the code it asks back was entered at its push."""
    return bool(started.get('authorization')) and not (provider_for(provider).asks_code_back and started.get('code_submitted'))


def hosts_by_provider(rows):
    """``<provider>_hosts`` -> the hosts of the rows of that provider, for every provider."""
    return dict(('%s_hosts' % name, [row['host'] for row in rows if row['provider'] == name]) for name in NAMES)


def render_table(rows):
    """A fixed-width text table, one printer per line, sorted by host."""
    header = {'host': 'HOST', 'provider': 'PROVIDER', 'user_code': 'USER CODE', 'expires_at': 'CODE EXPIRES (UTC)',
              'open': 'OPEN IN A BROWSER'}
    columns = ['host', 'provider', 'user_code', 'expires_at', 'open']
    rows = sorted(rows, key=lambda row: row['host'])
    widths = {column: max(len(str(row[column])) for row in [header] + rows) for column in columns}
    lines = []
    for row in [header] + rows:
        lines.append('  '.join(str(row[column]).ljust(widths[column]) for column in columns).rstrip())
    return lines


def operator_text(rows, interactive, wait_timeout):
    """What the operator must do, then the table, then what the play waits for."""
    present = present_in(rows)
    lines = ['%d printer(s) wait for a sign-in.' % len(rows)]
    lines.extend(provider.operator_instruction for provider in sorted(present, key=lambda provider: provider.asks_code_back))
    lines.append('')
    lines.extend(render_table(rows))
    lines.append('')
    lines.extend(provider.after_table_text(interactive, _seconds(wait_timeout)) for provider in present)
    return lines


def _seconds(value):
    return int(value) if float(value).is_integer() else value


def report_directory(directory):
    """Where the run's pages go: cloudmail_report_dir, else reports/ in the directory the command runs in."""
    return directory or os.path.join(os.getcwd(), 'reports')


def write_sign_in_sheet(rows, directory, slice_name, wait_timeout, lines, now=None):
    """Write the sign-in sheet beside the table and name it in ``lines``; its path, or None when it could not be.

    A sheet that cannot be written costs the operator a click, never the sign-in: the table is still shown.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    directory = report_directory(directory)
    try:
        path = sheet_path(directory, slice_name)
        write_private(path, render_sign_in_sheet(rows, now + datetime.timedelta(seconds=float(wait_timeout)), now=now))
    except (OSError, ValueError) as exc:
        lines.append('The sign-in sheet could not be written in %s (cloudmail_report_dir): %s' % (directory, exc))
        return None
    lines.append('The same sign-ins to click (copy buttons, links, time left), in a browser: %s' % path)
    return path


def controller_has_terminal():
    """Whether the ansible-playbook process (this worker's parent) reads a terminal in the foreground.

    Action plugins run in worker processes whose own stdin is /dev/null and that
    have left the terminal's session, so the parent is examined through /proc,
    as ``pause`` itself would see it. Without /proc the answer is no.
    """
    parent = os.getppid()
    try:
        descriptor = os.open('/proc/%d/fd/0' % parent, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if not os.isatty(descriptor):
            return False
    finally:
        os.close(descriptor)
    try:
        with open('/proc/%d/stat' % parent, encoding='ascii', errors='replace') as stat_file:
            # Fields after "(command)": state ppid pgrp session tty_nr tpgid ...
            fields = stat_file.read().rsplit(')', 1)[1].split()
    except (OSError, IndexError):
        return False
    process_group, terminal, foreground_group = int(fields[2]), int(fields[4]), int(fields[5])
    return terminal != 0 and foreground_group == process_group


def resolve_interactive(setting, variables, has_terminal=controller_has_terminal, environ=None):
    """true / false as given; 'auto': a terminal is attached in the foreground, and neither AWX job
    variables nor the environment (ansible-runner, CI=true) say that nobody is there.

    cron, nohup and ``< /dev/null`` leave no terminal on standard input, so they need no rule.
    """
    if isinstance(setting, bool):
        return setting
    if str(setting).lower() in ('true', 'yes', '1'):
        return True
    if str(setting).lower() in ('false', 'no', '0'):
        return False
    if any(name in variables for name in CONTROLLER_JOB_VARIABLES):
        return False
    if nobody_by_environment(os.environ if environ is None else environ):
        return False
    return has_terminal()


def nobody_by_environment(environ):
    """Whether the environment says that nobody watches the run (ansible-runner, AWX, CI)."""
    if str(environ.get('CI', '')).lower() in ('true', '1', 'yes'):
        return True
    if environ.get('ANSIBLE_STDOUT_CALLBACK') == RUNNER_STDOUT_CALLBACK:
        return True
    return bool(environ.get('AWX_ISOLATED_DATA_DIR'))
