"""The Redis watchlist store, against a real redis-server (session fixture in conftest.py)."""

from __future__ import annotations

import dataclasses
import random
import threading

import orjson
import pytest
import redis
from matcher_factories import VARIATIONS, listed_people, pax, person, stolen, vary

from matchers import token_props
from matchers.index import NAME_ARRAYS
from matchers.keys import digest, name_keys
from matchers.names import parse_name
from matchers.store import INDEX_FORMAT, WatchlistStore, decode_entry, encode_entry
from matchers.store_load import NameParts, prepare

BUCKETS = 256  # small, so tests also exercise many entries per bucket


def listing(dataset: str = "A", n: int = 40) -> list:
    rnd = random.Random(3)
    given = ["Mohamed", "Ousmane", "Youssef", "John", "Maria", "Juan", "Olena", "Wei", "Ibrahima", "Fatou"]
    family = ["Diallo", "Camara", "Traoré", "Smith", "García", "de la Cruz", "Шевченко", "Wang", "Ndiaye", "Müller"]
    out = [
        person(f"{rnd.choice(given)} {rnd.choice(family)}", dob=f"{1950 + i}-0{1 + i % 9}-1{i % 10}", nat="SEN",
               docs=((f"P{7000000 + i}", "SEN"),), id=f"p{i}", dataset=dataset)
        for i in range(n)
    ]
    out.append(person("Mohammed Jallow", dob="1975", nat="GMB", id="jallow", dataset=dataset))
    out += [stolen(f"XK40930{i:02d}", "FRA", id=f"s{i}") for i in range(10)]
    return out


@pytest.fixture
def store(redis_client, prefix) -> WatchlistStore:
    return WatchlistStore(redis_client, prefix, buckets=BUCKETS)


def version_keys(redis_client, tag: str) -> list:
    return list(redis_client.scan_iter(match=f"{tag}:*", count=1000))


def test_load_reports_counts_and_status(store) -> None:
    seen: list[int] = []
    report = store.load(listing(), list_name="sanctions", progress=seen.append, batch=16)
    assert (report.persons, report.documents, report.document_numbers) == (41, 10, 50)
    assert report.name_keys > 0 and not report.unchanged
    assert seen == [16, 32, 48, 51]
    (row,) = store.status()
    assert row["name"] == "sanctions" and row["version"] == report.version
    assert (row["persons"], row["documents"], row["document_numbers"]) == (41, 10, 50)
    assert row["keys"] > 0 and row["memory_bytes"] > 0 and row["loaded_at"]
    assert row["index_format"] == INDEX_FORMAT


def test_a_small_list_s_memory_is_estimated_too(redis_client, prefix) -> None:
    """With the default 2^19 buckets, a few entries leave nearly every bucket empty: the
    estimate samples the buckets that hold entries (it said None, sampling every 32,768th)."""
    store = WatchlistStore(redis_client, prefix)
    store.load(listing(n=3), list_name="few")
    (row,) = store.status()
    (act,) = store._read_active().values()
    actual = sum(redis_client.memory_usage(k) for k in version_keys(redis_client, act.tag))
    assert 0.5 * actual < row["memory_bytes"] < 2 * actual


def test_a_version_keyed_by_an_older_format_is_read_and_told(store, redis_client, caplog) -> None:
    store.load(listing(), list_name="sanctions")
    pointer = orjson.loads(redis_client.hget(store.lists_key, "sanctions"))
    del pointer["index_format"]  # as paxscreen wrote it before the format was kept
    redis_client.hset(store.lists_key, "sanctions", orjson.dumps(pointer))
    reader = WatchlistStore(redis_client, prefix=store.prefix, buckets=64)
    with caplog.at_level("WARNING", logger="matchers.store"):
        (found,) = reader.lookup([pax("DIALLO", "MOHAMED")], limit=5)
    assert found and "keyed by an older paxscreen" in caplog.text and "DIALLO" not in caplog.text
    assert [r["index_format"] for r in reader.status()] == ["older"]


