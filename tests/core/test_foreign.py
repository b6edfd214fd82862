"""Foreign errors become the project's own in one place (``core._foreign``).

Every class name the table lists exists in the installed library (so a rename upstream
fails here, not in a user's terminal), and real errors of each library come out as an
``InputError`` naming the file, the place and the expectation.
"""

from __future__ import annotations

import importlib
import json
import pickle

import pytest
import yaml

from harvester_iac.core import InputError, SnapshotError, map_foreign_errors, source_failure
from harvester_iac.core._foreign import FOREIGN


@pytest.mark.parametrize("qualified", sorted(FOREIGN))
def test_every_mapped_name_exists_upstream(qualified: str) -> None:
    module, _, name = qualified.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    assert isinstance(cls, type) and issubclass(cls, BaseException)


def _raised(block: object) -> InputError:
    with pytest.raises(InputError) as info, map_foreign_errors(file="f.txt", error=SnapshotError,
                                                                expected="something good"):
        block()  # type: ignore[operator]
    assert type(info.value) is SnapshotError
    assert (info.value.file, info.value.expected) == ("f.txt", "something good")
    return info.value


def test_json() -> None:
    err = _raised(lambda: json.loads('{"a":\n  }'))
    assert err.where == "2:3" and err.message.startswith("invalid JSON:")


def test_yaml() -> None:
    err = _raised(lambda: yaml.safe_load("a: [1,\n"))
    assert err.where == "2:1" and err.message.startswith("invalid YAML:")


def test_deep_nesting() -> None:
    err = _raised(lambda: json.loads("[" * 100_000 + "]" * 100_000))
    assert err.message == "nested too deeply"


def test_kubeconfig() -> None:
    from kubernetes.config import ConfigException

    def bad() -> None:
        raise ConfigException("Invalid kube-config file. No configuration found.")

    assert "cannot use the kubeconfig: Invalid kube-config" in _raised(bad).message


def test_other_errors_pass_through() -> None:
    with pytest.raises(KeyError), map_foreign_errors(file="f"):
        raise KeyError("a bug stays a bug")


def test_an_input_error_pickles_whole() -> None:
    err = SnapshotError("bad", file="f", where="1:2", expected="good", found="x", hint="h", more=3)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is SnapshotError and str(back) == str(err) and back.more == 3


def test_source_failure_names_the_http_status() -> None:
    from kubernetes.client.exceptions import ApiException

    exc = ApiException(status=403, reason="Forbidden")
    exc.body = json.dumps({"message": "nodes.longhorn.io is forbidden"})
    assert source_failure(exc, action="list nodes.longhorn.io") == (
        "HTTP 403 Forbidden: forbidden to list nodes.longhorn.io (nodes.longhorn.io is forbidden)")
    assert source_failure(TimeoutError("timed out"), action="x").startswith("timed out")
