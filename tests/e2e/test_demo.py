"""The README's first command: `paxscreen demo` really streams the samples and prints alerts."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from paxscreen.demo import run_demo
from paxscreen.settings import Settings

pytestmark = pytest.mark.e2e


def test_demo_streams_samples_and_prints_every_kind_of_alert(tmp_path) -> None:
    out = io.StringIO()
    assert run_demo(Settings(state_dir=str(tmp_path)), timeout=180, out=out) == 0, out.getvalue()
    text = out.getvalue()
    for label in ("[NAME ", "[DOC ", "[STOLEN-DOC ", "[RISK "):
        assert label in text, text
    assert "1 message(s) dead-lettered" in text
    assert "done: all " in text and "stopped the worker, broker and redis-server (their logs: " in text
    # the worker's log, where the demo says it is: it says when it is ready, with no terminal codes
    log = Path(re.search(r", log (\S+worker\.log)\n", text).group(1)).read_text()
    assert "joined the consumer group: " in log and "\x1b[" not in log, log
    # the demo prints its latency figure (a figure, not a test: published once the worker has
    # joined its groups, it measured 243-722 ms where it was 5.3 s with the joins counted)
    assert re.search(r"mean time from message arrival to alert: \d+ ms", text), text
