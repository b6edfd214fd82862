"""Helpers for the CDK tests: apps, synthesized JSON, normalized snapshots.

Every test module here is marked ``cdk``: it needs the CDK runtime (cdktf, or cdktn with
``HARVESTER_IAC_CDK=cdktn``) and Node.js, and CI runs it once per runtime.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "inventories").glob("*.yaml"))
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
#: Set to 1 to rewrite the snapshot files from the current output (then review the diff).
UPDATE_ENV = "HARVESTER_IAC_UPDATE_SNAPSHOTS"


def normalize(doc: dict[str, Any]) -> dict[str, Any]:
    """Drop what depends on the run, not on the code: runtime version and state path.

    ``//.metadata.version`` is the CDK runtime's version (0.21.0 / 0.24.0) and the local
    backend's path is the working directory the synth ran in.
    """
    doc = json.loads(json.dumps(doc))
    meta = doc.get("//", {}).get("metadata", {})
    if "version" in meta:
        meta["version"] = "<runtime>"
    local = doc.get("terraform", {}).get("backend", {}).get("local")
    if local and "path" in local:
        local["path"] = "<cwd>/" + Path(local["path"]).name
    return doc


def assert_snapshot(name: str, doc: dict[str, Any]) -> None:
    """Compare ``doc`` (normalized) with ``snapshots/<name>.json``; rewrite it on request."""
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(normalize(doc), indent=2, sort_keys=True) + "\n"
    if os.environ.get(UPDATE_ENV) == "1":
        path.write_text(text)
    assert path.exists(), f"no snapshot {path.name}; run with {UPDATE_ENV}=1 once and review it"
    assert text == path.read_text(), f"synthesized JSON differs from snapshots/{path.name}"
