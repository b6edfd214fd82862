"""Build hook: compile the scheduler's replica chooser with mypyc.

The chooser (``scheduler/_pool.py``, ``_choose.py``, ``_indexed.py``) runs once per replica
and is plain typed Python; compiled, the 10,000-volume gate takes about 60% of the time
(BENCHMARKS.md, issue 10). The sources stay the reference: ``HARVESTER_IAC_PURE=1`` at
install time skips the compiler and the same modules run as Python, and the test suite
checks both give the same placements (tests/scheduler/test_scheduler_compiled.py).
Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import os

from setuptools import setup

#: the modules mypyc compiles (paths from the project root)
COMPILED = (
    "harvester_iac/scheduler/_pool.py",
    "harvester_iac/scheduler/_choose.py",
    "harvester_iac/scheduler/_indexed.py",
)


def _ext_modules() -> list[object]:
    if os.environ.get("HARVESTER_IAC_PURE") == "1":
        return []
    from mypyc.build import mypycify

    # only the compiled modules must type-check here: the rest (yaml, jsonschema users) is
    # followed for its types, without the stubs the build environment lacks
    return list(mypycify(["--follow-imports=silent", *COMPILED], opt_level="3", target_dir="build/mypyc",
                          group_name="harvester_iac_scheduler"))


if __name__ == "__main__":
    setup(ext_modules=_ext_modules())
