"""The error tree, at its long-standing import path (it lives in :mod:`harvester_iac.core`)."""

from harvester_iac.core import _errors
from harvester_iac.core._errors import *  # noqa: F403  # the names are _errors.__all__

__all__ = _errors.__all__
