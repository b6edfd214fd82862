"""Host logs in, events out: reading, envelopes, the pattern table, detection, the clock.

A file is read in blocks (``_reader``); a prefilter (``_prefilter``, Hyperscan or ``re``)
picks the candidate lines; each candidate loses its envelopes (``_envelopes``,
``_envelopes_json``) and meets the pattern table (``_patterns``, ``_detect``); the clock
(``_clock``) places its time in UTC; ``_scan`` drives files and worker processes. The public
names are re-exported by :mod:`harvester_iac.observe`.
"""

__all__: list[str] = []  # the names are re-exported by harvester_iac.observe
