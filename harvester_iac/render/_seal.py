"""Which files of a templates directory render wrote: a content seal in the header line.

The header line alone is not proof: a user's copy (``x.yaml.orig``), an edited
``-customised.yaml`` or a hand-written file that copies the header would all look
generated. So the first line ends with ``sha256:<hex>``, the digest of the file's *name*
and every byte after that line. A file is render's own only when the seal matches: a
copy under another name, an edit, or a mimicked header all fail it, and render never
overwrites or deletes such a file.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

from harvester_iac.render._manifest import RenderedFile
from harvester_iac.render._yaml import GENERATED_PREFIX

__all__ = ["Ownership", "ownership", "seal", "sealed_file", "unsealed"]

_PREFIX = GENERATED_PREFIX.encode("utf-8")
_SEAL = re.compile(rb" sha256:([0-9a-f]{64})\Z")
#: A first line longer than this is not one render wrote (and is not worth hashing).
_MAX_HEAD = 4096


class Ownership(StrEnum):
    """Whose a file in the templates directory is."""

    OURS = "ours"  # render wrote exactly these bytes under this name
    EDITED = "edited"  # render's header and seal, but the bytes or the name changed since
    FOREIGN = "foreign"  # no generated-file header at all


def _digest(name: str, body: bytes) -> str:
    h = hashlib.sha256(b"harvester-iac render\0")
    h.update(name.encode("utf-8") + b"\0")
    h.update(body)
    return h.hexdigest()


def seal(name: str, content: bytes) -> bytes:
    """``content`` (starting with the generated-file header) with its first line sealed."""
    if not content.startswith(_PREFIX):
        raise ValueError(f"rendered file {name!r} does not start with the generated-file header")
    head, sep, body = content.partition(b"\n")
    return head + f" sha256:{_digest(name, body)}".encode() + sep + body


def sealed_file(name: str, content: bytes) -> RenderedFile:
    """A ``RenderedFile`` whose content carries the seal for ``name``."""
    return RenderedFile(path=name, content=seal(name, content))


def ownership(name: str, content: bytes) -> Ownership:
    """Whether ``content``, found under ``name``, is what render wrote there."""
    if not content.startswith(_PREFIX):
        return Ownership.FOREIGN
    end = content.find(b"\n", 0, _MAX_HEAD)
    head, body = (content, b"") if end < 0 else (content[:end], content[end + 1:])
    found = _SEAL.search(head)
    if found is None or (end < 0 and len(content) >= _MAX_HEAD):
        return Ownership.EDITED
    return Ownership.OURS if found.group(1).decode() == _digest(name, body) else Ownership.EDITED


def unsealed(content: bytes) -> bytes:
    """``content`` without the seal on its first line (what render wrote before seals)."""
    head, sep, body = content.partition(b"\n")
    return _SEAL.sub(b"", head) + sep + body
