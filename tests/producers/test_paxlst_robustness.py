"""PAXLST parsing never crashes: arbitrary bytes and mutated valid messages either read to
manifests or raise `InvalidMessage`, never anything else (hypothesis, modest example counts)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxscreen.errors import InvalidMessage
from producers.paxlst import Manifest, assemble, parse_paxlst

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "paxscreen/samples/paxlst"
RECEIVED = "2024-02-10T12:00:00Z"

SEED = (SAMPLES_DIR / "sn2880_gru_lfw_bru_d05b.edi").read_bytes()
SEED_SEGMENTS = SEED.split(b"'\r\n")


def parses_or_rejects(data: bytes) -> None:
    try:
        manifests = parse_paxlst(data, received_at=RECEIVED)
    except InvalidMessage as exc:
        assert exc.reason
        return
    assert all(isinstance(m, Manifest) for m in manifests)
    assemble(manifests)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    parses_or_rejects(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200).map(lambda b: b"UNB+UNOA:4+A+B+240101:1200+1'UNH+1+PAXLST:D:05B:UN:IATA'" + b))
def test_arbitrary_message_bodies_never_crash(data: bytes) -> None:
    parses_or_rejects(data)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(SEED) - 1), st.binary(min_size=0, max_size=3)), min_size=1, max_size=4
    )
)
def test_byte_edits_never_crash(edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(SEED)
    for at, replacement in edits:
        data[at : at + 1] = replacement
    parses_or_rejects(bytes(data))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(SEED)))
def test_truncation_never_crashes(cut: int) -> None:
    parses_or_rejects(SEED[:cut])


@settings(max_examples=100, deadline=None)
@given(st.sets(st.integers(0, len(SEED_SEGMENTS) - 1), min_size=1, max_size=5))
def test_segment_deletion_never_crashes(drop: set[int]) -> None:
    parses_or_rejects(b"'\r\n".join(s for i, s in enumerate(SEED_SEGMENTS) if i not in drop))
