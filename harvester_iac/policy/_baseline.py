"""Baselines: findings already known, which do not fail the gate again.

A baseline file is either a previous ``--format json`` report (its findings'
fingerprints are taken) or a list of fingerprints: a JSON array of strings, or text with
one fingerprint per line (``#`` starts a comment). Only findings whose fingerprint is not
in the baseline can fail the gate; baselined findings are still reported, marked so.
"""

from __future__ import annotations

import re
from pathlib import Path

from harvester_iac._json import load_json
from harvester_iac._yaml import read_text
from harvester_iac.core import SnapshotError

__all__ = ["load_baseline", "parse_baseline"]

_FP = re.compile(r"^[0-9a-f]{16}$")


def load_baseline(path: str | Path) -> frozenset[str]:
    return parse_baseline(read_text(path, error=SnapshotError), file=str(path))


def parse_baseline(text: str, *, file: str) -> frozenset[str]:
    """The fingerprints in a baseline; raise ``SnapshotError`` naming file and place."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        doc = load_json(text, file=file, error=SnapshotError, what="a baseline (JSON)")
        if isinstance(doc, dict):
            findings = doc.get("findings")
            if not isinstance(findings, list):
                raise SnapshotError("no findings list", file=file, where="(/findings)",
                                    expected="a harvester-iac validate --format json report")
            items = []
            for i, f in enumerate(findings):
                fp = f.get("fingerprint") if isinstance(f, dict) else None
                if not isinstance(fp, str):
                    raise SnapshotError("finding without a fingerprint", file=file,
                                        where=f"(/findings/{i}/fingerprint)",
                                        expected="a 16-hex-digit fingerprint")
                items.append((f"(/findings/{i}/fingerprint)", fp))
        else:
            items = [(f"(/{i})", fp) for i, fp in enumerate(doc)]
    else:
        items = []
        for n, line in enumerate(text.splitlines(), 1):
            fp = line.split("#", 1)[0].strip()
            if fp:
                items.append((str(n), fp))
    out = set()
    for where, fp in items:
        if not isinstance(fp, str) or not _FP.match(fp):
            raise SnapshotError(f"{fp!r} is not a fingerprint", file=file, where=where,
                                expected="16 lower-case hex digits, as in a JSON report")
        out.add(fp)
    return frozenset(out)
