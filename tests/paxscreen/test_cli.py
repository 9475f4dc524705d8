"""The command line as a user runs it: exit codes, messages that say where, the batch screen
against the demo answer key (with a real embedded redis-server, no broker)."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from paxscreen.cli import main
from paxscreen.models import WatchEntry

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "paxscreen" / "samples"
GTAS = ROOT.parent / "shared" / "samples" / "gtas"


def test_parse_prints_one_json_object_per_traveller(capsys) -> None:
    assert main(["parse", str(SAMPLES / "paxlst" / "demo_et507_gru_lfw.edi")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 16
    t = orjson.loads(lines[0])
    assert set(t) >= {"flight", "surname", "given_names", "date_of_birth", "sex", "nationality", "document",
                      "embarkation", "debarkation", "pnr_locator", "seat"}
    assert t["flight"]["number"] == "ET507" and t["flight"]["departure_airport"] == "GRU"


@pytest.mark.skipif(not GTAS.is_dir(), reason="../shared/samples/gtas not present")
def test_parse_reassembles_across_files_and_reads_gtas(capsys) -> None:
    assert main(["parse", str(GTAS / "paxlst_d02b_crew.edi"), str(SAMPLES / "paxlst")]) == 0
    rows = [orjson.loads(x) for x in capsys.readouterr().out.splitlines()]
    crew = [r for r in rows if r["flight"]["number"] == "UA0989"]
    assert len(crew) == 8 and {r["document"]["number"] for r in crew} == {"123456789"}
    ux = [r for r in rows if r["flight"]["number"] == "UX072"]
    assert len(ux) == 5  # two parts, one manifest


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"hello world", "PAXLST"),
        (b"UNA:+.? 'UNB+UNOA:4+X+Y+261201:0600+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'"
         b"TDT+20+XZ1'LOC+125+GRU'DTM+189:2613011000:201'LOC+87+LFW'NAD+FL+++DOE:JOHN'CNT+42:1'UNT+9+1'UNZ+1+1'",
         "DTM"),
    ],
)
def test_parse_bad_input_says_where_and_exits_non_zero(tmp_path, capsys, data: bytes, needle: str) -> None:
    f = tmp_path / "bad.edi"
    f.write_bytes(data)
    assert main(["parse", str(f)]) == 2
    err = capsys.readouterr().err
    assert str(f) in err and needle in err


def test_missing_file_is_a_clear_error(capsys) -> None:
    assert main(["parse", "/no/such/file.edi"]) == 2
    assert "/no/such/file.edi" in capsys.readouterr().err


def test_commands_needing_a_stack_explain_how_to_get_one(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("PAXSCREEN_KAFKA_BOOTSTRAP", raising=False)
    monkeypatch.delenv("PAXSCREEN_REDIS_URL", raising=False)
    monkeypatch.setenv("PAXSCREEN_STATE_DIR", str(tmp_path))
    assert main(["watchlist", "status"]) == 2
    assert "paxscreen dev" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "two"])
def test_a_bad_number_of_load_workers_is_a_clear_error(capsys, value: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["watchlist", "load", "list.jsonl", "--workers", value])
    assert exc.value.code == 2
    assert "--workers" in capsys.readouterr().err


def test_screen_finds_the_answer_key(tmp_path, capsys, monkeypatch) -> None:
    import tempfile

    monkeypatch.delenv("PAXSCREEN_REDIS_URL", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where its redis-server's directory goes
    key = json.loads((SAMPLES / "demo_answer_key.json").read_text())
    out = tmp_path / "alerts.jsonl"
    args = ["screen", "--output", str(out), "--manifests"]
    args += [str(SAMPLES / m["file"]) for m in key["manifests"]]
    for wl in key["watchlists"]:
        args += ["--watchlist", str(SAMPLES / wl)]
    assert main(args) == 0
    summary = capsys.readouterr().out
    assert "screened 49 travellers" in summary
    got = {(a["passenger"]["surname"], a["entry_id"], a["kind"]) for a in map(orjson.loads, out.read_text().splitlines())}
    want = {(a["surname"], a["entry_id"], a["kind"]) for m in key["manifests"] for a in m["alerts"] + m["csv_alerts"]}
    assert got == want
    assert not list(tmp_path.glob("paxscreen-dev-*"))  # its private redis-server's directory removed
    assert all(a["event_time"] is None and a["source"] in ("paxlst", "pnrgov")
               for a in map(orjson.loads, out.read_text().splitlines()))  # as the README's alert contract says


def test_screen_against_a_configured_redis_leaves_its_lists_alone(server, tmp_path, capsys, monkeypatch) -> None:
    from matchers.store import WatchlistStore

    monkeypatch.setenv("PAXSCREEN_REDIS_URL", server.url)
    monkeypatch.setenv("PAXSCREEN_TOPIC_PREFIX", "live")
    live = WatchlistStore(server.client(), prefix="live")
    live.load([WatchEntry("w-1", names=("Ousmane Camara",), birth_dates=("1980-02-03",))])  # the workers' 'default'
    before = live.status()
    keys = set(server.client().keys("*"))
    key = json.loads((SAMPLES / "demo_answer_key.json").read_text())
    args = ["screen", "--output", str(tmp_path / "alerts.jsonl"), "--watchlist", str(SAMPLES / key["watchlists"][0]),
            "--manifests", str(SAMPLES / key["manifests"][0]["file"])]
    assert main(args) == 0 and "screened" in capsys.readouterr().out
    assert (tmp_path / "alerts.jsonl").read_text()  # screened against the file's list, not the live one
    assert live.status() == before and set(server.client().keys("*")) == keys  # nothing replaced, nothing left


@pytest.mark.parametrize("argv", [["--verbose", "parse", "/no/such.edi"], ["parse", "--verbose", "/no/such.edi"],
                                  ["parse", "/no/such.edi", "-v"]])
def test_verbose_before_or_after_the_command_shows_the_traceback(capsys, argv) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().endswith("paxscreen parse: error: '/no/such.edi': no such file or directory")


def test_without_verbose_an_error_is_one_line(capsys) -> None:
    assert main(["parse", "/no/such.edi"]) == 2
    assert capsys.readouterr().err == "paxscreen parse: error: '/no/such.edi': no such file or directory\n"


@pytest.mark.parametrize(("argv", "needle"), [
    (["parse"], "Print one JSON object per traveller"),
    (["watchlist", "load"], "Load a FollowTheMoney JSONL or CSV file"),
    (["rules", "check"], "Validate a rules file without loading"),
])
def test_each_command_s_help_describes_it(capsys, argv, needle) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    usage, _, rest = capsys.readouterr().out.partition("\n\n")
    assert rest.startswith(needle)


def test_a_reader_that_closes_the_pipe_ends_the_command_quietly(tmp_path) -> None:
    """`paxscreen parse FILE | head -1`: no BrokenPipeError traceback, the exit status of cat."""
    import os
    import subprocess
    import sys

    from e2e.scenario import manifests

    for name, data in manifests(n_flights=20, pax_per_flight=40)[0]:
        (tmp_path / name).write_bytes(data)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "paxscreen", "parse", str(tmp_path)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b'{"schema":"paxscreen.traveller/1"')
    proc.stdout.close()
    assert proc.wait(60) == 141
    assert proc.stderr.read().decode() == ""


@pytest.fixture
def no_broker(monkeypatch, tmp_path) -> str:
    """PAXSCREEN_KAFKA_BOOTSTRAP at a loopback port nothing listens on."""
    from paxscreen import console
    from paxscreen.devstack import free_port

    bootstrap = f"127.0.0.1:{free_port()}"
    monkeypatch.setenv("PAXSCREEN_KAFKA_BOOTSTRAP", bootstrap)
    monkeypatch.setenv("PAXSCREEN_STATE_DIR", str(tmp_path))
    monkeypatch.setattr(console, "CHECK_TIMEOUT", 1.5)  # the console's wait for a first answer
    return bootstrap


@pytest.mark.parametrize("extra", [[], ["--idle-timeout", "1"], ["--airport", "BRU", "--idle-timeout", "1"]])
def test_alerts_without_a_broker_says_so_in_one_line_and_exits_3(no_broker, capfd, monkeypatch, extra) -> None:
    """librdkafka's own FAIL lines (written to fd 2 unless routed through logging) stay out."""
    import functools

    from paxscreen import kafka, taskforce

    # --airport first creates the task-force topics, which asks the broker the same way
    monkeypatch.setattr(taskforce, "ensure_named_topics", functools.partial(kafka.ensure_named_topics, timeout=1.5))
    assert main(["alerts", *extra]) == 3
    err = capfd.readouterr().err
    assert err.startswith(f"paxscreen alerts: unavailable: Kafka at {no_broker!r} is not reachable: ")
    assert len(err.splitlines()) == 1 and "FAIL" not in err


