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
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from harvester_iac.model._identity import HostMatcher
from harvester_iac.observe._coverage import hosts_by_file
from harvester_iac.observe._iscsiadm import SessionMap
from harvester_iac.observe._join import listing_match
from harvester_iac.observe._source import SourceKind, SourceStatus
from harvester_iac.observe.logs._event import Event

__all__ = ["attribute_hosts", "decide_host", "host_sources"]


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


def _listing_host(events: Iterable[Event], maps: Sequence[SessionMap]) -> tuple[str, str] | None:
    """The host of the one listing the file's lines match (one pass over the lines)."""
    first: dict[int, str] = {}  # listing -> how its first matching line ties to it
    open_maps = [i for i, m in enumerate(maps) if m.host is not None]
    if not open_maps:
        return None
    for e in events:
        for i in open_maps:
            if i not in first:
                via = listing_match(e, maps[i])
                if via is not None:
                    first[i] = via
        if len(first) == len(open_maps):
            break
    hits: dict[str, str] = {}
    for i in open_maps:
        if i in first:
            m = maps[i]
            hits.setdefault(m.host or "", f"iscsiadm listing {m.file or '?'} ({first[i]} of host {m.host})")
    if len(hits) == 1:
        return next(iter(hits.items()))
    return None


def decide_host(file: str, hostless: Callable[[], Iterable[Event]], *,
                by_path: Sequence[tuple[str, str]], default: str | None, roots: Sequence[str],
                maps: Sequence[SessionMap], matcher: HostMatcher | None) -> tuple[str, str] | None:
    """The host for ``file``'s host-less lines and how it was found; ``hostless`` gives those
    lines (read only when the listings must decide)."""
    named = [(h, p) for h, p in by_path if _under(file, p)]
    if named:
        host, path = max(named, key=lambda hp: len(os.path.abspath(hp[1])))  # the nearest wins
        return host, f"{host}={path} argument"
    if default is not None:
        return default, "--host"
    known = matcher.from_path(file) if matcher is not None else None
    if known is not None:
        return known.name, f"{known.via}, an inventory name"
    return _folder_host(file, roots) or (_listing_host(hostless(), maps) if maps else None)


def host_sources(sources: Sequence[SourceStatus], decided: dict[str, tuple[str, str]],
                 named_of: dict[str, set[str]], hostless_files: set[str]) -> tuple[SourceStatus, ...]:
    """The sources with ``hosts`` and ``host_from`` set: ``named_of`` are the hosts each
    file's events carry after attribution, ``hostless_files`` the files with host-less lines."""
    out_sources = []
    for s in sources:
        if s.kind is not SourceKind.LOG:
            out_sources.append(s)
            continue
        named = named_of.get(s.location, set())
        found = decided.get(s.location)
        hostless = s.location in hostless_files
        # a file whose every line names its host keeps those; the assigned host counts only
        # for files with host-less lines or with no event at all (a quiet file)
        used = found if found is not None and (hostless or not named) else None
        hosts = named | ({used[0]} if used else set())
        out_sources.append(dataclasses.replace(s, hosts=tuple(sorted(hosts)),
                                               host_from=used[1] if used else None))
    return tuple(out_sources)


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
        found = decide_host(s.location, lambda w=without: w, by_path=by_path,  # type: ignore[misc]
                            default=default, roots=roots, maps=maps, matcher=matcher)
        if found is not None:
            decided[s.location] = found
    out_events = tuple(
        dataclasses.replace(e, host=decided[e.file][0]) if e.host is None and e.file in decided else e
        for e in events)
    hostless = {f for f, evs in per_file.items() if any(e.host is None for e in evs)}
    return out_events, host_sources(sources, decided, hosts_by_file(out_events), hostless)
