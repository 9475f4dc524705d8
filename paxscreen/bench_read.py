"""What reading an airline's message costs a worker, per traveller: ``python -m paxscreen.bench_read``.

The ingest agent reads each PAXLST message (`producers.decode.read_message`: tokenizer,
segment reader, dates, traveller ids) and encodes each traveller as an event
(`paxscreen.codec.encode_traveller`); the screening side decodes it again. For a traveller
pushed again, answered from kept screenings, that is most of what a worker does. This
generates seeded manifests (`paxscreen.bench_data.manifests`, written by
`producers.paxlst_writer` as the bench's producer sends them), reads ``--warm`` travellers
first (the memos of dates and flights fill as in a running worker), then times reading,
encoding and decoding the next ``--travellers``. No broker, no Redis. The last line on stdout
is one JSON object.

Time on a shared machine moves by ±15% between two runs. For smaller changes, count
instructions (only the reading is counted)::

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=cg.out \\
        python -m paxscreen.bench_read --travellers 4000 --instructions
    callgrind_annotate cg.out | grep "PROGRAM TOTALS"
"""

from __future__ import annotations

import argparse
import sys
import time

import orjson


def measure(travellers: int, warm: int, per_flight: int, seed: int, *, instructions: bool = False) -> dict:
    from paxscreen import bench_data as bd
    from paxscreen.bench_phases import instrument
    from paxscreen.codec import decode_traveller, encode_traveller
    from producers.decode import read_message
    from producers.paxlst_writer import Envelope, write_paxlst

    messages = [write_paxlst(flight, ts, Envelope(reference=f"R{i:08d}"))
                for i, (flight, ts, _) in enumerate(bd.manifests(seed, warm + travellers, per_flight=per_flight))]
    first = (warm + per_flight - 1) // per_flight
    for m in messages[:first]:
        read_message(m)
    timed = messages[first:]
    if instructions:
        instrument(True)
    t0 = time.process_time()
    read = [read_message(m).travellers for m in timed]
    t1 = time.process_time()
    if instructions:
        instrument(False)
    events = [encode_traveller(t) for ts in read for t in ts]
    t2 = time.process_time()
    for e in events:
        decode_traveller(e)
    t3 = time.process_time()
    n = len(events)
    return {
        "travellers": n,
        "messages": len(timed),
        "bytes_per_traveller": round(sum(map(len, timed)) / max(1, n)),
        "read_us_per_traveller": round((t1 - t0) / max(1, n) * 1e6, 1),
        "encode_us_per_traveller": round((t2 - t1) / max(1, n) * 1e6, 1),
        "decode_us_per_traveller": round((t3 - t2) / max(1, n) * 1e6, 1),
        "read_travellers_per_s": round(n / (t1 - t0)) if t1 > t0 else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m paxscreen.bench_read", description=__doc__.split("\n\n")[0])
    parser.add_argument("--travellers", type=int, default=20_000, help="travellers timed (20,000)")
    parser.add_argument("--warm", type=int, default=20_000, help="travellers read first, untimed (20,000)")
    parser.add_argument("--per-flight", type=int, default=200, help="travellers per manifest (200)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--instructions", action="store_true",
                        help="count the reading's instructions: run under valgrind --tool=callgrind "
                             "--instr-atstart=no, then callgrind_annotate its output")
    args = parser.parse_args(argv)
    if args.travellers < 1 or args.warm < 0 or args.per_flight < 1:
        parser.error("--travellers and --per-flight must be at least 1, --warm at least 0")
    print(orjson.dumps(measure(args.travellers, args.warm, args.per_flight, args.seed,
                               instructions=args.instructions)).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