def test_entries_round_trip(store) -> None:
    entries = listing()
    store.load(entries)
    assert store.entry("jallow") == entries[-11]
    assert store.entry("s3") == stolen("XK4093003", "FRA", id="s3")
    assert store.entry("nobody") is None
    for e in entries:
        assert decode_entry(encode_entry(e)) == e


def test_candidates_for_a_batch(store) -> None:
    store.load(listing())
    travellers = [
        pax("DIALLO", "MOHAMED", dob="1975-04-02"),  # Mohammed Jallow by spelling variant
        pax("NOBODY", "KNOWN", doc="ZZ9911223"),
        pax("ANOTHER", "NAME", doc="XK4O93OO5", country="FRA"),  # stolen s5, OCR-confused
        pax("ANOTHER", "NAME", doc="P7000039", country="SEN"),  # p39's passport under another name
    ]
    found = store.candidates(travellers, limit=10)
    assert "jallow" in {e.id for e in found[0]}
    assert found[1] == []
    assert [e.id for e in found[2]] == ["s5"]
    assert [e.id for e in found[3]] == ["p39"]


def test_document_candidates_are_never_dropped(store) -> None:
    store.load(listing())
    (found,) = store.lookup([pax("DIALLO", "MOHAMED", doc="XK4093005", country="FRA")], limit=0)
    assert [(c.entry.id, c.document_hit) for c in found] == [("s5", True)]


def test_ranking_prefers_entries_sharing_more_keys(store) -> None:
    store.load([person("John Smith", dob="1970-01-01", id="full"), person("John Smithson Walker", id="partial"),
                person("J Smith", id="initial")])
    (found,) = store.lookup([pax("SMITH", "JOHN", dob="1970-01-01")], limit=1)
    assert [c.entry.id for c in found] == ["full"]
    assert found[0].shared_keys >= 3


def test_each_list_keeps_its_own_best_candidates(store) -> None:
    # a large list's namesakes take no place from a small list's, and a list's candidates are
    # the same whether the others are asked or not
    store.load([person("John Smith", dob="1970-01-01", id="a-full"), person("J Smith", id="a-initial")],
               list_name="a")
    store.load([person("John Smithson Walker", id="b-partial"), person("John Smith", id="b-full")], list_name="b")
    t = pax("SMITH", "JOHN", dob="1970-01-01")
    (found,) = store.lookup([t], limit=1)
    assert sorted(c.entry.id for c in found) == ["a-full", "b-full"]
    for name in ("a", "b"):
        (alone,) = store.lookup([t], limit=1, lists=[name])
        assert [c.entry.id for c in alone] == [c.entry.id for c in found if c.list_name == name]
    assert store.lookup([t], limit=1, lists=[]) == [[]]


def test_reload_of_the_same_content_is_idempotent(store, redis_client) -> None:
    first = store.load(listing())
    keys_before = redis_client.dbsize()
    status_before = store.status()
    again = store.load(listing())
    assert again.version == first.version and again.unchanged
    assert (again.persons, again.documents, again.document_numbers) == (first.persons, first.documents, first.document_numbers)
    assert redis_client.dbsize() == keys_before
    assert [{k: v for k, v in r.items() if k != "memory_bytes"} for r in store.status()] == [
        {k: v for k, v in r.items() if k != "memory_bytes"} for r in status_before
    ]


def test_version_is_content_not_order(store) -> None:
    entries = listing()
    a = store.load(entries).version
    b = store.load(list(reversed(entries))).version
    assert a == b
    assert store.load(entries[:-1]).version != a


def test_new_version_switches_and_old_keys_are_deleted(store, redis_client) -> None:
    store.load(listing("A"))
    old_tag = store._read_active()["default"].tag
    assert version_keys(redis_client, old_tag)
    report = store.load(listing("B")[:-3])
    new_tag = store._read_active()["default"].tag
    assert new_tag != old_tag and report.documents == 7
    assert version_keys(redis_client, old_tag) == []
    assert store.entry("p1").dataset == "B"


