"""Kept screenings (`Screener.screened`, and in Redis `matchers.screened`): a traveller
matched alike to one screened before, against the same list versions, gets that screening's
matches again without a lookup; a new list version, or any field screening reads, screens it
afresh. Real redis-server."""

from __future__ import annotations

import dataclasses
import random

import orjson
import pytest
from matcher_factories import listed_people, pax, person, stolen, vary

from matchers.features import parse_date
from matchers.keys import traveller_keys
from matchers.records import matched_fields, record_of
from matchers.screening import Screener
from matchers.store import WatchlistStore
from paxscreen.models import Document, Flight, Leg, Traveller
from paxscreen.settings import Settings

FRESH = Settings(cache_screened=0, screened_ttl=0)  # keeps no screening, here or in Redis
OTHER_FLIGHT = Flight((Leg("KL", "KL588", "LOS", "AMS", "2026-12-01T23:10", "2026-12-02T06:05"),))


@pytest.fixture
def store(redis_client, prefix) -> WatchlistStore:
    return WatchlistStore(redis_client, prefix=prefix, buckets=64)


def _counted(store: WatchlistStore) -> list[int]:
    """Travellers asked of ``store.lookup`` per call, from now on."""
    calls: list[int] = []
    lookup = store.lookup

    def counting(travellers, *args, **kwargs):
        calls.append(len(travellers))
        return lookup(travellers, *args, **kwargs)

    store.lookup = counting  # type: ignore[method-assign]
    return calls


def _seen(alerts) -> list[tuple]:
    """What an alert says of the match (not of the traveller it is about)."""
    return [(a.traveller_event_id, a.entry_id, a.kind, a.score, a.explanation) for a in alerts]


def _travellers(listed: list, n: int, seed: int) -> list[Traveller]:
    rnd = random.Random(seed)
    kinds = ["swap", "typo", "transposition", "given_typo"]
    return [vary(kinds[i % len(kinds)], e, rnd) for i, e in enumerate(rnd.sample(listed, n))]  # each alike once


def test_pushed_again_the_same_alerts_without_a_lookup(store) -> None:
    listed = listed_people(300)
    store.load(listed)
    travellers = _travellers(listed, 120, seed=5)
    screener = Screener(store, Settings(), warm=False)
    calls = _counted(store)
    first = screener.screen(travellers, now="T")
    assert first and calls == [120]
    # the same people pushed again (new messages), and on their next leg (new event ids)
    again = screener.screen(travellers, now="T")
    legs = [dataclasses.replace(t, event_id="leg2-" + t.event_id, flight=OTHER_FLIGHT) for t in travellers]
    next_leg = screener.screen(legs, now="T")
    assert calls == [120] and screener.repeats == 240
    assert again == first
    fresh = Screener(store, FRESH, warm=False).screen(legs, now="T")
    assert next_leg and next_leg == fresh  # ids, flights and airports those of the next leg


def test_kept_and_fresh_screenings_agree_in_any_batch(store) -> None:
    listed = listed_people(300)
    store.load(listed)
    travellers = _travellers(listed, 200, seed=9)
    fresh = Screener(store, FRESH, warm=False)
    expected = {t.event_id: _seen(fresh.screen([t], now="T")) for t in travellers}
    kept = Screener(store, Settings(), warm=False)
    rnd = random.Random(1)
    for _ in range(3):  # batches of other sizes and orders, each traveller seen before or not
        order = travellers[:]
        rnd.shuffle(order)
        for i in range(0, len(order), 37):
            batch = order[i : i + 37]
            assert _seen(kept.screen(batch, now="T")) == [x for t in batch for x in expected[t.event_id]]
    assert kept.repeats == 400


def test_the_same_traveller_twice_in_one_batch_is_screened_once(store) -> None:
    store.load([person("Ousmane Camara", dob="1980-02-03", id="p1")])
    screener = Screener(store, Settings(), warm=False)
    calls = _counted(store)
    t = pax("CAMARA", "OUSMANE", dob="1980-02-03")
    twice = screener.screen([t, dataclasses.replace(t, event_id="again", flight=OTHER_FLIGHT)])
    assert calls == [1] and screener.repeats == 1
    assert [(a.traveller_event_id, a.entry_id) for a in twice] == [(t.event_id, "p1"), ("again", "p1")]


