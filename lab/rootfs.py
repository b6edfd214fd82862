"""Build the lab VM's root: an initramfs (newc cpio) made from this machine's Debian binaries.

No download and no debootstrap: busybox-static, open-iscsi (iscsid, iscsiadm), tgt (tgtd,
tgtadm), etcd-server/etcd-client, e2fsprogs (mke2fs) are copied with the shared libraries
``ldd`` names, plus the kernel modules of the iSCSI initiator and ext4 (with their
``modules.dep`` closure) for the kernel in /boot. The result is cached under
``build/lab/`` and rebuilt when an input (a binary, a module, the guest scripts) changes.

    python -m lab.rootfs            # prints the path of the (cached) initramfs
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Kernel", "LabSetupError", "build_initramfs", "find_kernel"]

ROOT = Path(__file__).resolve().parent.parent
GUEST = Path(__file__).resolve().parent / "guest"
BUILD = ROOT / "build" / "lab"

BINARIES = (
    "/bin/busybox",
    "/usr/sbin/iscsid",
    "/usr/sbin/iscsiadm",
    "/usr/sbin/tgtd",
    "/usr/sbin/tgtadm",
    "/usr/bin/etcd",
    "/usr/bin/etcdctl",
    "/usr/sbin/mke2fs",
)
# Data files the binaries read (optional ones are skipped when absent).
DATA_FILES = ("/etc/mke2fs.conf",)
MODULES = (
    "scsi_mod", "sd_mod", "scsi_transport_iscsi", "libiscsi", "libiscsi_tcp", "iscsi_tcp",
    "crc32c_generic", "crc16", "mbcache", "jbd2", "ext4",
)
# Which Debian package provides each binary (for the message when one is missing).
PACKAGES = {
    "/bin/busybox": "busybox-static", "/usr/sbin/iscsid": "open-iscsi",
    "/usr/sbin/iscsiadm": "open-iscsi", "/usr/sbin/tgtd": "tgt", "/usr/sbin/tgtadm": "tgt",
    "/usr/bin/etcd": "etcd-server", "/usr/bin/etcdctl": "etcd-client", "/usr/sbin/mke2fs": "e2fsprogs",
}


class LabSetupError(RuntimeError):
    """The lab cannot be built or started here (missing package, kernel, QEMU)."""


@dataclass(frozen=True)
class Kernel:
    """A Debian kernel image and its module tree."""

    release: str
    image: Path
    modules: Path


def find_kernel() -> Kernel:
    """The newest /boot/vmlinuz-*-amd64 with a module tree (``LAB_KERNEL`` picks a release)."""
    wanted = os.environ.get("LAB_KERNEL")
    candidates = sorted(Path("/boot").glob("vmlinuz-*"), key=lambda p: _version_key(p.name))
    for image in reversed(candidates):
        release = image.name.removeprefix("vmlinuz-")
        if wanted and release != wanted:
            continue
        modules = Path("/lib/modules") / release
        if (modules / "modules.dep").is_file() and os.access(image, os.R_OK):
            return Kernel(release, image, modules)
    raise LabSetupError(
        "no readable Debian kernel with modules in /boot and /lib/modules"
        + (f" (LAB_KERNEL={wanted})" if wanted else "")
        + ": install linux-image-amd64 (scripts/setup --test does)"
    )


def _version_key(name: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", name)]


def _libraries(binary: str) -> list[str]:
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=False).stdout
    libs: list[str] = []
    for line in out.splitlines():
        m = re.search(r"(/\S+) \(0x", line)
        if m:
            libs.append(m.group(1))
    return libs


def _module_closure(kernel: Kernel) -> list[str]:
    """Relative module paths to load, dependencies first."""
    deps: dict[str, list[str]] = {}
    by_name: dict[str, str] = {}
    for line in (kernel.modules / "modules.dep").read_text().splitlines():
        path, _, rest = line.partition(":")
        deps[path] = rest.split()
        name = Path(path).name.split(".ko")[0].replace("-", "_")
        by_name[name] = path
    order: list[str] = []

    def visit(path: str) -> None:
        if path in order:
            return
        for dep in reversed(deps.get(path, [])):
            visit(dep)
        order.append(path)

    for name in MODULES:
        if name not in by_name:
            raise LabSetupError(f"kernel {kernel.release} has no module {name} in modules.dep")
        visit(by_name[name])
    return order


def _inputs(kernel: Kernel) -> list[Path]:
    files = [Path(b) for b in BINARIES] + [kernel.image]
    files += [kernel.modules / m for m in _module_closure(kernel)]
    files += sorted(p for p in GUEST.rglob("*") if p.is_file())
    files.append(Path(__file__))
    return files


def _fingerprint(kernel: Kernel) -> str:
    h = hashlib.sha256()
    for f in _inputs(kernel):
        st = f.stat()
        h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        if f.is_relative_to(GUEST) or f == Path(__file__):
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _copy(src: str, root: Path) -> None:
    dst = root / src.lstrip("/")
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(os.path.realpath(src), dst)


def build_initramfs(*, force: bool = False) -> Path:
    """The path of the initramfs for the current inputs, building it when missing."""
    missing = [b for b in BINARIES if not os.access(b, os.X_OK)]
    if missing:
        pkgs = sorted({PACKAGES[b] for b in missing})
        raise LabSetupError(
            f"missing {', '.join(missing)}: install the Debian packages {' '.join(pkgs)}"
            " (scripts/setup --test does)")
    if shutil.which("cpio") is None:
        raise LabSetupError("cpio is not installed (Debian package cpio; scripts/setup --test does)")
    kernel = find_kernel()
    stamp = _fingerprint(kernel)
    target = BUILD / f"initramfs-{stamp}.cpio"
    if target.is_file() and not force:
        return target
    BUILD.mkdir(parents=True, exist_ok=True)
    with (BUILD / ".build.lock").open("w") as lock:  # parallel test workers build it once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.is_file() and not force:
            return target
        _build(kernel, target)
    return target


def _build(kernel: Kernel, target: Path) -> None:
    staging = BUILD / f"root.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "etc/iscsi", "proc", "sys", "dev", "run",
              "tmp", "var/lib/iscsi", "mnt/lun", "out", "lab"):
        (staging / d).mkdir(parents=True, exist_ok=True)
    (staging / "var/run").symlink_to("/run")
    (staging / "var/lock").symlink_to("/run/lock")
    libs: set[str] = set()
    for binary in BINARIES:
        _copy(binary, staging)
        libs.update(_libraries(binary))
    for lib in sorted(libs):
        _copy(lib, staging)
    for data in DATA_FILES:
        if os.path.exists(data):
            _copy(data, staging)
    (staging / "bin/sh").symlink_to("busybox")
    mods = _module_closure(kernel)
    for rel in mods:
        dst = staging / "lib/modules" / kernel.release / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(kernel.modules / rel, dst)
    (staging / "lab/modules").write_text(
        "".join(f"/lib/modules/{kernel.release}/{rel}\n" for rel in mods))
    for script in GUEST.iterdir():
        dst = staging / "lab" / script.name
        shutil.copy2(script, dst)
        dst.chmod(0o755)
    (staging / "init").symlink_to("lab/init")
    (staging / "lab/versions.json").write_text(json.dumps(_versions(kernel), indent=2) + "\n")
    if os.geteuid() == 0:
        os.mknod(staging / "dev/console", 0o600 | 0o020000, os.makedev(5, 1))
    tmp = target.with_suffix(".tmp")
    names = subprocess.run(["find", "."], cwd=staging, capture_output=True, check=True).stdout
    with tmp.open("wb") as fh:
        subprocess.run(["cpio", "--quiet", "-o", "-H", "newc", "--owner=0:0"], cwd=staging,
                       input=names, stdout=fh, check=True)
    for old in BUILD.glob("initramfs-*.cpio"):
        old.unlink()
    tmp.rename(target)
    shutil.rmtree(staging)


def _versions(kernel: Kernel) -> dict[str, str]:
    """Debian package versions of what the VM runs (noted with every collected run)."""
    pkgs = ["busybox-static", "open-iscsi", "tgt", "etcd-server", "etcd-client", "e2fsprogs",
            f"linux-image-{kernel.release}", "qemu-system-x86"]
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\n", *pkgs],
                         capture_output=True, text=True, check=False).stdout
    versions = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    versions["kernel"] = kernel.release
    return versions


if __name__ == "__main__":
    try:
        print(build_initramfs(force="--force" in sys.argv))
    except LabSetupError as exc:
        print(f"lab: {exc}", file=sys.stderr)
        sys.exit(2)
