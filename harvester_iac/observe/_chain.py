"""The Longhorn Volume → PVC → VM disk chain: which Longhorn volume is a VM's disk.

A Longhorn Volume names its PVC and the PVC's namespace (``status.kubernetesStatus``),
and the pods using it (``workloadsStatus``): for a Harvester VM that is its
VirtualMachineInstance and its ``virt-launcher-<vm>-xxxxx`` pod. Harvester names a VM's
PVCs ``<vm>-<disk>-<5 random>``, which gives the disk. A volume tied to a VM only by that
name (no workload: the volume is detached) is a leftover or a spare, never a running
master's root volume, so :func:`root_volume` does not count it.

Every link says how it was made (``via``), because it is evidence to weigh.
"""

from __future__ import annotations

from dataclasses import dataclass

from harvester_iac.observe.longhorn._objects import LonghornState, LonghornVolume

__all__ = ["VolumeLink", "root_volume", "vm_volumes", "volume_link"]

_RANDOM_SUFFIX = 6  # "-" and 5 random characters


@dataclass(frozen=True, slots=True)
class VolumeLink:
    """One Longhorn volume and the VM disk it backs, as far as the objects say.

    ``vm`` and ``disk`` are ``None`` when nothing names them; ``attached`` is true when a
    workload of the VM uses the volume now (or Longhorn reports it attached to a VM);
    ``via`` is the derivation, e.g. ``"PVC default/kube-master-00-root-2qcjn, used by
    VirtualMachineInstance kube-master-00"``.
    """

    volume: str
    pvc: str | None
    namespace: str | None
    vm: str | None
    disk: str | None
    attached: bool
    via: str


def _disk_of(pvc: str | None, vm: str | None) -> str | None:
    """``kube-master-00-root-2qcjn`` of VM ``kube-master-00`` → ``root``."""
    if not pvc or not vm or not pvc.startswith(vm + "-") or len(pvc) <= len(vm) + _RANDOM_SUFFIX + 1:
        return None
    middle = pvc[len(vm) + 1 : -_RANDOM_SUFFIX]
    return middle if pvc[-_RANDOM_SUFFIX] == "-" and middle else None


def volume_link(volume: LonghornVolume) -> VolumeLink:
    """The chain of one Longhorn volume: its PVC, the VM using it, the VM's disk."""
    pvc = volume.pvc_name
    where = f"PVC {volume.pvc_namespace}/{pvc}" if volume.pvc_namespace and pvc else (
        f"PVC {pvc}" if pvc else "no PVC")
    vm = volume.vm_name
    used = volume.vm_name_from in ("workload", "pod")
    if vm is None:
        via = f"{where}, no VM uses it"
    elif volume.vm_name_from == "workload":
        via = f"{where}, used by VirtualMachineInstance {vm}"
    elif volume.vm_name_from == "pod":
        via = f"{where}, used by pod virt-launcher-{vm}-*"
    else:
        state = volume.state or "state not reported"
        via = f"{where}, named after VM {vm} (no workload uses it; {state})"
    return VolumeLink(volume=volume.name, pvc=pvc, namespace=volume.pvc_namespace, vm=vm,
                      disk=_disk_of(pvc, vm), attached=used, via=via)


def vm_volumes(state: LonghornState, *, vm: str, namespace: str | None = None) -> tuple[VolumeLink, ...]:
    """Every Longhorn volume the chain ties to ``vm`` (in ``namespace`` when given)."""
    out = []
    for v in state.volumes:
        link = volume_link(v)
        if link.vm != vm:
            continue
        if namespace is not None and link.namespace is not None and link.namespace != namespace:
            continue
        out.append(link)
    return tuple(out)


def root_volume(
    state: LonghornState,
    *,
    vm: str,
    namespace: str | None = "default",
    disk: str | None = None,
    volume_name: str | None = None,
) -> VolumeLink | None:
    """The Longhorn volume behind disk ``disk`` of ``vm``, or ``None`` when unknown.

    ``volume_name`` (the inventory's ``volumeName``) decides when Longhorn has it. Else
    the volumes a workload of ``vm`` uses in ``namespace``: the one whose PVC names
    ``disk``, or the only one. Detached volumes tied by name only are never chosen, and
    two candidates without a disk name to tell them apart give ``None`` (ambiguous).
    """
    if volume_name:
        v = state.volume(volume_name)
        if v is None:
            return None
        link = volume_link(v)
        return VolumeLink(volume=link.volume, pvc=link.pvc, namespace=link.namespace,
                          vm=link.vm, disk=link.disk, attached=link.attached,
                          via=f"inventory volumeName {volume_name}; {link.via}")
    used = [link for link in vm_volumes(state, vm=vm, namespace=namespace) if link.attached]
    if disk is not None:
        named = [link for link in used if link.disk == disk]
        if len(named) == 1:
            return named[0]
        if named:
            return None
    return used[0] if len(used) == 1 else None
