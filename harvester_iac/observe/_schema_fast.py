"""A yes/no check of JSON values against a simple JSON Schema, for the snapshot's events.

``jsonschema`` judged every member of every event and took most of ``validate``'s time on
a large snapshot. This compiles the event schema (``type``, ``enum``, ``const``,
``minimum``/``maximum``, ``properties``, ``required``, ``additionalProperties``, ``items``;
annotations such as ``format`` and ``description`` are ignored, as ``jsonschema`` ignores
``format`` without a format checker) into one generated Python function, one test per
member. When every event passes, the document is validated by ``jsonschema`` without its
events, which finds the same errors; when one fails, or the schema uses another keyword,
``jsonschema`` sees everything, so the error message is always its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["compile_check"]

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"description", "title", "format", "$comment", "examples", "default"})
_KNOWN = frozenset({"type", "enum", "const", "minimum", "maximum", "properties", "required",
                    "additionalProperties", "items"}) | _ANNOTATIONS

#: JSON Schema's types as ``jsonschema`` reads them (bool is neither integer nor number).
_TYPES = {
    "string": "isinstance({v}, str)",
    "null": "{v} is None",
    "boolean": "isinstance({v}, bool)",
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "integer": "(not isinstance({v}, bool) and (isinstance({v}, int) "
               "or isinstance({v}, float) and {v}.is_integer()))",
    "number": "(not isinstance({v}, bool) and isinstance({v}, (int, float)))",
}


def _same(a: Any, b: Any) -> bool:
    """``enum``/``const`` equality: 1 and true differ, 1 and 1.0 do not."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


class _Unsupported(Exception):
    pass


class _Generator:
    def __init__(self) -> None:
        self.env: dict[str, Any] = {"_same": _same}
        self.defs: list[str] = []

    def const(self, value: Any) -> str:
        name = f"_k{len(self.env)}"
        self.env[name] = value
        return name

    def function(self, schema: Any) -> str:
        """A generated ``def`` for ``schema``; returns its name."""
        name = f"_check{len(self.defs)}"
        self.defs.append("")  # reserve the slot: nested schemas add theirs after it
        slot = len(self.defs) - 1
        body = self.body(schema, "v")
        self.defs[slot] = f"def {name}(v):\n" + "".join(f"    {line}\n" for line in body)
        return name

    def body(self, schema: Any, v: str) -> list[str]:
        if schema is True or schema == {}:
            return ["return True"]
        if schema is False:
            return ["return False"]
        if not isinstance(schema, Mapping) or not set(schema) <= _KNOWN:
            raise _Unsupported
        lines: list[str] = []
        kind = schema.get("type")
        if kind is not None:
            names = [kind] if isinstance(kind, str) else list(kind)
            if not all(n in _TYPES for n in names):
                raise _Unsupported
            test = " or ".join(_TYPES[n].format(v=v) for n in names) or "False"
            lines.append(f"if not ({test}): return False")
        if "enum" in schema:
            options = list(schema["enum"])
            if all(isinstance(o, str) for o in options):
                lines.append(f"if not (isinstance({v}, str) and {v} in "
                             f"{self.const(frozenset(options))}): return False")
            else:
                lines.append(f"if not any(_same({v}, o) for o in {self.const(options)}): "
                             "return False")
        if "const" in schema:
            lines.append(f"if not _same({v}, {self.const(schema['const'])}): return False")
        number = _TYPES["number"].format(v=v)
        if "minimum" in schema:
            lines.append(f"if {number} and {v} < {self.const(schema['minimum'])}: return False")
        if "maximum" in schema:
            lines.append(f"if {number} and {v} > {self.const(schema['maximum'])}: return False")
        if {"properties", "required", "additionalProperties"} & set(schema):
            lines += self.members(schema, v)
        if "items" in schema:
            item = self.function(schema["items"])
            lines.append(f"if isinstance({v}, list) and not all(map({item}, {v})): return False")
        lines.append("return True")
        return lines

    def expression(self, schema: Any, v: str) -> str | None:
        """One boolean expression for a scalar schema (type, string enum, bounds), inlined
        into its object's check; None when it needs statements."""
        if not isinstance(schema, Mapping) or not set(schema) <= _KNOWN:
            return None
        if set(schema) - _ANNOTATIONS - {"type", "enum", "minimum", "maximum"}:
            return None
        parts: list[str] = []
        kind = schema.get("type")
        if kind is not None:
            names = [kind] if isinstance(kind, str) else list(kind)
            if not all(n in _TYPES for n in names):
                return None
            parts.append("(" + (" or ".join(_TYPES[n].format(v=v) for n in names) or "False") + ")")
        if "enum" in schema:
            options = list(schema["enum"])
            if not all(isinstance(o, str) for o in options):
                return None
            parts.append(f"(isinstance({v}, str) and {v} in {self.const(frozenset(options))})")
        number = _TYPES["number"].format(v=v)
        if "minimum" in schema:
            parts.append(f"(not {number} or {v} >= {self.const(schema['minimum'])})")
        if "maximum" in schema:
            parts.append(f"(not {number} or {v} <= {self.const(schema['maximum'])})")
        return " and ".join(parts) or "True"

    def members(self, schema: Mapping[str, Any], v: str) -> list[str]:
        props = dict(schema.get("properties") or {})
        required = list(schema.get("required") or ())
        extra = self.function(schema.get("additionalProperties", True))
        lines = [f"if isinstance({v}, dict):"]
        for name in required:
            lines.append(f"    if {name!r} not in {v}: return False")
        for name, sub in props.items():
            inline = self.expression(sub, "_m")
            test = inline if inline is not None else f"{self.function(sub)}(_m)"
            if name in required:
                lines.append(f"    _m = {v}[{name!r}]")
                lines.append(f"    if not ({test}): return False")
            else:
                lines.append(f"    if {name!r} in {v}:")
                lines.append(f"        _m = {v}[{name!r}]")
                lines.append(f"        if not ({test}): return False")
        known = self.const(frozenset(props))
        lines.append(f"    if not {known}.issuperset({v}):")
        lines.append(f"        for _key, _value in {v}.items():")
        lines.append(f"            if _key not in {known} and not {extra}(_value): return False")
        return lines


def compile_check(schema: Any) -> Check | None:
    """A predicate equal to "``schema`` accepts the value", or None for unsupported schemas."""
    gen = _Generator()
    try:
        top = gen.function(schema)
    except _Unsupported:
        return None
    source = "\n".join(gen.defs)
    exec(compile(source, "<schema check>", "exec"), gen.env)
    check: Check = gen.env[top]
    return check
