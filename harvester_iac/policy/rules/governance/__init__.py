"""Rules of the governance area (one module per rule; importing this registers them)."""

from harvester_iac.policy._rule import import_submodules

import_submodules(__name__, __path__)
