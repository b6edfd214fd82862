"""The shipped rules: one sub-package per area, one module per rule.

Importing this package imports every area and every rule module in it, and each rule
module's instance registers itself. Adding a rule is adding a file.
"""

from harvester_iac.policy._rule import import_submodules

import_submodules(__name__, __path__)