def test_several_lists_are_screened_together_and_removed_alone(store, redis_client) -> None:
    store.load([person("Mohammed Jallow", id="a1")], list_name="interpol")
    store.load([person("Mohamed Diallo", id="b1"), stolen("XK4093017", id="b2")], list_name="national")
    (found,) = store.lookup([pax("DIALLO", "MOHAMED")], limit=10)
    assert {(c.entry.id, c.list_name) for c in found} == {("a1", "interpol"), ("b1", "national")}
    assert store.remove_list("interpol") and not store.remove_list("interpol")
    assert [r["name"] for r in store.status()] == ["national"]
    (found,) = store.lookup([pax("DIALLO", "MOHAMED")], limit=10)
    assert [c.entry.id for c in found] == ["b1"]
    assert store.remove_list("national")
    assert redis_client.keys(f"{{{store.prefix}:*") == []


def test_a_reader_never_sees_a_mix_of_versions(redis_client, prefix) -> None:
    writer = WatchlistStore(redis_client, prefix, buckets=BUCKETS)
    reader = WatchlistStore(redis_client, prefix, buckets=BUCKETS)
    a, b = listing("A"), listing("B")
    writer.load(a)
    travellers = [pax("DIALLO", "MOHAMED"), pax("SMITH", "JOHN"), pax("X", "Y", doc="P7000003"), pax("GARCIA", "MARIA")]
    stop = threading.Event()
    seen: list[set] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            while not stop.is_set():
                batch = reader.lookup(travellers, limit=50)
                seen.append({(c.version, c.entry.dataset) for cands in batch for c in cands if c.entry.schema == "Person"})
        except Exception as exc:  # noqa: BLE001 - surfaced by the asserts below
            errors.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for i in range(6):
            writer.load(b if i % 2 == 0 else a)
    finally:
        stop.set()
        thread.join(20)
    assert not errors
    assert len(seen) > 3
    assert all(len({v for v, _ in s}) <= 1 and len({d for _, d in s}) <= 1 for s in seen), seen
    assert {d for s in seen for _, d in s} == {"A", "B"}


@pytest.mark.parametrize("workers", [1, 2])  # 2: the error comes while the pool prepares chunks
def test_a_failed_load_leaves_the_active_version_and_no_debris(store, redis_client, workers: int) -> None:
    store.load(listing())
    before = store.status()[0]["version"]
    keys_before = redis_client.dbsize()

    def broken():
        yield from listing("B")[:40]
        raise ValueError("bad line 41")

    with pytest.raises(ValueError, match="bad line 41"):
        store.load(broken(), batch=8, workers=workers)
    assert store.status()[0]["version"] == before
    assert redis_client.dbsize() == keys_before


def test_a_load_of_no_entry_switches_nothing(store, redis_client) -> None:
    from paxscreen.errors import EmptyWatchlist

    store.load(listing())
    before, keys_before = store.status()[0]["version"], redis_client.dbsize()
    with pytest.raises(EmptyWatchlist, match="no entry to load into list 'default': its active version is kept"):
        store.load([])  # an empty file, a header only, a file the reader could not read
    assert store.status()[0]["version"] == before and redis_client.dbsize() == keys_before
    assert store.load([], list_name="emptied", allow_empty=True).persons == 0  # when asked for


