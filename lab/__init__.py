"""The real-kernel fault lab: a QEMU VM with Linux's iSCSI initiator, tgt and etcd (lab/README.md)."""
