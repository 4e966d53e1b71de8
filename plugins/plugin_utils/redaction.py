# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Secrets taken out of text before it is shown: task results, warnings, report rows."""

from __future__ import annotations

__metaclass__ = type

REDACTED = '********'


def redact(text, secrets):
    """``text`` with every secret of at least 4 characters replaced, the longest first (one may contain another)."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text