def test_a_load_in_processes_writes_what_one_process_writes(store) -> None:
    entries = listing() + [person(f"Awa Diop {i}", dob=f"19{60 + i}", id=f"d{i}") for i in range(30)]
    one = store.load(entries, list_name="one", batch=8, workers=1)
    pool = store.load(entries, list_name="pool", batch=8, workers=2)
    assert pool.version == one.version  # the same content hash: every entry written once
    assert (pool.persons, pool.documents, pool.document_numbers, pool.name_keys) == (
        one.persons, one.documents, one.document_numbers, one.name_keys)
    active = store._read_active()
    a, b = (store._indexes[active[n].tag] for n in ("one", "pool"))
    for name in ("keys", "starts", "posts", "eids", "dobs"):
        assert (getattr(a, name) == getattr(b, name)).all(), name
    assert a.names is not None and b.names is not None and a.names.vocab == b.names.vocab
    # the pool's processes computed the token properties, each token's once per process
    assert a.names.props == b.names.props == token_props.lines(a.names.vocab)
    for name in NAME_ARRAYS:
        assert (getattr(a.names, name) == getattr(b.names, name)).all(), name
    assert len(a.names.named) == one.persons  # every person laid out, no document
    found = store.lookup([pax("Diallo", "Mohamed", dob="1970-01-01")], 50)[0]
    assert {c.list_name for c in found} == {"one", "pool"}
    by_list = {n: sorted(c.entry.id for c in found if c.list_name == n) for n in ("one", "pool")}
    assert by_list["one"] == by_list["pool"] and by_list["one"]


def test_a_load_asks_for_at_least_one_process(store) -> None:
    with pytest.raises(ValueError, match="workers"):
        store.load(listing(), workers=0)


def test_cleanup_removes_orphaned_namespaces(store, redis_client) -> None:
    store.load(listing())
    orphan = store._tag("default", "crashed")
    redis_client.hset(f"{orphan}:k:1", b"x", b"y")
    loading = store._tag("default", "inflight")
    redis_client.hset(f"{loading}:k:1", b"x", b"y")
    redis_client.set(f"{loading}:loading", b"1", ex=60)
    assert store.cleanup() == 1
    assert redis_client.exists(f"{orphan}:k:1") == 0 and redis_client.exists(f"{loading}:k:1") == 1
    assert store.status()[0]["persons"] == 41


def test_overflowing_keys_fall_back_to_birth_year_keys(redis_client, prefix) -> None:
    store = WatchlistStore(redis_client, prefix, buckets=BUCKETS, posting_cap=3)
    namesakes = [person("Mohamed Ali", dob=f"{1960 + i}-01-0{1 + i % 9}", id=f"m{i}") for i in range(8)]
    store.load(namesakes)
    act = store._read_active()["default"]
    index = WatchlistStore(redis_client, prefix)._read_index(act)  # as a fresh reader sees it
    indexed = set(index.keys.tolist())
    pair_keys = name_keys([parse_name("Mohamed Ali")])
    assert pair_keys and not any(int.from_bytes(digest(k), "big") in indexed for k in pair_keys)  # overflowed
    year_key = next(iter(name_keys([parse_name("Mohamed Ali")], [1965]) - pair_keys))
    assert int.from_bytes(digest(year_key), "big") in indexed
    (found,) = store.lookup([pax("ALI", "MOHAMED", dob="1965-01-06")], limit=10)
    assert [c.entry.id for c in found] == ["m5"]


def test_list_names_are_checked(store) -> None:
    with pytest.raises(ValueError, match="list name"):
        store.load([], list_name="bad name{}")


def test_candidate_recall_through_redis_with_the_default_limit(store) -> None:
    """Ranking and the limit must not lose the listed person among namesakes."""
    people = listed_people(250)
    store.load(people)
    rnd = random.Random(5)
    travellers = [(vary(kind, e, rnd), e.id) for e in people for kind in VARIATIONS]
    found = store.lookup([t for t, _ in travellers], limit=50)
    missed = [(t.surname, t.given_names, eid) for (t, eid), cands in zip(travellers, found, strict=True)
              if eid not in {c.entry.id for c in cands}]
    assert len(missed) <= len(travellers) * 0.01, missed[:10]


