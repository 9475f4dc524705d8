"""The layout is the architecture: fail when a door opens the wrong way (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# room -> top-level packages it must never import
FORBIDDEN = {
    "matchers": {"streams", "producers", "faust", "confluent_kafka", "aiokafka"},
    "producers": {"streams", "matchers", "faust"},
    "streams": {"producers"},
}
# what of the shared package a room may use (never the CLI, which composes the rooms)
SHARED_ALLOWED = {"paxscreen.models", "paxscreen.booking", "paxscreen.codec", "paxscreen.errors", "paxscreen.settings",
                  "paxscreen.kafka", "paxscreen.bounded"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_rooms_import_only_through_their_doors(room: str) -> None:
    files = sorted((ROOT / room).rglob("*.py"))
    assert files, f"{room}/ has no Python files"
    bad = []
    for f in files:
        for mod in imports_of(f):
            top = mod.split(".")[0]
            if top in FORBIDDEN[room]:
                bad.append(f"{f.relative_to(ROOT)} imports {mod}")
            if top == "paxscreen" and mod != "paxscreen" and mod not in SHARED_ALLOWED:
                bad.append(f"{f.relative_to(ROOT)} imports {mod} (only {sorted(SHARED_ALLOWED)})")
    assert bad == []


def test_matchers_never_touch_kafka_settings_module() -> None:
    for f in (ROOT / "matchers").rglob("*.py"):
        assert "paxscreen.kafka" not in imports_of(f), f


def test_deploy_holds_no_python() -> None:
    assert not list((ROOT / "deploy").rglob("*.py"))


def test_modules_stay_small() -> None:
    long = [
        (str(f.relative_to(ROOT)), n)
        for room in ("paxscreen", "matchers", "producers", "streams")
        for f in (ROOT / room).rglob("*.py")
        if (n := len(f.read_text().splitlines())) > 600
    ]
    assert long == []
