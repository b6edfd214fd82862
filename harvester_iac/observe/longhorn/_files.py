"""Read Longhorn objects from files saved with ``kubectl get ... -o yaml|json``.

Accepts a ``List`` (what kubectl prints for several resources), a typed list
(``VolumeList``, as the API returns it), a single object, multi-document YAML, or a
directory of such files. Objects of other kinds are counted and skipped. A file that
cannot be parsed, or an object whose fields have the wrong type, is bad input: a
:class:`SnapshotError` names the file, the JSON pointer and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harvester_iac._json import load_json
from harvester_iac._yaml import load_yaml_all, read_text
from harvester_iac.core import Located, SnapshotError, map_foreign_errors
from harvester_iac.observe._source import SourceKind, SourceState, SourceStatus
from harvester_iac.observe.longhorn._objects import (
    LONGHORN_KINDS,
    LonghornObject,
    LonghornState,
    parse_longhorn_object,
)

__all__ = ["LonghornObjects", "objects_in_document", "parse_longhorn_text", "read_longhorn_files"]

_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True)
class LonghornObjects:
    """What one file or response held: the parsed objects and how many others were skipped."""

    objects: tuple[LonghornObject, ...]
    skipped: int


def objects_in_document(doc: Located) -> Iterator[tuple[str, Located]]:
    """Yield ``(kind, object)`` for each Longhorn Volume/Replica/Node/Setting in a document.

    Lists are walked (``items``); a list's ``VolumeList`` kind and ``apiVersion`` apply to
    items that do not carry their own, as in raw API responses.
    """
    body = doc.mapping()
    items = doc.get("items")
    if items is not None:
        list_kind = body.get("kind")
        item_kind = (
            list_kind[: -len("List")]
            if isinstance(list_kind, str) and list_kind.endswith("List") and list_kind != "List"
            else None
        )
        list_api = body.get("apiVersion")
        for item in items.items():
            fields = item.mapping()
            kind = fields.get("kind", item_kind)
            api = fields.get("apiVersion", list_api)
            if "items" in fields:
                yield from objects_in_document(item)
            elif _is_longhorn(api, kind):
                yield str(kind), item
            else:
                yield "", item
        return
    if _is_longhorn(body.get("apiVersion"), body.get("kind")):
        yield str(body.get("kind")), doc
    else:
        yield "", doc


def _is_longhorn(api: object, kind: object) -> bool:
    return isinstance(api, str) and api.startswith("longhorn.io/") and kind in LONGHORN_KINDS


def _collect(doc: Located) -> tuple[list[LonghornObject], int]:
    objects: list[LonghornObject] = []
    skipped = 0
    for kind, obj in objects_in_document(doc):
        if kind:
            objects.append(parse_longhorn_object(obj, kind))
        else:
            skipped += 1
    return objects, skipped


def parse_longhorn_text(text: str, *, file: str) -> LonghornObjects:
    """Parse YAML or JSON text holding Longhorn objects."""
    with map_foreign_errors(file=file, error=SnapshotError,
                            expected="the YAML/JSON of 'kubectl get ... -o yaml|json'"):
        return _parse(text, file)


def _parse(text: str, file: str) -> LonghornObjects:
    stripped = text.lstrip()
    objects: list[LonghornObject] = []
    skipped = 0
    if stripped.startswith(("{", "[")):
        data: Any = load_json(text, file=file, error=SnapshotError, what="the JSON of 'kubectl get ... -o json'")
        docs = data if isinstance(data, list) else [data]
        for i, d in enumerate(docs):
            tree = Located(d, file, f"/{i}" if isinstance(data, list) else "")
            got, n = _collect(tree)
            objects += got
            skipped += n
        return LonghornObjects(tuple(objects), skipped)
    docs = [d.value for d in load_yaml_all(text, file=file, error=SnapshotError, times_as_text=True)]
    for i, d in enumerate(docs):
        name = file if len(docs) == 1 else f"{file} (document {i + 1})"
        got, n = _collect(Located(d, name))
        objects += got
        skipped += n
    return LonghornObjects(tuple(objects), skipped)


def _read_text(path: Path) -> str:
    return read_text(path, error=SnapshotError)


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in _SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    if path.exists():
        return [path]
    raise SnapshotError(
        "no such file or directory",
        file=str(path),
        expected="a kubectl YAML/JSON file or a directory of them",
    )


def read_longhorn_files(path: Path) -> tuple[LonghornState, tuple[SourceStatus, ...]]:
    """Read every Longhorn object under ``path`` (a file, or a directory searched recursively).

    Each file becomes one ``longhorn-file`` source status with its object counts. A
    directory with no Longhorn object in any file is bad input, not an empty cluster.
    """
    files = _files(path)
    all_objects: list[LonghornObject] = []
    statuses: list[SourceStatus] = []
    for f in files:
        got = parse_longhorn_text(_read_text(f), file=str(f))
        all_objects += got.objects
        detail = f"{len(got.objects)} Longhorn objects"
        if got.skipped:
            detail += f", {got.skipped} other objects skipped"
        statuses.append(
            SourceStatus(
                kind=SourceKind.LONGHORN_FILE,
                location=str(f),
                state=SourceState.OK,
                detail=detail,
            )
        )
    if not all_objects:
        raise SnapshotError(
            "no Longhorn Volume, Replica, Node or Setting object found"
            + ("" if files else " (no .yaml/.yml/.json file)"),
            file=str(path),
            expected=(
                "the output of 'kubectl get volumes.longhorn.io,replicas.longhorn.io,"
                "nodes.longhorn.io,settings.longhorn.io -n longhorn-system -o yaml'"
            ),
        )
    return LonghornState.of(all_objects), tuple(statuses)