def test_an_empty_batch_costs_nothing(store) -> None:
    store.load(listing())
    assert store.candidates([], limit=5) == []


def test_nothing_loaded_means_no_candidates(store) -> None:
    assert store.candidates([pax("DIALLO", "MOHAMED")], limit=5) == [[]]
    assert store.status() == [] and store.entry("p1") is None and not store.remove_list("default")


def test_a_decoding_client_is_refused(redis_server) -> None:
    client = redis.Redis(host="127.0.0.1", port=redis_server.port, decode_responses=True)
    with pytest.raises(ValueError, match="decode_responses"):
        WatchlistStore(client)


def test_namesakes_born_decades_apart_take_no_place_among_the_candidates(store) -> None:
    thresholds = {"name": 0.8, "document": 0.8, "stolen_document": 0.8}
    namesakes = [person("John Smith", dob=f"{1930 + i}-03-0{1 + i % 9}", docs=((f"Q{5550000 + i}", "GBR"),),
                        id=f"old{i}") for i in range(12)]
    store.load([*namesakes, person("John Smith", dob="1985-07-14", id="right"),
                person("John Smith", id="undated"), person("Jon Smith", dob=("1950", "1985"), id="two-dates"),
                stolen("Q5550003", "GBR", id="stolen")])
    traveller = pax("SMITH", "JOHN", dob="1985-07-14", doc="Q5550003", country="GBR")
    (plain,) = store.lookup([traveller], limit=3)
    (pruned,) = store.lookup([traveller], limit=3, thresholds=thresholds)
    # document hits are never dropped; among name-only candidates, only those a birth date
    # does not rule out (the right one, one without a date, one with several) remain
    assert {c.entry.id for c in pruned} == {"old3", "stolen", "right", "undated", "two-dates"}
    assert {c.entry.id for c in plain if not c.document_hit} < {f"old{i}" for i in range(12)} | {"right", "undated", "two-dates"}
    assert len([c for c in plain if not c.document_hit]) == 3


def test_entries_keep_their_parsed_names_and_readers_trust_only_the_same_parser(store, redis_client, monkeypatch) -> None:
    from matchers import store as store_module
    from matchers.records import entry_forms
    from matchers.store_codec import decode_entry_forms

    e = person("Dr. Mohamed Ould Diallo", "Шевченко Тарас", " Juan de la Cruz ", id="forms")
    entry, forms = decode_entry_forms(encode_entry(e, entry_forms(e)))
    assert entry == e and forms == entry_forms(e)
    assert decode_entry_forms(encode_entry(e))[1] is None
    store.load([e])
    (found,) = store.lookup([pax("DIALLO", "MOHAMED")], limit=5)
    assert found[0].forms == entry_forms(e)
    # a reader whose parser reads names otherwise parses them again
    monkeypatch.setattr(store_module, "parser_fingerprint", lambda: "another")
    reader = WatchlistStore(redis_client, store.prefix, buckets=BUCKETS)
    (found,) = reader.lookup([pax("DIALLO", "MOHAMED")], limit=5)
    assert found[0].entry == e and found[0].forms is None
    # nor bounds names with the layouts the loader's parser made: it does not even read them
    (act,) = reader._read_active().values()
    assert reader._indexes[act.tag].names is None and store._indexes[act.tag].names is not None


def test_an_index_written_before_birth_dates_were_kept_reads_as_dateless() -> None:
    import numpy as np

    from matchers.index import PostingIndex

    index = PostingIndex.build(np.array([5, 5, 9], np.uint64), np.array([1, 2, 2], np.uint64), 10,
                               (np.array([2], np.uint64), np.array([19750402], np.int32)))
    assert index.dobs.tolist() == [0, 19750402]
    chunks = {k: v for k, v in index.to_chunks().items() if k != "dobs"}
    old = PostingIndex.from_chunks(chunks)
    assert old.dobs.tolist() == [0, 0] and old.eids.tolist() == index.eids.tolist()


