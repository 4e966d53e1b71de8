# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What each printer ends a fleet step with: its *outcome facts*, kept for the later steps and the report.

The names are those the per-host tasks use: ``printer_error``, ``printer_error_step``, ``printer_error_reason``,
``printer_preflight``, ``printer_pending``,
``printer_authorization``; they are kept in one fact, ``fleet_outcomes`` (host -> facts), so that no task per
printer is needed to record them. The fact is kept on ``localhost`` only (the fleet tasks use
``delegate_to: localhost`` with ``delegate_facts``): ansible cleans a host's facts each time it gathers that
host's variables, so a fleet-wide fact on every printer would make each step cost the square of the fleet size.
"""

from __future__ import annotations

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import plain

__metaclass__ = type

OUTCOMES_FACT = 'fleet_outcomes'
OUTCOMES_HOST = 'localhost'
ERROR_FACTS = ('printer_error', 'printer_error_reason', 'printer_error_step')


def outcome_facts(result):
    """The facts a printer's result leaves for the later steps and the report."""
    facts = {'printer_pending': bool(result.get('pending'))}
    if result.get('checks'):
        facts['printer_preflight'] = result['checks']
    if result.get('authorization'):
        facts['printer_authorization'] = {'authorization': result['authorization'],
                                          'code_submitted': bool(result.get('code_submitted'))}
    if result.get('failed'):
        facts.update(failure_facts(result.get('msg') or 'failed', result.get('reason') or '', step=result.get('step')))
    return facts


def failure_facts(message, reason, step=None):
    """The error facts of a printer: its message, the reason (from the exception's class) and the step that failed."""
    facts = {'printer_error': message, 'printer_error_reason': reason, 'printer_pending': False}
    if step:
        facts['printer_error_step'] = step
    return facts


def merged_outcomes(current, updates):
    """``fleet_outcomes`` after this step: each updated host's facts replace its earlier error facts."""
    outcomes = dict(current or {})
    for host, facts in updates.items():
        earlier = dict(outcomes.get(host) or {})
        # A new error replaces all of the earlier one (its step too); no error clears it.
        for name in ERROR_FACTS:
            earlier.pop(name, None)
        earlier.update(facts)
        outcomes[host] = earlier
    return outcomes


def recorded_outcomes(hostvars):
    """``fleet_outcomes`` as the run has recorded it so far (kept on localhost, see the module docstring)."""
    if hostvars is None or OUTCOMES_HOST not in hostvars:
        return {}
    raw = hostvars.raw_get(OUTCOMES_HOST) if hasattr(hostvars, 'raw_get') else hostvars[OUTCOMES_HOST]
    return plain(raw.get(OUTCOMES_FACT) or {})


def host_facts(variables, host, names, outcomes):
    """The host's facts among ``names``: its own (set by a per-host task) over its fleet-wide outcome.

    ``variables`` are the host's variables as the caller already has them (gathering them is the
    costly part), or None.
    """
    facts = dict((name, value) for name, value in (outcomes.get(host) or {}).items() if name in names)
    for name in names if variables is not None else ():
        value = variables.get(name)
        if value is not None:
            facts[name] = value
    return facts
