"""Longhorn's own objects: the typed records, read from files or live from the API.

``_objects`` types ``longhorn.io/v1beta2`` volumes, replicas, nodes and settings;
``_files`` reads them from saved ``kubectl get -o yaml|json`` output; ``_live`` lists them
through the Kubernetes API. The public names are re-exported by :mod:`harvester_iac.observe`.
"""

__all__: list[str] = []  # the names are re-exported by harvester_iac.observe
