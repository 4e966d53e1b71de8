# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The formats of printer variables that JSON Schema cannot express: hosts and CA files.

The printer schema names them (``"format": "cloudmail-host"``, ``"format": "pem-file"``);
``format_checker`` gives jsonschema their checks. A check raises ``FormatProblem`` with
the words that end up in the message, never quoting the value of an opaque one.
"""

from __future__ import annotations

import ipaddress
import os
import re
import ssl

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import OpaqueValue

__metaclass__ = type


class FormatProblem(ValueError):
    """Why a value does not have its schema ``format``; the text ends up in the message."""


def format_checker():
    """jsonschema's checker of the collection's own formats (and of no other: the schemas use none)."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks('cloudmail-host', raises=FormatProblem)(_check_host)
    checker.checks('pem-file', raises=FormatProblem)(_check_pem_file)
    return checker


_HOST_LABEL = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$')


def _check_host(value):
    """A DNS name or an IP address the modules can connect to; no port, scheme or path."""
    if not isinstance(value, str) or isinstance(value, OpaqueValue):
        return True
    if '://' in value or '/' in value:
        raise FormatProblem('give the address only, without scheme or path')
    address = value[1:-1] if value.startswith('[') and value.endswith(']') else value
    if ':' in address:
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            raise FormatProblem('not an IPv6 address; give the port in cloudmail_port, not in the host')
        return True
    if address != value:
        raise FormatProblem('brackets are only for IPv6 addresses')
    labels = value[:-1].split('.') if value.endswith('.') else value.split('.')
    if all(label.isdigit() for label in labels):
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            raise FormatProblem('not an IPv4 address (four numbers from 0 to 255, without leading zeros)')
        return True
    if not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise FormatProblem('not a DNS name: labels of letters, digits and dashes, separated by dots')
    if labels[-1].isdigit():
        raise FormatProblem('not a DNS name (its last label is a number) nor an IPv4 address')
    return True


_PEM_CERTIFICATE = re.compile(r'-----BEGIN (TRUSTED )?CERTIFICATE-----')
_MAX_CA_FILE_BYTES = 16 * 1024 * 1024


def _check_pem_file(value):
    """A file on the controller that the modules can load as their CA bundle."""
    if not isinstance(value, str) or isinstance(value, OpaqueValue):
        return True
    path = os.path.expanduser(os.path.expandvars(value))
    if not os.path.exists(path):
        raise FormatProblem('no such file on the controller (%s)' % os.path.abspath(path))
    if os.path.isdir(path):
        raise FormatProblem('is a directory; give the PEM file of the CA certificates')
    try:
        with open(path, 'rb') as ca_file:
            content = ca_file.read(_MAX_CA_FILE_BYTES + 1)
    except OSError as exc:
        raise FormatProblem('cannot be read on the controller (%s)' % (exc.strerror or exc))
    if len(content) > _MAX_CA_FILE_BYTES:
        raise FormatProblem('is larger than %d MB, which is no CA bundle' % (_MAX_CA_FILE_BYTES // 1024 // 1024))
    if not _PEM_CERTIFICATE.search(content.decode('latin-1')):
        raise FormatProblem('is not a PEM file of certificates (no "-----BEGIN CERTIFICATE-----" line; '
                            'convert a DER file with: openssl x509 -inform der -in FILE -out FILE.pem)')
    try:
        ssl.create_default_context(cafile=path)
    except (ssl.SSLError, ValueError) as exc:
        raise FormatProblem('holds no certificate that TLS can use (%s)' % (getattr(exc, 'reason', None) or exc))
    return True
