# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The expiry watch: whether a token lapses within cloudmail_expiry_horizon_days.

One rule for the runs that authorize again (reauthorize.yml) and for the report
(state token_lapsing), so both pick the same printers.
"""

from __future__ import annotations

__metaclass__ = type


def lapses_within(lapses_in_days, horizon_days):
    """Whether a token lapses within the horizon (days; 0 or none: the watch is off)."""
    try:
        horizon = float(horizon_days or 0)
        return horizon > 0 and lapses_in_days is not None and float(lapses_in_days) <= horizon
    except (TypeError, ValueError):
        return False
