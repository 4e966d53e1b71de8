# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The files a run leaves (reports, sign-in sheets, draft and learnt profiles): private to the user who ran it.

They hold no secret, but they do hold the fleet's addresses, tenants, pending user codes and the
devices' error texts. Each file is written whole or not at all: a temporary file in the same
directory (created ``0600``, whatever the umask), renamed over the target once complete, and
removed on any failure (a full disk included), so a failed write never leaves a half file or a
``*.tmp`` behind. Directories the collection creates are ``0700``; the umask may only narrow that,
never widen it, and a directory that already exists keeps its mode.
"""

from __future__ import annotations

import os
import tempfile

__metaclass__ = type

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def private_directory(path):
    """Create ``path`` and any missing parent, each ``0700`` (the umask applies on top); return its absolute path."""
    path = os.path.abspath(path)
    missing = []
    while not os.path.isdir(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIRECTORY_MODE)
        except FileExistsError:
            if not os.path.isdir(directory):
                raise
    return missing[0] if missing else path


def write_private(path, content, encoding='utf-8'):
    """Write ``content`` (text or bytes) to ``path`` atomically, mode ``0600``; its directory is made as above.

    Raises ``OSError`` (read-only directory, full disk, ...) with nothing left behind: the target is
    either the old file or the new one, and the temporary file is gone.
    """
    path = os.path.abspath(path)
    directory = private_directory(os.path.dirname(path))
    data = content.encode(encoding) if isinstance(content, str) else bytes(content)
    # mkstemp creates the file 0600 and exclusively: no other user can open it meanwhile.
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix='.%s.' % os.path.basename(path), suffix='.tmp')
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    return path
