"""Shared fixtures for the producer tests: sample folders and a small PAXLST message factory."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[2]
GTAS_DIR = Path(__file__).resolve().parents[3] / "shared/samples/gtas"
SAMPLES_DIR = REPO / "paxscreen/samples/paxlst"

FLIGHT = (
    "BGM+745",
    "TDT+20+XY100+++XY",
    "LOC+125+AAA",
    "DTM+189:2402101000:201",
    "LOC+87+BBB",
    "DTM+232:2402101400:201",
)


def pax(
    name: str = "DOE:JOHN", dob: str = "800101", doc: str = "P:110:111+X1234567", extra: Sequence[str] = ()
) -> list[str]:
    """Segments of one passenger group (NAD ... DOC LOC+91)."""
    return [f"NAD+FL+++{name}", "ATT+2++M", f"DTM+329:{dob}", "NAT+2+GBR", *extra, f"DOC+{doc}", "LOC+91+GBR"]


def message(
    *body: str,
    ref: str = "M1",
    header: str = "",
    una: str | None = "UNA:+.? '",
    date: str = "240210:1200",
    sep: str = "\n",
    messages: int = 1,
) -> str:
    """A whole interchange around ``body`` (the segments between UNH and UNT, no terminators):
    UNA, UNB, UNH (``header`` appended to it, e.g. ``"+COMMON+01:C"``), UNT with the right
    count, UNZ. ``messages`` > 1 repeats the message with refs M1, M2..."""
    segs = [f"UNB+UNOA:4+SENDER:ZZ+RECEIVER:ZZ+{date}+IC1++APIS"]
    for i in range(messages):
        r = ref if messages == 1 else f"M{i + 1}"
        segs += [f"UNH+{r}+PAXLST:D:05B:UN:IATA{header}", *body, f"UNT+{len(body) + 2}+{r}"]
    segs.append(f"UNZ+{messages}+IC1")
    return (una + sep if una else "") + sep.join(s + "'" for s in segs) + sep


@pytest.fixture
def edi() -> SimpleNamespace:
    """The message factory: ``edi.message(*edi.FLIGHT, *edi.pax())``."""
    return SimpleNamespace(message=message, pax=pax, FLIGHT=FLIGHT)


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES_DIR


@pytest.fixture
def gtas_dir() -> Path:
    if not GTAS_DIR.is_dir():
        pytest.skip(f"GTAS samples not found at {GTAS_DIR} (the shared/ folder beside the repo)")
    return GTAS_DIR