@pytest.mark.parametrize("verbose", [True, False])
def test_librdkafka_s_own_lines_are_logged_with_verbose_only(no_broker, caplog, verbose) -> None:
    assert main(["alerts", *(["--verbose"] if verbose else [])]) == 3
    lines = [r.getMessage() for r in caplog.records if r.name == "paxscreen.librdkafka"]
    assert any(line.startswith("FAIL ") for line in lines) is verbose


def test_a_second_worker_on_the_metrics_port_says_so_and_exits_2(monkeypatch, capsys) -> None:
    import socket

    monkeypatch.setenv("PAXSCREEN_KAFKA_BOOTSTRAP", "127.0.0.1:1")  # never reached: the port is checked first
    monkeypatch.setenv("PAXSCREEN_REDIS_URL", "redis://127.0.0.1:1/0")
    with socket.socket() as first:  # the first worker's metrics server
        first.bind(("0.0.0.0", 0))
        first.listen()
        port = first.getsockname()[1]
        assert main(["worker", "--metrics-port", str(port)]) == 2
    assert capsys.readouterr().err == (
        f"paxscreen worker: error: metrics port {port} is in use (another worker on this host?): give each worker "
        "its own PAXSCREEN_METRICS_PORT (or --metrics-port), or 0 for none\n")