def test_the_screener_reports_how_full_its_caches_are(store) -> None:
    from matchers.screening import Screener
    from paxscreen.settings import Settings

    store.load(listing())
    screener = Screener(store, Settings(), warm=False)
    assert screener.cache_sizes() == {"tokens": 0, "entries": 0, "screened": 0}
    screener.screen([pax("DIALLO", "MOHAMED", dob="1975-04-02")])
    sizes = screener.cache_sizes()
    assert sizes["tokens"] > 0 and sizes["entries"] > 0 and sizes["screened"] == 1


def test_the_screeners_caches_stay_within_the_settings_bounds(store) -> None:
    from matchers.screening import Screener
    from paxscreen import bench_data as bd
    from paxscreen.settings import Settings

    store.load(bd.person_chunk(2, 0, 3000))
    travellers = [pax(*e.names[0].split(" ", 1)[::-1], dob=(e.birth_dates or (None,))[0])
                  for e in bd.person_chunk(2, 0, 3000)[:1200]]
    # and travellers the list lacks, whose tokens fill the token table besides the list's
    travellers += [pax(*e.names[0].split(" ", 1)[::-1]) for e in bd.person_chunk(9, 0, 1200)]
    for settings, bounded in ((Settings(cache_entries=1000, screened_ttl=0), "entries"),
                              (Settings(cache_tokens=1000, screened_ttl=0), "tokens"),
                              (Settings(cache_screened=1000, screened_ttl=0), "screened")):  # each screens all
        screener = Screener(store, settings, warm=False)
        most = listed = 0
        for i in range(0, len(travellers), 100):
            screener.screen(travellers[i : i + 100])
            sizes = screener.cache_sizes()
            table = screener.cache.tokens
            if bounded == "tokens":  # the list's tokens are kept, and do not count
                sizes["tokens"] -= table.listed
                assert table.listed >= listed
                listed = table.listed
            most = max(most, sizes[bounded])
            assert sizes["entries"] <= 1000 or bounded != "entries"
            assert sizes["screened"] <= 1000 or bounded != "screened"
        assert most > 500 and sizes[bounded] < most  # it filled, and started over
        if bounded == "tokens":
            assert table.generation > 1 and listed > 1000  # compacted, the list's tokens kept


def test_a_compacted_token_table_screens_as_one_that_never_was(store) -> None:
    from matchers.screening import Screener
    from paxscreen import bench_data as bd
    from paxscreen.settings import Settings

    store.load(bd.person_chunk(2, 0, 3000))
    listed = [pax(*e.names[0].split(" ", 1)[::-1], dob=(e.birth_dates or (None,))[0])
              for e in bd.person_chunk(2, 0, 3000)[::5]]
    others = [pax(*e.names[0].split(" ", 1)[::-1]) for e in bd.person_chunk(9, 0, 600)]
    travellers = [t for pair in zip(listed, others, strict=True) for t in pair]
    got = {}
    for bound in (1000, 1_000_000):
        screener = Screener(store, Settings(cache_tokens=bound, screened_ttl=0, cache_screened=0), warm=False)
        alerts = [a for i in range(0, len(travellers), 100) for a in screener.screen(travellers[i : i + 100])]
        got[bound] = sorted((a.traveller_event_id, a.entry_id, round(a.score, 6)) for a in alerts)
        assert (screener.cache.tokens.generation > 1) == (bound == 1000)
    assert got[1000] == got[1_000_000] and len(got[1000]) > 100


