"""A Terraform/OpenTofu plan (``terraform show -json``, format 1.x) as typed values.

Each resource change gets one :class:`Action` the way Terraform's own summary counts it
(``["delete", "create"]`` is a replace, ``["no-op"]`` with a ``previous_address`` is a move)
plus the flags Terraform counts separately: imported and moved. Changed attributes are
computed leaf by leaf with sensitive values masked. Malformed input raises
:class:`~harvester_iac.errors.InputError` naming the file, the JSON pointer and what was
expected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from harvester_iac.errors import InputError
from harvester_iac.preview._values import AttributeChange, PathPart, attribute_changes

__all__ = ["Action", "Plan", "ResourceChange", "load_plan", "parse_plan"]


class Action(StrEnum):
    """What a plan does to one resource instance, as Terraform's summary counts it."""

    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    FORGET = "forget"
    READ = "read"
    NO_OP = "no-op"

    @property
    def destroys(self) -> bool:
        return self in (Action.DELETE, Action.REPLACE)


_ACTIONS: dict[tuple[str, ...], Action] = {
    ("create",): Action.CREATE,
    ("update",): Action.UPDATE,
    ("delete",): Action.DELETE,
    ("delete", "create"): Action.REPLACE,
    ("create", "delete"): Action.REPLACE,
    ("forget",): Action.FORGET,
    ("create", "forget"): Action.CREATE,  # a replacement whose old object is kept, not destroyed
    ("read",): Action.READ,
    ("no-op",): Action.NO_OP,
}


@dataclass(frozen=True, kw_only=True)
class ResourceChange:
    """One resource instance in the plan (or in its drift), with what changes in it."""

    address: str
    type: str
    name: str
    mode: str
    action: Action
    actions: tuple[str, ...]
    previous_address: str | None = None
    import_id: str | None = None
    action_reason: str | None = None
    changes: tuple[AttributeChange, ...] = ()
    before: object = None
    after: object = None
    pointer: str = ""

    @property
    def imported(self) -> bool:
        return self.import_id is not None

    @property
    def moved(self) -> bool:
        return self.previous_address is not None and self.previous_address != self.address

    @property
    def create_before_destroy(self) -> bool:
        return self.actions == ("create", "delete")


@dataclass(frozen=True, kw_only=True)
class Plan:
    """The parts of a plan a reviewer needs: changes, drift, and where it came from."""

    file: str
    format_version: str
    terraform_version: str
    changes: tuple[ResourceChange, ...]
    drift: tuple[ResourceChange, ...] = ()
    errored: bool = False
    complete: bool = True

    def of(self, action: Action) -> tuple[ResourceChange, ...]:
        return tuple(c for c in self.changes if c.action is action and c.mode == "managed")

    @property
    def imports(self) -> tuple[ResourceChange, ...]:
        return tuple(c for c in self.changes if c.imported)

    @property
    def moves(self) -> tuple[ResourceChange, ...]:
        return tuple(c for c in self.changes if c.moved)

    @property
    def destroyed(self) -> tuple[ResourceChange, ...]:
        return tuple(c for c in self.changes if c.action.destroys and c.mode == "managed")

    @property
    def has_changes(self) -> bool:
        return bool(self.imports or self.moves or self.drift or any(
            c.action not in (Action.NO_OP, Action.READ) for c in self.changes))


def _fail(file: str, pointer: str, message: str, expected: str, found: object = None) -> InputError:
    shown = None if found is None else json.dumps(found)[:80]
    return InputError(message, file=file, where=pointer or "/", expected=expected, found=shown)


def _replace_paths(value: object, file: str, pointer: str) -> tuple[tuple[PathPart, ...], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(p, list) for p in value):
        raise _fail(file, pointer, "replace_paths is not a list of paths",
                    "a list of attribute paths such as [[\"disk\", 0, \"size\"]]", value)
    return tuple(tuple(x for x in p if isinstance(x, str | int)) for p in value)


