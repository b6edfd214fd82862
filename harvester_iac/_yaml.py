"""YAML reading that remembers where every value came from (shared by every reader).

Error messages must name the line and column of the bad value, so documents are composed
into nodes first and converted by hand, keeping a map from JSON-pointer path to position.
Duplicate keys, which PyYAML silently overwrites, are refused here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harvester_iac.core import InputError

__all__ = ["Located", "PathKey", "json_pointer", "load_yaml", "locate", "read_text"]

PathKey = tuple[str | int, ...]

try:  # libyaml is 5-10x faster; both give the same nodes and marks
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Located:
    """Plain data (dicts, lists, scalars) plus ``marks``: path -> (line, column), 1-based."""

    data: Any
    marks: dict[PathKey, tuple[int, int]]
    file: str
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)


def json_pointer(path: PathKey) -> str:
    if not path:
        return "/"
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def locate(doc: Located, path: PathKey, *, at_key: bool = False) -> str:
    """``line:col (/json/pointer)`` for ``path``, or for its nearest located ancestor.

    ``at_key`` points at the mapping key rather than its value (for unknown keys).
    """
    probe = tuple(path)
    marks = doc.key_marks if at_key and probe in doc.key_marks else doc.marks
    while probe and probe not in marks:
        probe = probe[:-1]
    mark = marks.get(probe)
    pointer = json_pointer(path)
    return f"{mark[0]}:{mark[1]} ({pointer})" if mark else f"({pointer})"


def read_text(path: str | os.PathLike[str], *, error: type[InputError] = InputError) -> str:
    """Read a UTF-8 text file, turning every way it can fail into ``error``."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise error("file not found", file=str(p), expected="an existing file") from None
    except IsADirectoryError:
        raise error("is a directory", file=str(p), expected="a file") from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", file=str(p)) from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise error(
            f"binary data (NUL byte at offset {nul})",
            file=str(p), expected="a UTF-8 text file",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(
            f"invalid UTF-8 at byte {exc.start}", file=str(p), where=str(line),
            expected="a UTF-8 text file",
        ) from None


def load_yaml(text: str, *, file: str, error: type[InputError] = InputError) -> Located:
    """Parse one YAML document; raise ``error`` with line:col for syntax problems."""
    marks: dict[PathKey, tuple[int, int]] = {}
    key_marks: dict[PathKey, tuple[int, int]] = {}
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise error("the file is empty", file=file, expected="a YAML mapping")
        data = _convert(loader, node, (), (marks, key_marks), file, error)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise error(f"invalid YAML: {problem}", file=file, where=where) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", file=file) from None
    finally:
        loader.dispose()
    return Located(data, marks, file, key_marks)


def _convert(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: PathKey,
    both: tuple[dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]],
    file: str,
    error: type[InputError],
) -> Any:
    marks, key_marks = both
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                where = f"{key_node.start_mark.line + 1}:{key_node.start_mark.column + 1}"
                raise error(
                    f"mapping key {key!r} is not a string", file=file, where=where,
                    expected="string keys",
                )
            if key in out:
                where = f"{key_node.start_mark.line + 1}:{key_node.start_mark.column + 1}"
                raise error(
                    f'duplicate key "{key}" in mapping at {json_pointer(path)}',
                    file=file, where=where, expected="each key once",
                )
            key_marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _convert(loader, value_node, (*path, key), both, file, error)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, child, (*path, i), both, file, error)
            for i, child in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
