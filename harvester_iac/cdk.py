"""The one door to the CDK runtime: ``cdktf`` 0.21 or its maintained fork ``cdktn``.

Every other module imports CDK names from here, never from ``cdktf``/``cdktn``/``jsii``
directly, so the runtime is chosen in exactly one place:

* ``HARVESTER_IAC_CDK=cdktf`` or ``cdktn`` picks one; unset means ``cdktf`` when it is
  installed, else ``cdktn``. Both have the same API (the fork renamed only the packages).
* Importing this module starts the jsii kernel (Node.js), which is why the pure core
  (``model``, ``render``, ``policy`` ...) never imports it.
* Node.js 20 still runs the jsii kernel of both runtimes; its end-of-life banner is
  silenced for Node 20 only (``JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION``), unless
  the caller set that variable already.

A runtime that is asked for but not installed is bad input (``InputError``, exit 2).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, TypeVar

from harvester_iac.core import InputError

__all__ = [
    "ENV_VAR",
    "RUNTIME",
    "RUNTIME_VERSION",
    "Annotations",
    "App",
    "Construct",
    "DefaultTokenResolver",
    "ITerraformDependable",
    "IValidation",
    "ImportableResource",
    "JSIIError",
    "LocalBackend",
    "Node",
    "StringConcat",
    "TerraformDataSource",
    "TerraformOutput",
    "TerraformProvider",
    "TerraformProviderConfig",
    "TerraformProviderGeneratorMetadata",
    "TerraformResource",
    "TerraformResourceConfig",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "Testing",
    "Token",
    "Tokenization",
    "implements_validation",
    "jsii_create",
    "runtime_module",
]

#: Environment variable that selects the runtime.
ENV_VAR: Final = "HARVESTER_IAC_CDK"
_RUNTIMES: Final = ("cdktf", "cdktn")


def _choose() -> str:
    wanted = os.environ.get(ENV_VAR, "").strip().lower()
    if wanted and wanted not in _RUNTIMES:
        raise InputError(f'unknown CDK runtime "{wanted}"', file=ENV_VAR,
                         expected="cdktf or cdktn")
    if wanted:
        if importlib.util.find_spec(wanted) is None:
            extra = "harvester-iac[cdktn]" if wanted == "cdktn" else "harvester-iac"
            raise InputError(f"the CDK runtime {wanted} is not installed", file=ENV_VAR,
                             hint=f"pip install '{extra}'")
        return wanted
    for name in _RUNTIMES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise InputError("no CDK runtime is installed", file=ENV_VAR,
                     expected="cdktf (pip install harvester-iac) or cdktn")


os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

#: ``"cdktf"`` or ``"cdktn"``: the runtime this process uses.
RUNTIME: Final[str] = _choose()
_mod: ModuleType = importlib.import_module(RUNTIME)

if TYPE_CHECKING:  # both runtimes share this API; type-check against cdktf's stubs
    from cdktf import (
        Annotations,
        App,
        DefaultTokenResolver,
        ImportableResource,
        ITerraformDependable,
        LocalBackend,
        StringConcat,
        TerraformDataSource,
        TerraformOutput,
        TerraformProvider,
        TerraformProviderConfig,
        TerraformProviderGeneratorMetadata,
        TerraformResource,
        TerraformResourceConfig,
        TerraformResourceLifecycle,
        TerraformStack,
        Testing,
        Token,
        Tokenization,
    )
    from constructs import Construct, IValidation, Node
    from jsii.errors import JSIIError
else:
    from constructs import Construct, IValidation, Node
    from jsii.errors import JSIIError

    Annotations = _mod.Annotations
    App = _mod.App
    DefaultTokenResolver = _mod.DefaultTokenResolver
    ImportableResource = _mod.ImportableResource
    LocalBackend = _mod.LocalBackend
    StringConcat = _mod.StringConcat
    TerraformDataSource = _mod.TerraformDataSource
    TerraformOutput = _mod.TerraformOutput
    TerraformProvider = _mod.TerraformProvider
    ITerraformDependable = _mod.ITerraformDependable
    TerraformProviderConfig = _mod.TerraformProviderConfig
    TerraformProviderGeneratorMetadata = _mod.TerraformProviderGeneratorMetadata
    TerraformResource = _mod.TerraformResource
    TerraformResourceConfig = _mod.TerraformResourceConfig
    TerraformResourceLifecycle = _mod.TerraformResourceLifecycle
    TerraformStack = _mod.TerraformStack
    Testing = _mod.Testing
    Token = _mod.Token
    Tokenization = _mod.Tokenization

#: The runtime's own version string (``0.21.0`` for cdktf, ``0.24.0`` for cdktn).
RUNTIME_VERSION: Final[str] = str(importlib.import_module(f"{RUNTIME}._jsii").__jsii_assembly__.version)

_C = TypeVar("_C", bound=type)


def runtime_module() -> ModuleType:
    """The imported runtime module itself, for escape hatches this module does not name."""
    return _mod


def implements_validation(cls: _C) -> _C:
    """Class decorator: mark a Python class as implementing ``constructs.IValidation``."""
    import jsii

    decorate: Callable[[_C], _C] = jsii.implements(IValidation)
    return decorate(cls)


def jsii_create(obj: Any, *args: Any) -> None:
    """Create the JavaScript half of ``obj``, a Python subclass of a jsii class.

    This is what every generated jsii constructor ends with, minus its ``typeguard`` checks
    of arguments that harvester-iac builds itself. With hundreds of VMs those checks cost
    as much as the Node.js round trip, so L1 classes and constructs call this directly
    with the exact arguments of the generated constructor (scope, id[, config struct]).
    """
    import jsii

    jsii.create(obj.__class__, obj, list(args))
