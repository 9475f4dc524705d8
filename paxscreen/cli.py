"""The `paxscreen` command line: one entry point, a sub-command per job.

Errors are one clear line on stderr and a non-zero exit (2 for bad input or usage, 3 for an
unavailable dependency); ``--verbose`` adds the traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import signal
import sys
import time
import traceback
from typing import Any

from paxscreen.errors import ConfigError, InvalidMessage, InvalidRecord, PaxscreenError, Unavailable
from paxscreen.settings import Settings, dev_state_path, from_env

log = logging.getLogger("paxscreen")

EXIT_INPUT = 2
EXIT_UNAVAILABLE = 3


def _settings(args: argparse.Namespace, *, need_kafka: bool = False, need_redis: bool = False) -> Settings:
    """Settings from the environment; addresses not given come from the running dev stack."""
    s = from_env()
    missing = (need_kafka and not s.kafka_bootstrap) or (need_redis and not s.redis_url)
    return s.with_stack() if missing else s


# --- sub-commands -----------------------------------------------------------------------------


def cmd_dev(args: argparse.Namespace) -> int:
    from paxscreen.devstack import start_stack
    from paxscreen.kafka import ensure_topics

    base = from_env()
    state_path = dev_state_path(base)
    stack = start_stack()
    try:
        s = dataclasses.replace(base, kafka_bootstrap=stack.kafka_bootstrap, redis_url=stack.redis_url)
        ensure_topics(s)
        state_path.parent.mkdir(parents=True, exist_ok=True)
        state_path.write_text(
            json.dumps({"pid": os.getpid(), "kafka_bootstrap": s.kafka_bootstrap, "redis_url": s.redis_url})
        )
        print("paxscreen dev stack is up:")
        print(f"  export PAXSCREEN_KAFKA_BOOTSTRAP={s.kafka_bootstrap}")
        print(f"  export PAXSCREEN_REDIS_URL={s.redis_url}")
        print(f"  topics: {', '.join(s.topic(t) for t in ('raw', 'travellers', 'alerts', 'deadletter'))}")
        print(f"  logs: {stack.workdir} (kept when it stops)")
        print(f"  (other paxscreen commands in this directory find it via {state_path}); Ctrl-C stops it.")
        sys.stdout.flush()
        stopping = False

        def _stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        while not stopping:
            dead = stack.alive()
            if dead:
                print(f"paxscreen dev: {', '.join(dead)} stopped unexpectedly; see {stack.workdir}", file=sys.stderr)
                return EXIT_UNAVAILABLE
            time.sleep(0.5)
        print("stopping the dev stack")
        return 0
    finally:
        stack.stop()
        if state_path.exists():
            state_path.unlink()


def cmd_parse(args: argparse.Namespace) -> int:
    from paxscreen.jobs import parse_files, require_input

    require_input(args.files)
    _, errors = parse_files(args.files, sys.stdout, sys.stderr)
    return EXIT_INPUT if errors else 0


def cmd_produce(args: argparse.Namespace) -> int:
    from paxscreen.jobs import produce_files, require_input

    require_input(args.files)
    n, bad = produce_files(_settings(args, need_kafka=True), args.files, sys.stderr)
    print(f"published {n} message(s) ({bad} unreadable, sent for dead-lettering)", file=sys.stderr)
    return 0


def cmd_watchlist_load(args: argparse.Namespace) -> int:
    from paxscreen.jobs import load_watchlist

    outcome = load_watchlist(
        _settings(args, need_redis=True), args.file, list_name=args.list, strict=args.strict,
        show_progress=not args.quiet, workers=args.workers, format=args.format, skip_topics=args.skip_topics,
        date_order=args.date_order,
    )
    for e in outcome.errors:
        print(f"error: {e}", file=sys.stderr)
    for dropped in outcome.stats.dropped if outcome.stats is not None else ():
        print(f"warning: {dropped}", file=sys.stderr)
    if outcome.report is None:
        why = outcome.refused or f"{len(outcome.errors)} bad line(s) and --strict"
        print(f"not loaded: {why}", file=sys.stderr)
        for note in _load_notes(outcome):
            print(f"note: {note}", file=sys.stderr)
        return EXIT_INPUT
    r = outcome.report
    print(
        f"loaded list {r.list_name!r} version {r.version}: {r.persons} persons, {r.documents} stolen/lost documents, "
        f"{getattr(r, 'document_numbers', '?')} document numbers indexed in {outcome.seconds:.2f} s"
        + (f"; {len(outcome.errors)} bad line(s) skipped" if outcome.errors else "")
    )
    if (old := outcome.replaced) is not None:
        src = f" from {old['source']!r}" if old.get("source") else ""
        print(f"note: replaced list {r.list_name!r} (was {old['persons']} persons, {old['documents']} stolen/lost "
              f"documents loaded {old['loaded_at']}{src}); --list NAME loads a file as a list of its own, beside "
              "the others", file=sys.stderr)
    for note in _load_notes(outcome):
        print(f"note: {note}", file=sys.stderr)
    if args.retro:
        from paxscreen.retro import run_after_load

        try:
            retro_settings = _settings(args, need_kafka=True, need_redis=True)
        except ConfigError:
            print("retro-screening skipped: no Kafka configured (PAXSCREEN_KAFKA_BOOTSTRAP)", file=sys.stderr)
        else:
            print(run_after_load(retro_settings, args.list, r).line())
    return EXIT_INPUT if outcome.errors else 0


def _load_notes(outcome) -> list[str]:
    """What a load read but did not keep, for the analyst to check the file (no entry's data)."""
    st, notes = outcome.stats, []
    if st is not None:  # None: refused by --strict before reading
        if st.skipped:
            kinds = ", ".join(f"{k} {n}" for k, n in st.skipped_schemata.most_common(5))
            notes.append(f"{st.skipped} entities of schemata not screened were skipped ({kinds})")
        if st.skipped_by_topics:
            topics = ", ".join(f"{k} {n}" for k, n in st.skipped_topics.most_common(5))
            held = f", with {st.skipped_topic_documents} documents they hold" if st.skipped_topic_documents else ""
            notes.append(f"{st.skipped_by_topics} persons whose topics are all skipped ({topics}) were not loaded{held}; "
                         "--skip-topics '' loads everyone")
        if st.topics_unknown:
            notes.append("the file has no topics column: persons listed only as PEPs or their relatives cannot be told "
                         "apart and are all loaded (OpenSanctions' FtM JSON export has their topics)")
        notes += _date_notes(st)
        if st.held_by_non_persons:
            kinds = ", ".join(f"{k} {n}" for k, n in st.held_by_non_persons.most_common(5))
            notes.append(f"{st.held_by_non_persons.total()} documents held by entities that are not persons ({kinds}) "
                         "were not screened: they are no traveller's stolen or lost document")
        if st.dropped_values:
            more = st.dropped_values - len(st.dropped)
            notes.append(f"{st.dropped_values} property values could not be read and were left out"
                         + (f" ({len(st.dropped)} shown above, {more} more)" if more else ""))
        if st.ignored_columns:
            shown = ", ".join(repr(c) for c in st.ignored_columns[:8])
            notes.append(f"columns not understood, ignored: {shown} (docs/watchlist-csv.md lists the columns)")
    if outcome.duplicate_ids:
        notes.append(f"{outcome.duplicate_ids} entries repeat an id read before; the last of each is kept")
    return notes


def _date_notes(st) -> list[str]:
    """How CSV birth dates such as 01/02/1980 were read, where the user may need to know."""
    if st.date_order_source == "default":
        return [f"{st.dates_either_way} birth dates could be day or month first (DD/MM/YYYY or MM/DD/YYYY) and "
                "no date in the file tells which: they were read day first; if the file writes month first, as "
                "US exports do, load it again with --date-order mdy"]
    if st.date_order_source != "file":
        return []
    month_first = st.date_order == "mdy"
    told, against = (st.dates_month_first, st.dates_day_first) if month_first else (st.dates_day_first,
                                                                                    st.dates_month_first)
    if not (month_first or against):
        return []  # day first, as documented, and no date says otherwise
    shape = "month first (MM/DD/YYYY)" if month_first else "day first (DD/MM/YYYY)"
    return [f"birth dates were read {shape}: {told} of them can only be read so"
            + (f"; {against} that can only be read the other way were rejected as bad lines" if against else "")
            + " (--date-order dmy|mdy gives the order)"]


def cmd_watchlist_status(args: argparse.Namespace) -> int:
    from matchers.store import INDEX_FORMAT
    from paxscreen.jobs import watchlist_status

    lists = watchlist_status(_settings(args, need_redis=True))
    if args.json:
        print(json.dumps(lists, indent=2, default=str))
        return 0
    if not lists:
        print("no watchlist loaded (paxscreen watchlist load FILE)")
        return 1
    for st in lists:
        print("  ".join(f"{k}={v}" for k, v in st.items()))
    for st in lists:
        if st.get("index_format") != INDEX_FORMAT:
            print(f"note: list {st['name']!r} was keyed by an older paxscreen ({st.get('index_format')}): names "
                  "spelled otherwise than then are missed; load it again", file=sys.stderr)
    return 0


def cmd_watchlist_remove(args: argparse.Namespace) -> int:
    from paxscreen.jobs import remove_watchlist

    remove_watchlist(_settings(args, need_redis=True), args.list)
    print(f"removed list {args.list!r}: travellers are no longer screened against it")
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    from paxscreen.jobs import require_input, screen_files

    require_input([*args.watchlist, *args.manifests])
    s = from_env()
    out = open(args.output, "w") if args.output and args.output != "-" else sys.stdout  # noqa: SIM115
    try:
        summary = screen_files(s, args.watchlist, args.manifests, out, sys.stderr)
    finally:
        if out is not sys.stdout:
            out.close()
    print(summary.line(), file=sys.stderr if out is sys.stdout else sys.stdout)
    # what could be read was screened; the rest was bad input, as in `parse` and `watchlist load`
    return EXIT_INPUT if summary.errors or summary.watchlist_errors else 0


def cmd_alerts(args: argparse.Namespace) -> int:
    from paxscreen.console import follow_alerts, print_alerts

    s = _settings(args, need_kafka=True)
    if args.airport:
        from paxscreen.taskforce import follow_taskforce

        # each task force reads only its own airports' topics (<prefix>.taskforce.<IATA>)
        alerts = follow_taskforce(s, args.airport, from_beginning=not args.new, idle_timeout=args.idle_timeout)
    else:
        alerts = follow_alerts(s, from_beginning=not args.new, idle_timeout=args.idle_timeout)
    try:
        print_alerts(alerts, args.airport or (), args.json)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from paxscreen.jobs import run_worker

    s = _settings(args, need_kafka=True, need_redis=True)
    if args.metrics_port is not None:
        s = dataclasses.replace(s, metrics_port=args.metrics_port)
    run_worker(s, verbose=args.verbose)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from paxscreen.compare import compare_pairs, compare_values, format_result

    s = from_env()
    if args.pairs:
        if args.a or args.b:
            raise PaxscreenError("give either two records or --pairs FILE, not both")
        if args.pairs == "-":
            bad = compare_pairs(sys.stdin.buffer, s, sys.stdout, "stdin")
        else:
            with open(args.pairs, "rb") as fh:
                bad = compare_pairs(fh, s, sys.stdout, args.pairs)
        return EXIT_INPUT if bad else 0
    if not (args.a and args.b):
        raise PaxscreenError("give two names or JSON records (or --pairs FILE)")
    result = compare_values(args.a, args.b, s)
    print(json.dumps(result, ensure_ascii=False) if args.json else format_result(result))
    return 0


def cmd_deadletter(args: argparse.Namespace) -> int:
    from paxscreen.deadletters import run

    return run(_settings(args, need_kafka=True), args)


def cmd_demo(args: argparse.Namespace) -> int:
    from paxscreen.demo import run_demo

    if not args.verbose:
        logging.getLogger().setLevel(logging.WARNING)
    return run_demo(from_env(), timeout=args.timeout)


# --- parser -----------------------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n} is not at least 1")
    return n


def _topics(text: str) -> tuple[str, ...]:
    from matchers.watchlist import parse_topics

    return parse_topics(text)


class _SubCommands(argparse._SubParsersAction):
    """Sub-commands whose ``--help`` describes them: the one-line help, unless a description is given."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        if kwargs.get("help") and "description" not in kwargs:
            kwargs["description"] = kwargs["help"][0].upper() + kwargs["help"][1:] + "."
        return super().add_parser(name, **kwargs)


class _Parser(argparse.ArgumentParser):
    """Every (sub-)command takes ``--verbose``, before or after its name (``paxscreen parse
    --verbose FILE``); a sub-command's default is left unset so it never undoes the top's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _SubCommands)
        self.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                          help="debug logging, and the traceback of an error")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="paxscreen",
        description="Real-time passenger screening: airline API/PNR feeds in, explained alerts out.",
        epilog="Exit codes: 0 done; 2 bad input or usage (what is wrong and where is printed; also when no "
               "`paxscreen dev` stack is running and PAXSCREEN_KAFKA_BOOTSTRAP/PAXSCREEN_REDIS_URL are not set); "
               "3 Kafka or Redis unreachable. `paxscreen COMMAND --help` describes each command.",
    )
    p.set_defaults(verbose=False)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sp = sub.add_parser("dev", help="start the embedded broker + redis-server (Ctrl-C stops)")
    sp.set_defaults(func=cmd_dev)

    sp = sub.add_parser("demo", help="the whole pipeline on the embedded stack with sample data")
    sp.add_argument("--timeout", type=float, default=180.0, help="give up after this many seconds")
    sp.set_defaults(func=cmd_demo)

    sp = sub.add_parser("parse", help="print one JSON object per traveller (PAXLST) or booking (PNRGOV)")
    sp.add_argument("files", nargs="+", metavar="FILE", help="files, directories or - for stdin")
    sp.set_defaults(func=cmd_parse)

    sp = sub.add_parser("produce", help="publish airline files to the raw topic")
    sp.add_argument("files", nargs="+", metavar="FILE", help="files, directories or - for stdin")
    sp.set_defaults(func=cmd_produce)

    sp = sub.add_parser("worker", help="run the screening worker (Faust)")
    sp.add_argument("--metrics-port", type=int, default=None,
                    help="Prometheus port (default PAXSCREEN_METRICS_PORT, 9108; 0 = off): each worker on a host "
                         "needs its own")
    sp.set_defaults(func=cmd_worker)

    sp = sub.add_parser("screen", help="screen manifest files against watchlist files, no broker")
    sp.add_argument("--watchlist", action="append", required=True, metavar="FILE", help="FtM JSONL or CSV (repeatable)")
    sp.add_argument("--manifests", nargs="+", required=True, metavar="FILE", help="PAXLST files or directories")
    sp.add_argument("--output", "-o", default="-", metavar="FILE", help="alerts JSONL (default stdout)")
    sp.set_defaults(func=cmd_screen)

    sp = sub.add_parser("compare", help="would these two match, and why? (names or JSON records)")
    sp.add_argument("a", nargs="?", help="a name, or a JSON record (FtM entity, traveller, flat record)")
    sp.add_argument("b", nargs="?", help="the other name or JSON record")
    sp.add_argument("--pairs", metavar="FILE", help='JSON lines {"a": ..., "b": ...}; one result per line')
    sp.add_argument("--json", action="store_true", help="print the result as JSON")
    sp.set_defaults(func=cmd_compare)

    sp = sub.add_parser("evaluate", help="labelled synthetic benchmark: recall per class, false alerts, logic-v2")
    from paxscreen import evaluate as _evaluate

    _evaluate.add_arguments(sp)
    sp.set_defaults(func=_evaluate.run)

    sp = sub.add_parser("bench", help="throughput/latency benchmark on the embedded stack (see docs/benchmarks.md)")
    from paxscreen import bench as _bench

    _bench.add_arguments(sp)
    sp.set_defaults(func=_bench.run)

    sp = sub.add_parser("alerts", help="follow alerts live, for a task force's airports")
    sp.add_argument("--airport", action="append", metavar="IATA", help="only alerts touching this airport (repeatable)")
    sp.add_argument("--json", action="store_true", help="print the alert JSON instead of a line")
    sp.add_argument("--new", action="store_true", help="only alerts from now on (default: from the beginning)")
    sp.add_argument("--idle-timeout", type=float, default=None, metavar="SECONDS",
                    help="stop after this many seconds without a new alert, counted from when the console has "
                         "joined its consumer group and got its partitions")
    sp.set_defaults(func=cmd_alerts)

    sp = sub.add_parser("deadletter", help="list unreadable messages and why, or --replay them")
    from paxscreen import deadletters as _deadletters

    _deadletters.add_arguments(sp)
    sp.set_defaults(func=cmd_deadletter)

    from paxscreen import outcomes as _outcomes
    from paxscreen import risk as _risk

    sp = sub.add_parser("rules", help="load, inspect and try targeting rules (risk profiles)")
    _risk.add_arguments(sp)
    sp.set_defaults(func=_risk.run)
    sp = sub.add_parser("disposition", help="record a task force's outcome of an alert")
    _outcomes.add_disposition_arguments(sp)
    sp.set_defaults(func=_outcomes.run_disposition)
    sp = sub.add_parser("report", help="operation report: messages, alerts, dispositions, precision")
    _outcomes.add_report_arguments(sp)
    sp.set_defaults(func=_outcomes.run_report)

    wl = sub.add_parser("watchlist", help="load and inspect watchlists in Redis")
    wsub = wl.add_subparsers(dest="wl_command", required=True, metavar="ACTION")
    sp = wsub.add_parser(
        "load", help="load a FollowTheMoney JSONL or CSV file as a new version",
        description="Load a FollowTheMoney JSONL or CSV file as a new version of a list (--list; 'default' when "
                    "not given), switch to it atomically and drop the list's previous version: a second file "
                    "loaded without --list replaces the first. Travellers are screened against every list.")
    sp.add_argument("file", metavar="FILE", help="the file, or - for standard input (then give --format)")
    sp.add_argument("--list", default="default", metavar="NAME",
                    help="the list to load into (default: %(default)s); each list is versioned separately, and "
                         "loading into a list replaces its previous version")
    sp.add_argument("--strict", action="store_true", help="load nothing if any line is bad")
    sp.add_argument("--format", choices=("ftm", "csv"), default=None,
                    help="ftm (FollowTheMoney JSON lines) or csv; default: from the file name (needed for -)")
    sp.add_argument(
        "--skip-topics", type=_topics, default=None, metavar="TOPICS",
        help="comma-separated FtM topics: a person whose topics are all among them is not loaded (a topic covers "
             "its sub-topics; default role.*: PEPs, their relatives and associates, other roles; '' loads everyone)",
    )
    sp.add_argument(
        "--date-order", choices=("auto", "dmy", "mdy"), default="auto",
        help="CSV birth dates such as 01/02/1980: day first (dmy) or month first (mdy); default auto: as the "
             "file's other dates tell (13/01 or 01/13), else day first, with a note",
    )
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    sp.add_argument(
        "--workers", type=_positive_int, default=None, metavar="N",
        help="processes that parse and key the entries while one writes to Redis (default: one per CPU, at most 4)",
    )
    sp.add_argument(
        "--no-retro", dest="retro", action="store_false",
        help="do not re-screen recent travellers against the added entries",
    )
    sp.set_defaults(func=cmd_watchlist_load)
    sp = wsub.add_parser("remove", help="stop screening against a list and delete it")
    sp.add_argument("list", metavar="LIST", help="the list's name (paxscreen watchlist status shows them)")
    sp.set_defaults(func=cmd_watchlist_remove)
    sp = wsub.add_parser("status", help="active version and counts of each list")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_watchlist_status)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("faust", "aiokafka", "mode", "kafka"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    # librdkafka's lines (paxscreen.kafka.LIBRDKAFKA_LOG): a command says what failed in one line
    shown = args.verbose or args.command == "worker"
    logging.getLogger("paxscreen.librdkafka").setLevel(logging.NOTSET if shown else logging.CRITICAL + 1)
    try:
        return int(args.func(args) or 0)
    except (InvalidMessage, InvalidRecord, ConfigError) as exc:
        return _failed(args, "error", exc, EXIT_INPUT)
    except Unavailable as exc:
        return _failed(args, "unavailable", exc, EXIT_UNAVAILABLE)
    except PaxscreenError as exc:
        return _failed(args, "error", exc, EXIT_INPUT)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_gone()
    except Exception as exc:
        import redis

        if isinstance(exc, redis.ConnectionError):
            return _failed(args, "unavailable", f"Redis: {exc}", EXIT_UNAVAILABLE)
        raise


def _failed(args: argparse.Namespace, what: str, exc: object, code: int) -> int:
    """One line saying what is wrong; with ``--verbose``, the traceback before it."""
    if args.verbose:
        traceback.print_exc(file=sys.stderr)
    print(f"paxscreen {args.command}: {what}: {exc}", file=sys.stderr)
    return code


def _reader_gone() -> int:
    """Standard output's reader closed the pipe (``paxscreen parse FILE | head -1``): stop
    quietly, as ``cat`` does (128 + SIGPIPE), with nothing left to flush at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stdout)
        pass
    return 141


if __name__ == "__main__":
    sys.exit(main())
