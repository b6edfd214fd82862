"""HarvesterStack: one Harvester cluster of an inventory as a Terraform stack.

The stack holds the ``harvester`` and ``kubernetes`` providers (configured from the hosts'
kubeconfig and context, fully qualified sources so OpenTofu resolves them too), the
managed storage classes, images and networks, a ``HarvesterHost`` per host (adopting its
Longhorn Node), the ``ControlPlane`` and the other VMs. Objects the inventory marks as
not managed are looked up with data sources when a VM names them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from harvester_iac._terraform_version import VersionProbe
from harvester_iac.cdk import Construct
from harvester_iac.constructs import (
    Catalog,
    ControlPlane,
    ControlPlaneProps,
    Finding,
    HarvesterHost,
    HarvesterHostProps,
    ImageRef,
    LonghornStorageClass,
    LonghornStorageClassProps,
    NetworkRef,
    Severity,
    StorageClassRef,
    TerraformVersionCheck,
    add_findings_validation,
    findings_of,
    skip_terraform_check,
    start_terraform_check,
    vm_resource,
)
from harvester_iac.constructs.providers import (
    AttributeStack,
    HarvesterProvider,
    HarvesterProviderConfig,
    HarvesterVirtualMachine,
    KubernetesProvider,
    KubernetesProviderConfig,
)
from harvester_iac.core import ConstructError
from harvester_iac.model import ControlPlane as ControlPlaneModel
from harvester_iac.model import Host, Inventory, MasterVm, Vm, VmDisk, check_inventory
from harvester_iac.stacks._validators import (
    DEFAULT_VALIDATORS,
    ValidationContext,
    Validator,
    run_validators,
)

__all__ = ["HarvesterStack", "HarvesterStackProps", "cluster_stacks"]


@dataclass(frozen=True, kw_only=True)
class HarvesterStackProps:
    """One Harvester cluster of an inventory, and how synth validates it."""

    inventory: Inventory
    #: The hosts (one cluster) this stack deploys; default: every host of the inventory.
    hosts: tuple[str, ...] | None = None
    #: Include VMs that name no host; default: true (false for all but one stack of a site).
    include_unpinned_vms: bool = True
    #: Validation hook: each returns findings for the inventory; default: Longhorn admission.
    validators: tuple[Validator, ...] = DEFAULT_VALIDATORS
    #: A health snapshot for validators that weigh observed storage faults.
    observed: Path | None = None
    #: Findings at or above this severity fail synth; ``None`` never fails.
    fail_on: Severity | None = Severity.ERROR
    #: Register validations at all; false (``--no-validate``) also skips probing Terraform.
    validate: bool = True
    #: ``terraform version`` already run (``harvester-iac synth`` runs it in its worker);
    #: default: the stack runs it when its hosts adopt Longhorn Nodes.
    terraform_probe: VersionProbe | None = None


def _path_expr(path: str) -> str:
    """A kubeconfig path as Terraform evaluates it on the deploying machine (``~`` expanded there)."""
    escaped = path.replace("\\", "\\\\").replace('"', '\\"')
    return f'${{pathexpand("{escaped}")}}' if path.startswith("~") else path


def cluster_stacks(inv: Inventory) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Stack names and their hosts: one stack per cluster (hosts sharing kubeconfig + context).

    A single-cluster inventory gives one stack named after the inventory.
    """
    groups: dict[tuple[str | None, str | None], list[str]] = {}
    for h in inv.hosts:
        groups.setdefault((h.kubeconfig, h.context), []).append(h.name)
    if len(groups) <= 1:
        return ((inv.name, tuple(h.name for h in inv.hosts)),)
    return tuple((f"{inv.name}-{names[0]}", tuple(names)) for names in groups.values())


