"""What a directory given to `paxscreen parse`/`produce`/`screen` yields (producers/publish.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from producers.publish import is_documentation, iter_inputs


@pytest.mark.parametrize(("name", "doc"), [
    ("SOURCES.md", True), ("README", True), ("readme.txt", True), ("LICENSE", True), ("notes.rst", True),
    ("manual.pdf", True), ("index.html", True),
    ("af149.edi", False), ("paxlst.txt", False), ("pnrgov", False), ("sources_ba3401.edi", False),
])
def test_documentation_is_told_by_suffix_or_name(name: str, doc: bool) -> None:
    assert is_documentation(Path("samples") / name) is doc


def test_a_directory_yields_its_messages_and_says_what_it_left_out(tmp_path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.edi", "SOURCES.md", ".hidden", "sub/a.txt", "sub/README"):
        (tmp_path / name).write_bytes(b"x")
    skipped: list[str] = []
    got = [m.source for m in iter_inputs([str(tmp_path), str(tmp_path / "SOURCES.md")], skipped)]
    assert got == [str(tmp_path / "b.edi"), str(tmp_path / "sub" / "a.txt"), str(tmp_path / "SOURCES.md")]
    assert skipped == [str(tmp_path / "SOURCES.md"), str(tmp_path / "sub" / "README")]
