# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Variables as plain builtin data, as the modules, the checks and the report handle them.

Ansible hands over tagged values (with their origin, vault ciphertext or trust);
everything downstream compares, serializes and validates plain ones. A value
whose content is not known (vault-encrypted and not decrypted, a template not
rendered) becomes an ``OpaqueValue``, which is never shown.
"""

from __future__ import annotations

__metaclass__ = type


class OpaqueValue(str):
    """A string whose content is not known here: vault-encrypted, or a template not rendered.

    Validated as "some string": checks of its content are skipped and it is never shown.
    """

    def __new__(cls, kind):
        return super().__new__(cls, '<%s>' % kind)


def plain(value):
    """Untagged builtin data; a vault-encrypted value that was not decrypted becomes opaque."""
    from ansible.parsing.vault import EncryptedString

    if isinstance(value, EncryptedString):
        return OpaqueValue('vault-encrypted')
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return value
