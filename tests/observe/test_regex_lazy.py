"""``lazy_regex`` behaves as the compiled pattern, before and after its first use."""

from __future__ import annotations

import copy
import pickle
import re

from harvester_iac.observe.logs._patterns import PATTERNS
from harvester_iac.observe.logs._regex import lazy_regex


def test_lazy_regex_is_the_compiled_pattern() -> None:
    source, flags = r"^(?P<a>\w+)-(?P<b>\d+)", re.S
    lazy, real = lazy_regex(source, flags), re.compile(source, flags)
    assert lazy.pattern == real.pattern
    assert lazy.groupindex == real.groupindex and lazy.flags == real.flags and lazy.groups == real.groups
    for text in ("ab-12", "x-", "ab-12-34 cd-5"):
        assert repr(lazy.match(text)) == repr(real.match(text))
        assert repr(lazy.search(text)) == repr(real.search(text))
        assert repr(lazy.fullmatch(text)) == repr(real.fullmatch(text))
        assert lazy.sub("_", text) == real.sub("_", text)
        assert lazy.findall(text) == real.findall(text)
        assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]


def test_pattern_rows_pickle_and_copy_before_and_after_use() -> None:
    row = PATTERNS[0]
    line = "Kernel reported iSCSI connection 1:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT)"
    for _ in range(2):  # the second round after the first search compiled it
        for clone in (pickle.loads(pickle.dumps(row)), copy.deepcopy(row)):
            assert clone.name == row.name and clone.regex.pattern == row.regex.pattern
            found = clone.regex.search(line)
            assert found is not None and found["code"] == "1022"
        assert row.regex.search(line) is not None