def test_screen_with_a_bad_watchlist_line_screens_the_rest_and_exits_2(tmp_path, capsys, monkeypatch) -> None:
    """As `watchlist load` of the same file does; a file of which nothing was loaded too."""
    monkeypatch.delenv("PAXSCREEN_REDIS_URL", raising=False)
    wl = tmp_path / "bad.csv"
    wl.write_text("name,birth_date,nationality\nMamadou Diallo,1985-07-22,GMB\nNo Date,1985-13-45,GMB\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("name\n")
    out = tmp_path / "alerts.jsonl"
    manifest = str(SAMPLES / "paxlst" / "demo_et507_gru_lfw.edi")
    assert main(["screen", "--watchlist", str(wl), "--manifests", manifest, "--output", str(out)]) == 2
    text = capsys.readouterr()
    assert f"error: {wl}:3: " in text.err and "1 bad watchlist line(s) or file(s)" in text.out
    assert any(a["entry_id"] for a in map(orjson.loads, out.read_text().splitlines()))  # the good line screened
    assert main(["screen", "--watchlist", str(wl), "--watchlist", str(empty),
                 "--manifests", manifest, "--output", str(out)]) == 2
    assert f"error: {empty}: not loaded: no entry to load" in capsys.readouterr().err


def test_parse_of_a_directory_leaves_its_documentation_out_and_names_each_warning_s_file(tmp_path, capsys) -> None:
    good = (SAMPLES / "paxlst" / "demo_et507_gru_lfw.edi").read_bytes()
    (tmp_path / "SOURCES.md").write_text("# Where these samples come from\n")
    (tmp_path / "README").write_text("airline files of 2026-12-04\n")
    (tmp_path / "et507.txt").write_bytes(good + b"\nforwarded by ops")  # a .txt is read: airlines send them
    assert main(["parse", str(tmp_path)]) == 0
    out = capsys.readouterr()
    assert len(out.out.splitlines()) == 16  # one flight, its travellers once
    assert (f"note: 2 documentation file(s) in the directories given left out: {tmp_path / 'README'}, "
            f"{tmp_path / 'SOURCES.md'} (name a file to read it)") in out.err
    assert f"warning: {tmp_path / 'et507.txt'}: 16 characters after UNZ ignored" in out.err.splitlines()
    assert main(["parse", str(tmp_path / "SOURCES.md")]) == 2  # named, it is read (and is no message)
