"""Give log lines without a host name the host they belong to, and say how.

``dmesg -T``, raw kernel logs and some exports carry no host name: their events would
belong to nobody, and a flapping host would look healthy. A file's host-less lines take
a host from, in order:

1. a ``HOST=PATH`` argument naming the file or a folder above it;
2. ``--host HOST`` (every file);
3. with an inventory (``observe --inventory F``): a file name or folder that names one of
   its machines (``altra-dmesg.txt``, ``.../altra.lan/kern.log``: see ``HostMatcher.from_path``);
4. the folder convention: a file inside a folder given on the command line takes the
   name of the first folder below it (``observe logs/`` reads ``logs/altra/dmesg.txt`` as
   ``altra``'s);
5. the iscsiadm listings: when the file's lines name sessions, disks or SCSI hosts of
   exactly one listing whose host is known (its shell prompt, or ``--iscsiadm HOST=F``).

Lines that name their host keep it. Each file's source status records the hosts it
covers and how the host-less lines got theirs (``host_from``).
"""

from __future__ import annotations

import dataclasses
import os
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from harvester_iac.model._identity import HostMatcher
from harvester_iac.observe._coverage import hosts_by_file
from harvester_iac.observe._iscsiadm import SessionMap
from harvester_iac.observe._join import listing_match
from harvester_iac.observe._source import SourceKind, SourceStatus
from harvester_iac.observe.logs._event import Event

__all__ = ["attribute_hosts"]


def _under(file: str, path: str) -> bool:
    f, p = os.path.abspath(file), os.path.abspath(path)
    return f == p or f.startswith(p.rstrip(os.sep) + os.sep)


def _folder_host(file: str, roots: Sequence[str]) -> tuple[str, str] | None:
    for root in roots:
        if not os.path.isdir(root) or not _under(file, root):
            continue
        rel = Path(os.path.relpath(os.path.abspath(file), os.path.abspath(root))).parts
        if len(rel) >= 2:
            return rel[0], f"folder {rel[0]} under {root}"
    return None


def _listing_host(events: Sequence[Event], maps: Sequence[SessionMap]) -> tuple[str, str] | None:
    hits: dict[str, str] = {}
    for m in maps:
        if m.host is None:
            continue
        for e in events:
            via = listing_match(e, m)
            if via is not None:
                hits.setdefault(m.host, f"iscsiadm listing {m.file or '?'} ({via} of host {m.host})")
                break
    if len(hits) == 1:
        return next(iter(hits.items()))
    return None


def _decide(file: str, events: Sequence[Event], *, by_path: Sequence[tuple[str, str]],
            default: str | None, roots: Sequence[str], maps: Sequence[SessionMap],
            matcher: HostMatcher | None) -> tuple[str, str] | None:
    named = [(h, p) for h, p in by_path if _under(file, p)]
    if named:
        host, path = max(named, key=lambda hp: len(os.path.abspath(hp[1])))  # the nearest wins
        return host, f"{host}={path} argument"
    if default is not None:
        return default, "--host"
    known = matcher.from_path(file) if matcher is not None else None
    if known is not None:
        return known.name, f"{known.via}, an inventory name"
    return _folder_host(file, roots) or _listing_host(events, maps)


def attribute_hosts(
    events: Sequence[Event],
    sources: Sequence[SourceStatus],
    *,
    by_path: Sequence[tuple[str, str]] = (),
    default: str | None = None,
    roots: Sequence[str] = (),
    maps: Sequence[SessionMap] = (),
    matcher: HostMatcher | None = None,
) -> tuple[tuple[Event, ...], tuple[SourceStatus, ...]]:
    """Events with hosts filled in where the rules above give one, and the log sources
    with ``hosts`` and ``host_from`` set; other sources are returned unchanged."""
    per_file: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        per_file[e.file].append(e)
    decided: dict[str, tuple[str, str]] = {}
    for s in sources:
        if s.kind is not SourceKind.LOG:
            continue
        without = [e for e in per_file.get(s.location, ()) if e.host is None]
        found = _decide(s.location, without, by_path=by_path, default=default, roots=roots,
                        maps=maps, matcher=matcher)
        if found is not None:
            decided[s.location] = found
    out_events = tuple(
        dataclasses.replace(e, host=decided[e.file][0]) if e.host is None and e.file in decided else e
        for e in events)
    hosts_of = hosts_by_file(out_events)
    out_sources = []
    for s in sources:
        if s.kind is not SourceKind.LOG:
            out_sources.append(s)
            continue
        named = hosts_of.get(s.location, set())
        found = decided.get(s.location)
        hostless = any(e.host is None for e in per_file.get(s.location, ()))
        # a file whose every line names its host keeps those; the assigned host counts only
        # for files with host-less lines or with no event at all (a quiet file)
        used = found if found is not None and (hostless or not named) else None
        hosts = named | ({used[0]} if used else set())
        out_sources.append(dataclasses.replace(s, hosts=tuple(sorted(hosts)),
                                               host_from=used[1] if used else None))
    return out_events, tuple(out_sources)