def _change(item: object, file: str, pointer: str) -> ResourceChange:
    if not isinstance(item, dict):
        raise _fail(file, pointer, "a resource change is not an object",
                    "an object with address, type, name and change", item)
    for key in ("address", "type", "name"):
        if not isinstance(item.get(key), str):
            raise _fail(file, f"{pointer}/{key}", f"no {key} string", f"the resource's {key}",
                        item.get(key))
    change = item.get("change")
    if not isinstance(change, dict):
        raise _fail(file, f"{pointer}/change", "no change object",
                    "an object with actions, before and after", change)
    actions = change.get("actions")
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        raise _fail(file, f"{pointer}/change/actions", "actions is not a list of strings",
                    'a list such as ["update"] or ["delete", "create"]', actions)
    action = _ACTIONS.get(tuple(actions))
    if action is None:
        raise _fail(file, f"{pointer}/change/actions", "unknown action list",
                    "one of " + ", ".join(json.dumps(list(k)) for k in _ACTIONS), actions)
    importing = change.get("importing")
    import_id = None
    if isinstance(importing, dict):
        found = importing.get("id", importing.get("identity"))
        import_id = found if isinstance(found, str) else json.dumps(found)
    before, after = change.get("before"), change.get("after")
    changes: tuple[AttributeChange, ...] = ()
    if action in (Action.UPDATE, Action.REPLACE) or (action is Action.NO_OP and before != after):
        changes = attribute_changes(
            before, after,
            before_sensitive=change.get("before_sensitive", False),
            after_sensitive=change.get("after_sensitive", False),
            after_unknown=change.get("after_unknown", False),
            replace_paths=_replace_paths(change.get("replace_paths"), file,
                                         f"{pointer}/change/replace_paths"))
    previous = item.get("previous_address")
    reason = item.get("action_reason")
    return ResourceChange(
        address=item["address"], type=item["type"], name=item["name"],
        mode=str(item.get("mode", "managed")), action=action, actions=tuple(actions),
        previous_address=previous if isinstance(previous, str) else None,
        import_id=import_id, action_reason=reason if isinstance(reason, str) else None,
        changes=changes, before=before, after=after, pointer=pointer)


def parse_plan(text: str, *, file: str) -> Plan:
    """Read ``terraform show -json PLAN`` output (format 1.x); raise ``InputError`` when it is not."""
    if text.startswith("PK"):
        raise InputError("this is a binary plan file", file=file, where="1:1",
                         expected="the JSON of `terraform show -json PLAN` (or `tofu show -json PLAN`)")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON ({exc.msg})", file=file, where=f"{exc.lineno}:{exc.colno}",
                         expected="the JSON of `terraform show -json PLAN`") from None
    if not isinstance(doc, dict):
        raise _fail(file, "", "the document is not an object", "a plan object with format_version",
                    type(doc).__name__)
    version = doc.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] != "1":
        raise _fail(file, "/format_version", "unsupported plan format version",
                    'plan format "1.x" (Terraform >= 1.0, OpenTofu)', version)
    if "resource_changes" not in doc and "planned_values" not in doc:
        raise _fail(file, "", "this is not a plan (no resource_changes, no planned_values)",
                    "`terraform show -json` of a saved plan, not of the state",
                    sorted(doc)[:6])
    items = doc.get("resource_changes", [])
    if not isinstance(items, list):
        raise _fail(file, "/resource_changes", "resource_changes is not a list",
                    "a list of resource changes", items)
    drift = doc.get("resource_drift", [])
    if not isinstance(drift, list):
        raise _fail(file, "/resource_drift", "resource_drift is not a list",
                    "a list of resource changes", drift)
    return Plan(
        file=file, format_version=version,
        terraform_version=str(doc.get("terraform_version", "unknown")),
        changes=tuple(_change(x, file, f"/resource_changes/{i}") for i, x in enumerate(items)),
        drift=tuple(_change(x, file, f"/resource_drift/{i}") for i, x in enumerate(drift)),
        errored=doc.get("errored") is True, complete=doc.get("complete") is not False)


def load_plan(path: str | Path) -> Plan:
    """Read a plan JSON file (``-`` is not special: pass a path)."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError("no such file", file=str(path), where="--plan",
                         expected="the JSON of `terraform show -json PLAN`") from None
    except (OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, UnicodeDecodeError):
            raise InputError("this is a binary plan file or not UTF-8 text", file=str(path),
                             where="1:1", expected="the JSON of `terraform show -json PLAN`") from None
        raise InputError(f"cannot be read ({exc.strerror})", file=str(path), where="--plan",
                         expected="a readable file") from None
    return parse_plan(text, file=str(path))
