"""The CDKTF app that ``cdktf synth`` runs (see cdktf.json): inventory -> stacks -> cdktf.out.

The inventory comes from ``HARVESTER_IAC_INVENTORY`` (default: the embedded homelab);
``HARVESTER_IAC_OBSERVED`` feeds a health snapshot to the validations and
``HARVESTER_IAC_TEMPLATES_DIR`` also renders the Kubernetes manifests. It builds exactly
the stacks ``harvester-iac synth`` builds, so both write the same ``cdk.tf.json``.
"""

from harvester_iac.stacks import app_main

if __name__ == "__main__":
    raise SystemExit(app_main())
