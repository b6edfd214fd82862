"""The ``harvester-iac`` command line.

Each sub-command lives in ``harvester_iac/_commands/<name>.py`` and defines ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``. This module only builds the parser and
maps errors to exit codes: 0 success, 1 the gate failed, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from harvester_iac.core import InputError

__all__ = ["main"]

#: Sub-commands in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = ("synth", "render", "observe", "simulate", "validate", "preview", "incident")

EXIT_OK = 0
EXIT_GATE = 1
EXIT_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one paragraph on stderr and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: usage error: {message}. See '{self.prog} --help'.\n")
        raise SystemExit(EXIT_INPUT)


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"harvester_iac._commands.{name}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that sub-command (other commands' imports not paid)."""
    parser = _Parser(
        prog="harvester-iac",
        description="Model, synthesize, observe and gate K3s control planes on Harvester/Longhorn.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS if only is None else (only,):
        module = _load(name)
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (the console script exits with it)."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(words)
    try:
        code: int = args._run(args)
    except InputError as exc:
        sys.stderr.write(f"harvester-iac {args.command}: {exc}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
