"""Names that tie log lines to storage: block devices, iSCSI portals, Longhorn targets.

Kernel lines name a partition (``sdo16``), iscsid a portal as ``ip,port``, the iscsiadm
listing a target IQN; these helpers bring each to the one form the joins compare.
"""

from __future__ import annotations

from harvester_iac.observe.logs._regex import lazy_regex

__all__ = ["LONGHORN_IQN_PREFIX", "base_disk", "longhorn_volume_from_iqn", "normalize_portal"]

#: Longhorn's tgt frontend names every target ``iqn.2019-10.io.longhorn:<volume>``.
LONGHORN_IQN_PREFIX = "iqn.2019-10.io.longhorn:"

_PARTITIONED = lazy_regex(r"^((?:sd|vd|xvd|hd)[a-z]+)\d+$")
_P_PARTITION = lazy_regex(r"^([a-z]+\d+(?:n\d+)?)p\d+$")


def base_disk(device: str) -> str:
    """The whole disk a device name belongs to: ``sdo16`` -> ``sdo``, ``nvme0n1p1`` -> ``nvme0n1``.

    Names without a partition (``sdad``, ``dm-0``, ``loop1``, ``nvme0n1``) are their own disk.
    A ``/dev/`` path gives the bare name (``/dev/nvme0n1p2`` -> ``nvme0n1``). The one
    implementation for the event fields, the iscsiadm map and the policy's failure domains.
    """
    name = device.removeprefix("/dev/")
    m = _PARTITIONED.match(name) or _P_PARTITION.match(name)
    return m.group(1) if m else name


def normalize_portal(text: str) -> str:
    """``ip:port`` from iscsid's ``ip,port`` (IPv6 gets brackets); other forms unchanged."""
    host, sep, port = text.rpartition(",")
    if sep and port.isdigit() and host:
        if ":" in host and not host.startswith("["):
            return f"[{host}]:{port}"
        return f"{host}:{port}"
    return text


def longhorn_volume_from_iqn(iqn: str | None) -> str | None:
    """The Longhorn volume a target IQN names, or ``None`` for other targets."""
    if iqn and iqn.startswith(LONGHORN_IQN_PREFIX):
        volume = iqn[len(LONGHORN_IQN_PREFIX) :]
        return volume or None
    return None
