# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The OAuth providers a printer can send mail through, one unit each.

Everything that differs between Microsoft Entra ID and Google Workspace lives here: the options
of the provider's settings, how the desired settings are built and which field ties the token,
the sign-in flow and what its pending authorization looks like, the SMTP defaults, the cloud
pre-flight check, the token lifetime rules, the words a Remote UI names the provider with and
the text a check-mode diff shows. The rest of the collection asks ``provider_for(name)`` and never
compares a value with a provider name. docs/providers.md says how to add a third provider.

No HTTP to a printer here and no import of anything above module_utils (the cloud check takes
the controller's requests session as an argument and imports msal only when it runs).
"""

from __future__ import annotations

__metaclass__ = type

from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.base import ProviderError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.google import Google
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.microsoft import Microsoft
# One instance per provider; a new provider is a module of this package and a name in this tuple.
PROVIDERS = dict((provider.name, provider) for provider in (Microsoft(), Google()))
NAMES = tuple(PROVIDERS)


def asks_code_back(name):
    """Whether the provider called ``name`` asks a code back after consent (None or an unknown name: no)."""
    return name in PROVIDERS and PROVIDERS[name].asks_code_back


def present_in(rows):
    """The providers of some rows (dicts with a ``provider`` key), those that ask a code back first:
    their prompt comes before the wait."""
    named = set(row['provider'] for row in rows)
    return sorted((provider for provider in PROVIDERS.values() if provider.name in named),
                  key=lambda provider: not provider.asks_code_back)


def provider_for(name, host=None):
    """The provider called ``name``; ProviderError naming the known ones (and the host) for anything else."""
    try:
        return PROVIDERS[name]
    except (KeyError, TypeError):
        raise ProviderError('%sunknown provider %r (cloudmail_provider must be one of %s)' % (
            '%s: ' % host if host else '', name, ', '.join(NAMES)))