def test_names_too_long_to_bound_are_not_laid_out_and_still_screened(store) -> None:
    from matchers.screening import Screener
    from paxscreen.settings import Settings

    long_name = " ".join(["Maria"] * 3 + ["Jose", "Antonio", "Luis", "Carlos", "Pedro", "Juan", "Pablo", "Diego", "Garcia"])
    store.load([person(long_name, dob="1970-01-01", id="long"), person("Ana Garcia", dob="1970-01-01", id="ana")])
    (act,) = store._read_active().values()
    table = store._indexes[act.tag].names
    assert len(table.named) == 1  # only Ana's layout: the long one could not be bounded anyway
    t = pax("GARCIA", "MARIA MARIA MARIA JOSE ANTONIO LUIS CARLOS PEDRO JUAN PABLO DIEGO", dob="1970-01-01")
    alerts = Screener(store, Settings(), warm=False).screen([t])
    assert "long" in {a.entry_id for a in alerts}


def test_an_entry_with_hundreds_of_distinct_name_tokens_loads_and_is_screened(store) -> None:
    from matchers.screening import Screener
    from paxscreen.settings import Settings

    # an OpenSanctions person with names in many scripts and spellings: over 256 distinct tokens
    two = [chr(97 + i // 26) + chr(97 + i % 26) for i in range(100)]
    aliases = tuple(f"Ali{x} Ben{x}ou Omar{x}i" for x in two)
    many = person("Omar Benali", dob="1970-01-01", id="many")
    store.load([dataclasses.replace(many, names=many.names + aliases), person("Ana Garcia", dob="1970-01-01", id="ana")])
    (act,) = store._read_active().values()
    assert len(store._indexes[act.tag].names.named) == 1  # only Ana's layout
    alerts = Screener(store, Settings(), warm=False).screen([pax("BENALI", "OMAR", dob="1970-01-01")])
    assert "many" in {a.entry_id for a in alerts}


def test_a_name_tables_map_to_token_ids_follows_the_token_table(store) -> None:
    import numpy as np

    from matchers.prefilter import TokenTable

    store.load(listing())
    (act,) = store._read_active().values()
    names = store._indexes[act.tag].names
    ids = np.arange(len(names.vocab), dtype=np.int64)
    first = TokenTable()
    first.id("SOMEONE")  # so that its ids differ from a fresh table's
    assert names.token_ids(ids, first).tolist() == [first.id(t) for t in names.vocab]
    for table in (TokenTable(), first):  # another table, then the first one started over
        table.reset()
        got = names.token_ids(ids, table).tolist()
        assert got == [table.id(t) for t in names.vocab] and len(table) == len(names.vocab)
    # compacted, a table keeps the list's tokens under new ids, and the map follows them
    third = TokenTable()
    third.id("SOMEONE")
    names.attach(third)  # told of the list's tokens, then met in another order
    for t in names.vocab[::-1]:
        third.id(t)
    assert names.token_ids(ids, third).tolist() == list(range(len(ids), 0, -1))
    third.compact()
    assert "SOMEONE" not in third.ids and len(third) == len(ids) == third.listed
    third.id = None  # the map is renumbered, not made again by asking the table
    assert names.token_ids(ids, third).tolist() == [third.ids[t] for t in names.vocab] == list(range(len(ids)))[::-1]


def test_a_chunk_carries_the_properties_of_the_tokens_its_process_had_not_sent() -> None:
    sent: set[str] = set()
    first = prepare([person("Mohamed Ould Diallo", id="a")], 64, sent)
    second = prepare([person("Awa Diallo", id="b"), person("Mohamed Diop", id="c")], 64, sent)
    assert set(first.props) == set(first.vocab) and {"MOHAMED", "DIALLO"} <= set(first.vocab)
    assert {"AWA", "DIOP", "DIALLO", "MOHAMED"} <= set(second.vocab)
    assert set(second.props) == set(second.vocab) - set(first.vocab)  # DIALLO and MOHAMED went with the first
    assert sent == set(first.vocab) | set(second.vocab)
    assert second.props["DIOP"] == token_props.lines(["DIOP"])[0]
    # the loader takes them from the chunks, and computes any a chunk lacks
    names = NameParts()
    names.add(first)
    names.add(dataclasses.replace(second, props={}))
    assert names.props == token_props.lines(list(names.vocab))
