"""YAML reading that remembers where every value came from (shared by every reader).

Error messages must name the line and column of the bad value, so documents are composed
into nodes first and converted by hand, keeping a map from JSON-pointer path to position
(the ``Marks`` of the ``Located`` document returned). Duplicate keys, which PyYAML
silently overwrites, are refused here; YAML's own errors become the caller's ``InputError``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from harvester_iac.core import InputError, Located, Marks, PathKey, map_foreign_errors, pointer_of

__all__ = ["load_yaml", "read_text"]

try:  # libyaml is 5-10x faster; both give the same nodes and marks
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


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
    marks = Marks()
    loader = _Loader(text)
    try:
        with map_foreign_errors(file=file, error=error):
            node = loader.get_single_node()
            if node is None:
                raise error("the file is empty", file=file, expected="a YAML mapping")
            data = _convert(loader, node, (), marks, file, error)
    finally:
        loader.dispose()
    return Located(data, file, error=error, marks=marks)


def _convert(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: PathKey,
    marks: Marks,
    file: str,
    error: type[InputError],
) -> Any:
    marks.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
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
                    f'duplicate key "{key}" in mapping at {pointer_of(path)}',
                    file=file, where=where, expected="each key once",
                )
            marks.keys[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _convert(loader, value_node, (*path, key), marks, file, error)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, child, (*path, i), marks, file, error)
            for i, child in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