def test_a_new_list_version_screens_again(store) -> None:
    store.load([person("Ousmane Camara", dob="1980-02-03", id="p1")], list_name="watch")
    screener = Screener(store, Settings(), warm=False)
    t = pax("CAMARA", "OUSMANE", dob="1980-02-03")
    assert [a.entry_id for a in screener.screen([t])] == ["p1"]
    store.load([person("Fatou Ndiaye", dob="1975-01-01", id="p2")], list_name="watch")  # p1 delisted
    assert screener.screen([t]) == []
    store.load([person("Ousmane Camara", dob="1980-02-03", id="p3")], list_name="other")  # a second list
    assert [a.entry_id for a in screener.screen([t])] == ["p3"]
    assert screener.repeats == 0


def _asked(store: WatchlistStore) -> list[tuple[int, tuple[str, ...] | None]]:
    """(travellers, lists asked for, None: all) per ``store.lookup`` call, from now on."""
    calls: list[tuple[int, tuple[str, ...] | None]] = []
    lookup = store.lookup

    def asking(travellers, *args, lists=None, **kwargs):
        calls.append((len(travellers), None if lists is None else tuple(lists)))
        return lookup(travellers, *args, lists=lists, **kwargs)

    store.lookup = asking  # type: ignore[method-assign]
    return calls


def _documented(travellers: list[Traveller]) -> list[Traveller]:
    """The travellers, each with a passport of its own."""
    return [dataclasses.replace(t, documents=(Document(f"X{i:07d}", "P", "FRA"),)) for i, t in enumerate(travellers)]


def _two_lists(store: WatchlistStore, listed: list, stolen_numbers: list[str]) -> None:
    store.load(listed, list_name="persons")
    store.load([stolen(n, "FRA", id=f"d-{n}") for n in stolen_numbers], list_name="sltd")


def test_after_a_lists_reload_only_that_list_is_screened_again(store, redis_client, prefix) -> None:
    listed = listed_people(300)
    travellers = _documented(_travellers(listed, 120, seed=11))
    numbers = [t.documents[0].number for t in travellers]
    _two_lists(store, listed, numbers[:10])
    screener = Screener(store, Settings(), warm=False)
    asked = _asked(store)
    before = screener.screen(travellers, now="T")
    assert asked == [(120, None)] and {a.kind for a in before} == {"name", "stolen_document"}
    # the stolen documents' daily update: ten more numbers, the first ten no longer listed
    store.load([stolen(n, "FRA", id=f"d-{n}") for n in numbers[10:20]], list_name="sltd")
    after = screener.screen(travellers, now="T")
    assert asked == [(120, None), (120, ("sltd",))]  # the persons list's screenings stand
    assert screener.repeats == 0 and screener.partial == 120
    fresh = Screener(WatchlistStore(redis_client, prefix=prefix, buckets=64), FRESH, warm=False)
    assert _seen(after) == _seen(fresh.screen(travellers, now="T"))
    assert {a.entry_id for a in after if a.entry.get("dataset") == "sltd"} != {
        a.entry_id for a in before if a.entry.get("dataset") == "sltd"}
    assert screener.screen(travellers, now="T") == after and screener.repeats == 120 and len(asked) == 2


def test_another_worker_after_a_reload_reads_the_other_lists_screenings_from_redis(store, redis_client, prefix) -> None:
    listed = listed_people(300)
    travellers = _documented(_travellers(listed, 60, seed=13))
    _two_lists(store, listed, [t.documents[0].number for t in travellers[:5]])
    Screener(store, Settings(), warm=False).screen(travellers, now="T")
    store.load([stolen("Z9999999", "FRA", id="d-new")], list_name="sltd")
    other_store = WatchlistStore(redis_client, prefix=prefix, buckets=64)
    other = Screener(other_store, Settings(), warm=False)
    asked = _asked(other_store)
    got = other.screen(travellers, now="T")
    assert asked == [(60, ("sltd",))] and other.partial == 60 and other.shared_repeats == 0
    assert _seen(got) == _seen(Screener(store, FRESH, warm=False).screen(travellers, now="T"))


def test_kept_and_fresh_screenings_agree_across_reloads_of_either_list(store) -> None:
    listed = listed_people(300)
    travellers = _documented(_travellers(listed, 100, seed=17))
    numbers = [t.documents[0].number for t in travellers]
    _two_lists(store, listed, numbers[:20])
    kept = Screener(store, Settings(), warm=False)
    rnd = random.Random(3)
    for reload in ("sltd", "persons", "sltd"):
        if reload == "sltd":
            store.load([stolen(n, "FRA", id=f"d-{n}") for n in rnd.sample(numbers, 20)], list_name="sltd")
        else:
            store.load(rnd.sample(listed, 200), list_name="persons")
        order = travellers[:]
        rnd.shuffle(order)
        for i in range(0, len(order), 30):
            batch = order[i : i + 30]
            assert _seen(kept.screen(batch, now="T")) == _seen(Screener(store, FRESH, warm=False).screen(batch, now="T"))
    assert kept.partial == 200 and kept.repeats == 0  # the first round screened them against both


