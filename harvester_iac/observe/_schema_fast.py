"""A yes/no check of JSON values against a simple JSON Schema, for the snapshot's events.

``jsonschema`` judged every member of every event and took most of ``validate``'s time on
a large snapshot. This compiles the event schema (``type``, ``enum``, ``const``,
``minimum``/``maximum``, ``properties``, ``required``, ``additionalProperties``, ``items``;
annotations such as ``format`` and ``description`` are ignored, as ``jsonschema`` ignores
``format`` without a format checker) into one predicate. When every event passes, the
document is validated by ``jsonschema`` without its events, which finds the same errors;
when one fails, or the schema uses another keyword, ``jsonschema`` sees everything, so the
error message is always its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["compile_check"]

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"description", "title", "format", "$comment", "examples", "default"})
_KNOWN = frozenset({"type", "enum", "const", "minimum", "maximum", "properties", "required",
                    "additionalProperties", "items"}) | _ANNOTATIONS


def _is_type(value: Any, name: str) -> bool:
    """JSON Schema's types as ``jsonschema`` reads them (bool is not a number)."""
    if name == "string":
        return isinstance(value, str)
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if isinstance(value, bool):
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, int | float)
    return False


def _same(a: Any, b: Any) -> bool:
    """``enum``/``const`` equality: 1 and true differ, 1 and 1.0 do not."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


def compile_check(schema: Any) -> Check | None:
    """A predicate equal to "``schema`` accepts the value", or None for unsupported schemas."""
    if schema is True or schema == {}:
        return lambda _: True
    if schema is False:
        return lambda _: False
    if not isinstance(schema, Mapping) or not set(schema) <= _KNOWN:
        return None
    checks: list[Check] = []
    kind = schema.get("type")
    if kind is not None:
        names = [kind] if isinstance(kind, str) else list(kind)
        checks.append(lambda v: any(_is_type(v, n) for n in names))
    if "enum" in schema:
        options = list(schema["enum"])
        if all(isinstance(o, str) for o in options):
            strings = frozenset(options)
            checks.append(lambda v: isinstance(v, str) and v in strings)
        else:
            checks.append(lambda v: any(_same(v, o) for o in options))
    if "const" in schema:
        const = schema["const"]
        checks.append(lambda v: _same(v, const))
    if "minimum" in schema:
        low = schema["minimum"]
        checks.append(lambda v: not _is_type(v, "number") or v >= low)
    if "maximum" in schema:
        high = schema["maximum"]
        checks.append(lambda v: not _is_type(v, "number") or v <= high)
    obj = _object_check(schema)
    if obj is None:
        return None
    if obj is not _NO_CHECK:
        checks.append(obj)
    if "items" in schema:
        item = compile_check(schema["items"])
        if item is None:
            return None
        checks.append(lambda v: not isinstance(v, list) or all(map(item, v)))
    return lambda v: all(c(v) for c in checks)


def _no_check(_: Any) -> bool:
    return True


_NO_CHECK: Check = _no_check


def _object_check(schema: Mapping[str, Any]) -> Check | None:
    if not {"properties", "required", "additionalProperties"} & set(schema):
        return _NO_CHECK
    props: dict[str, Check] = {}
    for name, sub in (schema.get("properties") or {}).items():
        compiled = compile_check(sub)
        if compiled is None:
            return None
        props[name] = compiled
    required = tuple(schema.get("required") or ())
    extra_schema = schema.get("additionalProperties", True)
    extra = compile_check(extra_schema)
    if extra is None:
        return None

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        for name in required:
            if name not in v:
                return False
        for name, value in v.items():
            test = props.get(name, extra)
            if not test(value):
                return False
        return True

    return check
