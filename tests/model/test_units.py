"""Sizes and names: the value types every layer relies on."""

from __future__ import annotations

import pytest

from harvester_iac.model import (
    Size,
    SizeError,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("40Gi", 40 * 2**30),
        ("512Mi", 512 * 2**20),
        ("1.5Ti", int(1.5 * 2**40)),
        ("1T", 10**12),
        ("500M", 500 * 10**6),
        ("2k", 2000),
        ("0", 0),
        (1024, 1024),
    ],
)
def test_parse_kubernetes_quantities(text: str | int, expected: int) -> None:
    assert Size.parse(text).bytes == expected


@pytest.mark.parametrize("text", ["40GB", "40 GiB", "forty", "-1Gi", "1.5", "40gi", "", "Gi"])
def test_refuses_what_kubernetes_refuses(text: str) -> None:
    with pytest.raises(SizeError):
        Size.parse(text)


def test_near_miss_suggests_both_spellings() -> None:
    with pytest.raises(SizeError) as info:
        Size.parse("40GB")
    assert info.value.hint is not None
    assert '"40Gi"' in info.value.hint and '"40G"' in info.value.hint


def test_bool_is_not_a_size() -> None:
    with pytest.raises(SizeError):
        Size.parse(True)  # type: ignore[arg-type]


def test_canonical_text_and_order() -> None:
    assert str(Size(40 * 2**30)) == "40Gi"
    assert str(Size(1000)) == "1000"
    assert Size.gibibytes(1) < Size.gibibytes(2)
    assert Size.parse("1024Mi").bytes == Size.gibibytes(1).bytes


def test_names() -> None:
    assert is_dns1123_label("kube-master-00")
    assert not is_dns1123_label("Kube_Master")
    assert not is_dns1123_label("-a")
    assert not is_dns1123_label("a" * 64)
    assert is_dns1123_subdomain("node-1.example.com")
    assert not is_dns1123_subdomain("")
    assert is_qualified_name("nvme")
    assert is_qualified_name("example.com/fast_disk")
    assert not is_qualified_name("bad tag")
    assert not is_qualified_name("-x")
    assert not is_qualified_name("Bad_Prefix!/x")