def test_a_list_loaded_while_a_batch_is_screened_alerts_in_that_batch(store) -> None:
    store.load([person("Ousmane Camara", dob="1980-02-03", id="p1")], list_name="a")
    screener = Screener(store, Settings(), warm=False)
    before = store.versions()
    store.load([person("Fatou Ndiaye", dob="1975-01-01", id="p2")], list_name="b")
    store.versions = lambda: before  # type: ignore[method-assign]  # read just before b's load
    ts = [pax("CAMARA", "OUSMANE", dob="1980-02-03"), pax("NDIAYE", "FATOU", dob="1975-01-01")]
    assert [a.entry_id for a in screener.screen(ts)] == ["p1", "p2"]
    del store.versions
    # kept against a's version only: the next push is screened against b alone
    assert [a.entry_id for a in screener.screen(ts)] == ["p1", "p2"] and screener.partial == 2


def test_an_entry_listed_twice_alerts_once_with_its_best_match(store) -> None:
    t = pax("CAMARA", "OUSMANE", dob="1980-02-03", doc="A1234567", country="SEN")
    store.load([person("Ousmane Kamara", id="p1")], list_name="a")
    alone = Screener(store, FRESH, warm=False).screen([t])
    store.load([person("Ousmane Camara", dob="1980-02-03", id="p1", dataset="b")], list_name="b")
    kept = Screener(store, Settings(), warm=False)
    for screener in (kept, Screener(store, FRESH, warm=False), kept):
        alerts = screener.screen([t])
        assert [a.entry_id for a in alerts] == ["p1"] and alerts[0].score > alone[0].score
        assert alerts[0].entry["dataset"] == "b"
    store.load([person("Ousmane Camara", dob="1980-02-03", id="p1")], list_name="a")  # as good: the first list's
    assert [a.entry["dataset"] for a in kept.screen([t])] == ["test"] and kept.partial == 1


def test_any_field_screening_reads_screens_again(store) -> None:
    store.load([person("Ousmane Camara", dob="1980-02-03", nat="SEN", sex="M", docs=(("A1234567", "SEN"),), id="p1")])
    kept = Screener(store, Settings(), warm=False)
    fresh = Screener(store, FRESH, warm=False)
    t = pax("CAMARA", "OUSMANE", dob="1980-02-03", nat="SEN", sex="M", doc="A1234567", country="SEN")
    named = dataclasses.replace(t, documents=())  # alerts on its name: nationality and sex tell
    for before, after in ((t, dataclasses.replace(t, date_of_birth="1950-06-07", documents=())),
                          (named, dataclasses.replace(named, nationality="FRA", sex="F")),
                          (t, dataclasses.replace(t, documents=(Document("A1234576", "P", "SEN"),))),
                          (t, dataclasses.replace(t, surname="KAMARA"))):
        got = _seen(kept.screen([before])), _seen(kept.screen([after]))
        assert got == (_seen(fresh.screen([before])), _seen(fresh.screen([after])))
        assert got[0] != got[1]
    assert kept.repeats == 2  # t again, twice


def test_keeping_none_screens_every_push(store) -> None:
    store.load([person("Ousmane Camara", dob="1980-02-03", id="p1")])
    screener = Screener(store, FRESH, warm=False)
    calls = _counted(store)
    t = pax("CAMARA", "OUSMANE", dob="1980-02-03")
    assert screener.screen([t], now="T") == screener.screen([t], now="T")
    assert calls == [1, 1] and screener.repeats == 0 and screener.cache_sizes()["screened"] == 0


# --- in Redis: pushes days apart, other workers, restarts -----------------------------------


def test_another_worker_gets_the_screenings_from_redis(store, redis_client, prefix) -> None:
    listed = listed_people(300)
    store.load(listed)
    travellers = _travellers(listed, 120, seed=7)
    first = Screener(store, Settings(), warm=False).screen(travellers, now="T")
    # another worker (or this one restarted, or after its memory forgot): its own store
    other_store = WatchlistStore(redis_client, prefix=prefix, buckets=64)
    other = Screener(other_store, Settings(), warm=False)
    calls = _counted(other_store)
    assert other.screen(travellers, now="T") == first and first
    legs = [dataclasses.replace(t, event_id="leg2-" + t.event_id, flight=OTHER_FLIGHT) for t in travellers]
    next_leg = other.screen(legs, now="T")  # from its memory now
    assert calls == [] and other.repeats == 240 and other.shared_repeats == 120
    assert next_leg == Screener(store, FRESH, warm=False).screen(legs, now="T")


