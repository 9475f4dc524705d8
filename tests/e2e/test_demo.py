"""The README's first command: `paxscreen demo` really streams the samples and prints alerts."""

from __future__ import annotations

import io

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
    assert "done: all " in text and "stopped the worker, broker and redis-server." in text