class HarvesterStack(AttributeStack):
    """The Terraform stack of one Harvester cluster, composed from an ``Inventory``.

    Typed attributes: ``harvester`` and ``kubernetes`` (providers), ``hosts``,
    ``storage_classes``, ``catalog``, ``control_plane``, ``vms``, and ``findings`` (the
    validation results cdktf will also see). The inventory is checked first (an
    ``InventoryError`` names the problem); constructs check their props.
    """

    def __init__(self, scope: Construct, id: str, *, props: HarvesterStackProps) -> None:
        inv = props.inventory
        check_inventory(inv)
        hosts = _select_hosts(inv, props.hosts)
        clusters = {(h.kubeconfig, h.context) for h in hosts}
        if len(clusters) > 1:
            raise ConstructError(f"HarvesterStack {id}: its hosts belong to {len(clusters)} clusters "
                                 "(different kubeconfig/context); use one stack per cluster "
                                 "(cluster_stacks)")
        super().__init__(scope, id)
        self.props = props
        self._terraform_check: TerraformVersionCheck | None = None
        if not props.validate:
            skip_terraform_check(self)
        elif any(d.managed for h in hosts for d in h.disks):
            # the hosts will adopt their Longhorn Nodes (import blocks): start the Terraform
            # version probe now, so it runs while the rest of the stack is composed; its
            # findings join the stack's one validation (each validation is 4 jsii round trips)
            self._terraform_check = start_terraform_check(self, props.terraform_probe)
        kubeconfig, context = next(iter(clusters)) if clusters else (None, None)
        self.harvester = HarvesterProvider(self, "harvester", config=HarvesterProviderConfig(
            kubeconfig=_path_expr(kubeconfig) if kubeconfig else None, kubecontext=context))
        self.kubernetes = KubernetesProvider(self, "kubernetes", config=KubernetesProviderConfig(
            config_path=_path_expr(kubeconfig) if kubeconfig else None, config_context=context))
        host_names = tuple(h.name for h in hosts)
        masters = tuple(m for m in inv.control_plane.masters if m.host in host_names)
        vms = tuple(v for v in inv.vms if v.host in host_names
                    or (v.host is None and props.include_unpinned_vms))

        self.storage_classes: dict[str, LonghornStorageClass] = {}
        self.catalog = self._catalog(inv, masters, vms)
        self.hosts: dict[str, HarvesterHost] = {
            h.name: HarvesterHost(self, f"host-{h.name}", props=HarvesterHostProps(
                host=h, longhorn=inv.longhorn, provider=self.kubernetes))
            for h in hosts}
        self.control_plane = ControlPlane(self, "ControlPlane", props=ControlPlaneProps(
            control_plane=ControlPlaneModel(masters=masters), catalog=self.catalog,
            hosts=host_names, provider=self.harvester))
        self.vms: dict[str, HarvesterVirtualMachine] = {
            v.name: vm_resource(self, f"vm-{v.name}", vm=v, catalog=self.catalog,
                                provider=self.harvester)
            for v in vms}
        self._context = ValidationContext(inventory=inv, stack_name=id, hosts=host_names,
                                          observed=props.observed)
        if props.validate and (props.validators or self._terraform_check is not None):
            add_findings_validation(self, self._stack_findings, fail_on=props.fail_on)

    def _catalog(self, inv: Inventory, masters: tuple[MasterVm, ...], vms: tuple[Vm, ...]) -> Catalog:
        disks = _disks(masters, vms)
        used_images = {d.image for d in disks if d.image} | {m.name for m in inv.images if m.managed}
        used_classes = {d.storage_class for d in disks}
        used_classes |= {m.storage_class for m in inv.images if m.storage_class and m.name in used_images}
        used_networks = {m.network for m in masters if m.network} | {v.network for v in vms if v.network}
        classes: dict[str, StorageClassRef] = {}
        for sc in inv.storage_classes:
            if sc.managed:
                construct = LonghornStorageClass(self, f"sc-{sc.name}", props=LonghornStorageClassProps(
                    storage_class=sc, provider=self.harvester))
                self.storage_classes[sc.name] = construct
                classes[sc.name] = construct.ref
            elif sc.name in used_classes:
                ref = LonghornStorageClass.from_existing(self, f"sc-{sc.name}", name=sc.name,
                                                         provider=self.harvester)
                classes[sc.name] = dataclasses.replace(ref, storage_class=sc)
        images = {
            m.name: (ImageRef.create(self, f"image-{m.name}", image=m, provider=self.harvester)
                     if m.managed else
                     ImageRef.from_existing(self, f"image-{m.name}", name=m.name,
                                            namespace=m.namespace, provider=self.harvester))
            for m in inv.images if m.name in used_images}
        networks = {
            n.name: (NetworkRef.create(self, f"network-{n.name}", network=n, provider=self.harvester)
                     if n.managed else
                     NetworkRef.from_existing(self, f"network-{n.name}", name=n.name,
                                              namespace=n.namespace, provider=self.harvester))
            for n in inv.networks if n.managed or n.name in used_networks}
        return Catalog(images=images, networks=networks, storage_classes=classes)

    def _stack_findings(self) -> Iterator[Finding]:
        if self._terraform_check is not None:
            yield from self._terraform_check.findings()
        yield from run_validators(self.props.validators, self._context)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of this stack's validations (computed once, shared with cdktf)."""
        return findings_of(self)

    @property
    def inventory(self) -> Inventory:
        return self.props.inventory


def _select_hosts(inv: Inventory, names: tuple[str, ...] | None) -> tuple[Host, ...]:
    if names is None:
        return inv.hosts
    known = {h.name for h in inv.hosts}
    for n in names:
        if n not in known:
            raise ConstructError(f"HarvesterStack: 'hosts' names {n!r}, which is not a host of "
                                 f"inventory {inv.name} ({', '.join(sorted(known))})")
    return tuple(h for h in inv.hosts if h.name in names)


def _disks(masters: tuple[MasterVm, ...], vms: tuple[Vm, ...]) -> list[VmDisk]:
    return [m.root_volume for m in masters] + [d for v in vms for d in v.disks]