def test_without_a_workers_memory_every_push_after_the_first_comes_from_redis(store) -> None:
    store.load([person("Ousmane Camara", dob="1980-02-03", id="p1"), person("Awa Diop", id="p2")])
    screener = Screener(store, Settings(cache_screened=0), warm=False)
    calls = _counted(store)
    ts = [pax("CAMARA", "OUSMANE", dob="1980-02-03"), pax("NDIAYE", "FATOU", dob="1990-01-01")]
    first = screener.screen(ts, now="T")
    assert [a.entry_id for a in first] == ["p1"]
    assert screener.screen(ts, now="T") == first == screener.screen(ts[::-1], now="T")[::-1]
    assert calls == [2] and screener.repeats == screener.shared_repeats == 4


def test_redis_keys_say_nothing_of_the_traveller_and_expire(store, redis_client, prefix) -> None:
    store.load([person("Ousmane Camara", dob="1980-02-03", docs=(("A1234567", "SEN"),), id="p1")])
    Screener(store, Settings(screened_ttl=3600), warm=False).screen(
        [pax("CAMARA", "OUSMANE", dob="1980-02-03", doc="A1234567", country="SEN"),
         pax("NDIAYE", "FATOU", dob="1990-01-01", doc="B7654321", country="SEN")])
    keys = [k.decode() for k in redis_client.scan_iter(f"{{{prefix}:sc:*")]
    assert len(keys) == 2
    for k in keys:
        assert not any(x in k.upper() for x in ("CAMARA", "OUSMANE", "NDIAYE", "FATOU", "1980", "A1234567", "B7654321"))
        assert 3500 < redis_client.ttl(k) <= 3600
    kept = [orjson.loads(redis_client.get(k)) for k in keys]  # by the list version's tag: its matches
    assert all(list(v) == [store.versions()[0][1]] for v in kept)
    assert sorted(bool(m) for v in kept for m in v.values()) == [False, True]  # [] for the one not matched


def test_redis_screenings_of_another_make_or_list_version_are_not_read(store) -> None:
    store.load([person("Ousmane Camara", dob="1980-02-03", id="p1")], list_name="watch")
    t = pax("CAMARA", "OUSMANE", dob="1980-02-03")
    assert [a.entry_id for a in Screener(store, Settings(), warm=False).screen([t])] == ["p1"]
    calls = _counted(store)
    for other in (Settings(cache_screened=0, name_threshold=0.9), Settings(cache_screened=0, max_candidates=20)):
        screener = Screener(store, other, warm=False)
        assert [a.entry_id for a in screener.screen([t])] == ["p1"] and screener.shared_repeats == 0
    assert calls == [1, 1]  # each screened it again
    store.load([person("Fatou Ndiaye", dob="1975-01-01", id="p2")], list_name="watch")  # p1 delisted
    later = Screener(store, Settings(cache_screened=0), warm=False)
    assert later.screen([t]) == [] and calls == [1, 1, 1] and later.shared_repeats == 0


def test_keeping_none_in_redis_writes_none_there(store, redis_client, prefix) -> None:
    store.load([person("Ousmane Camara", dob="1980-02-03", id="p1")])
    screener = Screener(store, Settings(screened_ttl=0), warm=False)
    t = pax("CAMARA", "OUSMANE", dob="1980-02-03")
    assert screener.screen([t], now="T") == screener.screen([t], now="T") and screener.repeats == 1
    assert screener.shared is None and not list(redis_client.scan_iter(f"{{{prefix}:sc:*"))


def test_a_kept_screening_that_cannot_be_read_is_screened_again(store, redis_client, prefix, caplog) -> None:
    store.load([person("Ousmane Camara", dob="1980-02-03", id="p1")])
    t = pax("CAMARA", "OUSMANE", dob="1980-02-03")
    first = Screener(store, Settings(), warm=False).screen([t], now="T")
    (key,) = redis_client.scan_iter(f"{{{prefix}:sc:*")
    for garbage in (b"{not json", b'[["p1"]]', b"[1]"):
        redis_client.set(key, garbage)
        screener = Screener(store, Settings(cache_screened=0), warm=False)
        calls = _counted(store)
        assert screener.screen([t], now="T") == first and calls == [1] and screener.shared_repeats == 0
        assert redis_client.get(key) != garbage  # written again
    assert "could not be read" in caplog.text and "CAMARA" not in caplog.text


