"""YAML reading that remembers where every value came from (shared by every reader).

Error messages must name the line and column of the bad value, so documents are composed
into nodes first and converted by hand, keeping a map from JSON-pointer path to position
(the ``Marks`` of the ``Located`` document returned). Duplicate keys, which PyYAML
silently overwrites, are refused here; YAML's own errors become the caller's
``InputError`` through ``core.map_foreign_errors``.

The conversion is also where hostile YAML is stopped, each with its line and column: an
alias that contains itself, more than ``MAX_ALIASES`` alias uses or ``MAX_VALUES`` values
in all (a 319-byte alias bomb expands to 2 GB), nesting deeper than ``MAX_DEPTH``,
integers longer than ``MAX_INT_DIGITS`` digits, and scalars PyYAML cannot build (an
unquoted ``2026-02-30`` or ``T25:00:00``). Files are read whole only when regular
(``_files``: a FIFO is refused, never opened for a blocking read).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from harvester_iac._files import input_error, read_regular
from harvester_iac.core import InputError, Located, Marks, PathKey, map_foreign_errors, pointer_of

__all__ = ["MAX_ALIASES", "MAX_DEPTH", "MAX_INT_DIGITS", "MAX_VALUES", "load_yaml", "load_yaml_all", "read_text"]

#: Alias uses per document: real inventories and kubeconfigs use a handful at most.
MAX_ALIASES = 100
#: Values per document after aliases are expanded.
MAX_VALUES = 2_000_000
#: Nesting of mappings and sequences.
MAX_DEPTH = 64
#: Digits of an integer (int64 has 19).
MAX_INT_DIGITS = 100

try:  # libyaml is 5-10x faster; both give the same nodes and marks
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


class _TimesAsText(_Loader):  # type: ignore[valid-type,misc]
    """The same loader, but timestamps stay strings (RFC 3339 text, as Kubernetes writes them)."""


_TimesAsText.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_text(path: str | os.PathLike[str], *, error: type[InputError] = InputError) -> str:
    """Read a regular UTF-8 text file, turning every way it can fail into ``error``."""
    p = Path(path)
    try:
        raw = read_regular(p)
    except OSError as exc:
        raise input_error(exc, str(p), error=error, expected="a UTF-8 text file") from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise error(
            f"binary data (NUL byte at offset {nul})",
            file=str(p), expected="a UTF-8 text file",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(
            f"invalid UTF-8 at byte {exc.start}", file=str(p), where=str(line),
            expected="a UTF-8 text file",
        ) from None


def load_yaml(text: str, *, file: str, error: type[InputError] = InputError) -> Located:
    """Parse one YAML document; raise ``error`` with line:col for syntax problems."""
    docs = _load(text, file, error, single=True)
    if not docs:
        raise error("the file is empty", file=file, expected="a YAML mapping")
    return docs[0]


def load_yaml_all(text: str, *, file: str, error: type[InputError] = InputError,
                  times_as_text: bool = False) -> list[Located]:
    """Parse every document of a YAML stream (empty documents are left out)."""
    return _load(text, file, error, single=False, times_as_text=times_as_text)


def _load(text: str, file: str, error: type[InputError], *, single: bool,
          times_as_text: bool = False) -> list[Located]:
    loader = (_TimesAsText if times_as_text else _Loader)(text)
    try:
        with map_foreign_errors(file=file, error=error):
            return _documents(loader, file, error, single=single)
    except yaml.reader.ReaderError as exc:  # not a MarkedYAMLError: the line is ours to find
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise error(f"invalid YAML: {exc.reason} (character #x{char:04x})", file=file, where=str(line),
                    expected="YAML text without control characters") from None
    finally:
        loader.dispose()


def _documents(loader: yaml.SafeLoader, file: str, error: type[InputError], *, single: bool) -> list[Located]:
    if single:
        node = loader.get_single_node()
        nodes = [node] if node is not None else []
    else:
        nodes = []
        while loader.check_node():
            found = loader.get_node()
            if found is not None:
                nodes.append(found)
    out: list[Located] = []
    for node in nodes:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null" and not single:
            continue
        marks = Marks()
        walk = _Walk(loader, file, error, marks)
        out.append(Located(walk.convert(node, ()), file, error=error, marks=marks))
    return out


def _where(node: yaml.Node) -> str:
    return f"{node.start_mark.line + 1}:{node.start_mark.column + 1}"


class _Walk:
    """One document's conversion: the limits' counters and the position maps."""

    def __init__(self, loader: yaml.SafeLoader, file: str, error: type[InputError], marks: Marks) -> None:
        self.loader = loader
        self.file = file
        self.error = error
        self.marks = marks
        self.values = 0
        self.aliases = 0
        self.seen: set[int] = set()
        self.open: set[int] = set()

    def fail(self, node: yaml.Node, message: str, expected: str) -> InputError:
        return self.error(message, file=self.file, where=_where(node), expected=expected)

    def convert(self, node: yaml.Node, path: PathKey) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise self.fail(node, f"the document expands to more than {MAX_VALUES} values through its aliases",
                            "a document without an alias bomb")
        if len(path) > MAX_DEPTH:
            raise self.fail(node, f"nested more than {MAX_DEPTH} levels deep", "a document of the documented shape")
        self.marks.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        key = id(node)
        if key in self.open:
            raise self.fail(node, "an alias refers to a value that contains it",
                            "aliases only to values defined before and outside them")
        if key in self.seen:
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise self.fail(node, f"more than {MAX_ALIASES} alias uses", "a document with few aliases")
        self.seen.add(key)
        self.open.add(key)
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return [self.convert(child, (*path, i)) for i, child in enumerate(node.value)]
        finally:
            self.open.discard(key)

    def mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                shown = repr(key) if key is not None else "a " + type(key_node).__name__.removesuffix("Node").lower()
                raise self.fail(key_node, f"mapping key {shown} is not a string", "string keys")
            if key in out:
                raise self.fail(key_node, f'duplicate key "{key}" in mapping at {pointer_of(path)}', "each key once")
            self.marks.keys[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.convert(value_node, (*path, key))
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == "tag:yaml.org,2002:int":
            digits = len(node.value.lstrip("+-").replace("_", ""))
            if digits > MAX_INT_DIGITS:
                raise self.fail(node, f"an integer of {digits} digits",
                                f"an integer of at most {MAX_INT_DIGITS} digits")
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, TypeError) as exc:
            kind = node.tag.rsplit(":", 1)[-1]
            raise self.fail(node, f"cannot read {node.value[:60]!r} as a {kind}: {exc}",
                            f"a valid {kind}, or the text quoted as a string") from None
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise self.fail(node, f"cannot read {node.value[:60]!r}: {problem}", "a valid value") from None