def test_the_make_of_a_screening_moves_with_how_this_code_scores() -> None:
    from matchers import screened

    made = screened.fingerprint(Settings())
    assert made == screened.fingerprint(Settings()) != screened.fingerprint(Settings(name_threshold=0.81))
    assert made != screened.fingerprint(Settings(), prefilter=False)
    real = screened.evaluate
    try:  # scoring that gives other scores, or other verdicts, makes other keys
        screened.evaluate = lambda *a, **k: dataclasses.replace(real(*a, **k), score=0.5)
        screened._probe_scores.cache_clear()
        assert screened.fingerprint(Settings()) != made
    finally:
        screened.evaluate = real
        screened._probe_scores.cache_clear()
    assert screened.fingerprint(Settings()) == made


def test_matches_read_back_from_redis_are_the_ones_written() -> None:
    from matchers.scoring import MatchResult
    from matchers.screened import decode_matches, encode_matches
    from paxscreen.models import FeatureResult, WatchDocument, WatchEntry

    entry = WatchEntry("p1", names=("Ousmane Camara", "O. Kamara"), birth_dates=("1980-02-03",),
                       nationalities=("SEN",), genders=("M",), documents=(WatchDocument("A1234567", "SEN", "P"),),
                       dataset="interpol", topics=("crime",), reason="wanted \u00e9 \"x\"")
    bare = WatchEntry("d1", schema="Document", documents=(WatchDocument("X9", None, None),))
    result = MatchResult("name", 0.8712345678901234, 0.8,
                         (FeatureResult("name", 0.93, "CAMARA ~ KAMARA", 0.6), FeatureResult("dob", 1.0, "same", 0.3)))
    matches = ((result, entry, "v1"), (MatchResult("stolen_document", 1.0, 0.8, ()), bare, None))
    assert decode_matches(encode_matches(matches)) == matches
    assert decode_matches(encode_matches(())) == ()


# --- matched_fields: every field screening reads, and only those ---------------------------


_BASE = pax("CAMARA", "OUSMANE", dob="1980-02-03", nat="SEN", sex="M", doc="A1234567", country="SEN")
_OTHER = {
    "event_id": "another", "flight": OTHER_FLIGHT, "role": "crew", "surname": "DIALLO", "given_names": "MAMADOU",
    "date_of_birth": "1979-02-03", "sex": "F", "nationality": "GMB", "residence_country": "FRA",
    "birth_place": "DAKAR", "documents": (Document("B7654321", "P", "SEN", "2030-01-01"),), "embarkation": "DKR",
    "debarkation": "CDG", "pnr_locator": "ABC123", "seat": "12A", "source": "pnrgov", "message_ref": "M2",
    "sender": "AF", "received_at": "2026-11-29T10:00:00Z", "schema": "paxscreen.traveller/2",
}
_DOCUMENT_OTHER = {"number": "B7654321", "type": "I", "issuing_country": "GMB", "expiry": "2031-05-05"}


def _read(t: Traveller) -> tuple:
    """What screening reads of a traveller: its record but the id, its blocking keys, its
    birth date as the ranking parses it."""
    return dataclasses.replace(record_of(t), id=""), traveller_keys(t), parse_date(t.date_of_birth)


def _each_change() -> list[tuple[str, Traveller]]:
    out = [(f.name, dataclasses.replace(_BASE, **{f.name: _OTHER[f.name]})) for f in dataclasses.fields(Traveller)]
    doc = _BASE.documents[0]
    out += [(f"documents.{f.name}", dataclasses.replace(_BASE, documents=(
        dataclasses.replace(doc, **{f.name: _DOCUMENT_OTHER[f.name]}),))) for f in dataclasses.fields(Document)]
    return out


def test_every_traveller_field_is_tried() -> None:
    assert {f.name for f in dataclasses.fields(Traveller)} <= set(_OTHER)
    assert {f.name for f in dataclasses.fields(Document)} <= set(_DOCUMENT_OTHER)


@pytest.mark.parametrize(("field", "changed"), _each_change(), ids=[name for name, _ in _each_change()])
def test_matched_fields_moves_with_whatever_screening_reads(field: str, changed: Traveller) -> None:
    if _read(changed) != _read(_BASE):
        assert matched_fields(changed) != matched_fields(_BASE), f"screening reads {field}: it must be kept by it"
    else:  # a re-push differing only there (another flight, seat, message) is a repeat
        assert matched_fields(changed) == matched_fields(_BASE), f"screening does not read {field}"
