"""The algorithm end to end on pairs: which travellers alert against which entries, and why."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matcher_factories import pax, person, stolen

from matchers.records import record_of
from matchers.scoring import KINDS, compare, evaluate, kinds_for
from paxscreen.settings import Settings

S = Settings()


@pytest.mark.parametrize(
    "traveller, listed",
    [
        # spelling variants of Arabic-origin and West African names
        (pax("DIALLO", "MOHAMED"), person("Mohammed Jallow")),
        (pax("JALLOH", "MAMADOU"), person("Muhammad Diallo")),
        (pax("CAMARA", "YOUSSEF"), person("Yusuf Kamara")),
        (pax("TRAORE", "OUSMANE"), person("Usman Traore")),
        (pax("NDIAYE", "AMADOU"), person("Amadou N'Diaye")),
        (pax("NJIE", "FATOU"), person("Fatou Ndiaye")),
        (pax("BAH", "BOUBACAR"), person("Abubakar Ba")),
        (pax("ALHASHIMI", "ABDULRAHMAN"), person("Abd al-Rahman al-Hashimi")),
        # ICAO transliteration of other scripts and diacritics
        (pax("SHEVCHENKO", "OLEKSANDR"), person("Олександр Шевченко")),
        (pax("TYMOSHENKO", "YULIIA"), person("Юлия Тимошенко")),
        (pax("PAPADOPOULOS", "GEORGIOS"), person("Γεώργιος Παπαδόπουλος")),
        (pax("MUELLER", "JUERGEN"), person("Jürgen Müller")),
        (pax("MULLER", "JURGEN"), person("Jürgen Müller")),
        (pax("ODEGAARD", "AASE"), person("Åse Ødegård")),
        (pax("PENA", "JOSE"), person("José Peña")),
        # order, particles, titles, initials, middle names, typos
        (pax("JOHN", "SMITH"), person("John Smith")),
        (pax("DELACRUZ", "JUAN"), person("Juan de la Cruz")),
        (pax("DE LA CRUZ", "JUAN"), person("Juan Delacruz")),
        (pax("BAKRI", "OMAR MR"), person("Sheikh Omar Bakri")),
        (pax("SMITH", "J"), person("John Smith")),
        (pax("DIALLO", "MOHAMED"), person("Mohamed Abdoulaye Diallo")),
        (pax("SMITH", "JOHN PAUL"), person("John Smith")),
        (pax("SMITH", "JHON"), person("John Smith")),
        (pax("KOWALCZYK", "PIOTR"), person("Piotr Kowalczik")),
        (pax("WANG", "XIAOMING"), person("Xiao Ming Wang")),
        # two given names and two surnames, each part written as one word on one side
        (pax("GARCIALOPEZ", "JUANCARLOS"), person("Juan Carlos Garcia Lopez")),
        (pax("GARCIA LOPEZ", "JUAN CARLOS"), person("Juancarlos Garcialopez")),
        (pax("DASILVASANTOS", "MARIADELCARMEN"), person("Maria del Carmen da Silva Santos")),
        # an alias rather than the primary name
        (pax("ESCOBAR", "PABLO"), person("El Patron", "Pablo Emilio Escobar Gaviria")),
        # Gambian, Sierra Leonean and francophone spellings; Arabic-origin forms
        (pax("DARBOE", "IBRAHIMA"), person("Ebrima Darboe")),
        (pax("TARAWALLIE", "LAMIN"), person("Lamine Traoré")),
        (pax("JOOF", "CHERNO"), person("Thierno Diouf")),
        (pax("BERRADA", "ABDELLAH"), person("Abdullah Berrada")),
        (pax("KANE", "MOHAMMET"), person("Mohamed Kane")),
        (pax("OKEKE", "KHADIDJAH"), person("Khadidja Okeke")),
        # romanisations of one sound (Arabic qaf, Cyrillic Х, Greek digraphs)
        (pax("QADHAFI", "MUAMMAR"), person("Moammar Gaddafi")),
        (pax("CHODORKOWSKI", "MICHAIL"), person("Mikhail Khodorkovsky")),
        (pax("NTOKOS", "APOSTOLOS"), person("Απόστολος Ντόκος")),
        # German, Polish and French spellings of Slavic names
        (pax("KUSNEZOW", "DMITRIJ"), person("Dmitry Kuznetsov")),
        (pax("SCHUKOW", "GEORGI"), person("Georgy Zhukov")),
        (pax("TSCHAIKOWSKI", "PETER"), person("Peter Chaikovskiy")),
        (pax("SZCZERBAKOW", "IWAN"), person("Ivan Shcherbakov")),
        (pax("WOJCIECHOWSKI", "ANDRZEJ"), person("Andrzej Voytsekhovskiy")),
        # titles that are given names; compound heads that are given names
        (pax("BAH", "ELHADJI"), person("Elhadji Alhassane Bah")),
        (pax("AGYEMAN", "PRINCE"), person("Prince Agyeman")),
        (pax("DIALLO", "ABDOU"), person("Abdou Diallo")),
        # a first-letter typo; a patronymic the passport leaves out
        (pax("MURPHY", "OHAMMED"), person("Mohammed Murphy")),
        (pax("KOSTENKO", "SERHII"), person("Костенко Сергій Костянтинович")),
    ],
)
def test_name_variants_alert(traveller, listed) -> None:
    result = compare(traveller, listed, S)
    assert result.kind == "name"
    assert result.matched, [f.detail for f in result.explanation]


@pytest.mark.parametrize(
    "traveller, listed",
    [
        # a namesake with another birth decade and nationality
        (pax("SMITH", "JOHN", dob="1970-05-01", nat="GBR"), person("John Smythe", dob="1980-05-01", nat="USA")),
        (pax("DIALLO", "MOHAMED", dob="1992-04-11", nat="FRA"), person("Mohamed Diallo", dob="1975", nat="GIN")),
        # the exact name, born a decade apart, is someone else
        (pax("SMITH", "JOHN", dob="1970-05-01"), person("John Smith", dob="1980-05-01")),
        # different people who share one name
        (pax("SMITH", "JOHN"), person("John Brown")),
        (pax("JONES", "PETER"), person("Paul Jones")),
        (pax("LI", "WEI"), person("Lu Wei")),
        (pax("SMITH", None), person("John Smith")),
        (pax("DIALLO", "MOHAMED"), person("Mohamed Diop")),
        # the exact name born years apart (full dates, or a year-only entry) is a namesake,
        # even with the same nationality and sex
        (pax("MENSAH", "KWAME", dob="1991-03-16", nat="GHA", sex="M"), person("Kwame Mensah", dob="1999-01-23", nat="GHA", sex="M")),
        (pax("KONAN", "YAO", dob="1956-06-02", nat="CIV"), person("Yao Konan", dob="1964", nat="CIV")),
        (pax("JANSSENS", "THOMAS", dob="1990-07-29"), person("Thomas Janssens", dob="1989-03-19")),
        # a given name that is another name, however alike the rest
        (pax("GONZALEZ RODRIGUEZ", "RAFAEL", dob="2003-02-01", nat="VEN"), person("Miguel González Rodríguez", dob="2003", nat="VEN")),
        (pax("HOUNKPATIN", "AFI", dob="1975-04-13", nat="BEN"), person("Koffi Hounkpatin", dob="1975", nat="BEN")),
        (pax("MENSAH", "KWAKU", dob="1954-04-03", nat="GHA"), person("Kwame Mensah", dob="1954", nat="GHA")),
        (pax("LEVCHENKO", "OLEKSANDR", dob="1962-07-05", nat="UKR"), person("Oleksandr Shevchenko", dob="1962", nat="UKR")),
        (pax("SOUMAH", "MOHAMED", dob="1956-05-24", nat="GIN"), person("Mohamed Soumaoro", dob="1956", nat="GIN")),
        # a brother and a sister, twins even: one name in its masculine and feminine forms
        (pax("ROSSI", "MARIO", dob="1980-01-02", sex="M", nat="ITA"), person("Maria Rossi", dob="1980-01-02", sex="F", nat="ITA")),
        (pax("PETROV", "ALEKSANDR", dob="1980-01-02", sex="M"), person("Aleksandra Petrova", dob="1980-01-02", sex="F")),
        (pax("KOWALSKA", "JANA", dob="1980", sex="F"), person("Jan Kowalski", dob="1980", sex="M")),
        # one skeleton, but other vowels: other names
        (pax("KISELEVA", "ELENA", dob="1960-01-25"), person("Галина Кирилловна Козлова", dob="1960-10-21")),
        (pax("BAEK", "ANNA", dob="1988-06-14"), person("Hanne Bæk", dob="1989-12-31")),
    ],
)
def test_namesakes_and_other_people_do_not_alert(traveller, listed) -> None:
    result = compare(traveller, listed, S)
    assert not result.matched, [f.detail for f in result.explanation]


@pytest.mark.parametrize("sex", [None, "F"])
def test_a_gender_ending_does_not_sink_a_match_whose_sex_is_unknown_or_the_same(sex) -> None:
    result = compare(pax("ROSSI", "MARIO", dob="1980-01-02", sex=sex), person("Maria Rossi", dob="1980-01-02", sex="F"), S)
    assert result.matched
    gender = next(f for f in result.explanation if f.feature == "name_gender")
    assert gender.score == 0.5 and "no effect" in gender.detail


def test_corroboration_lifts_and_contradiction_sinks_the_same_name() -> None:
    listed = person("John Smith", dob="1970-05-01", nat="GBR", sex="M")
    base = compare(pax("SMITH", "JON"), listed, S).score
    agree = compare(pax("SMITH", "JON", dob="1970-05-01", nat="GBR", sex="M"), listed, S).score
    disagree = compare(pax("SMITH", "JON", dob="1990-05-01", nat="GBR", sex="F"), listed, S).score
    assert disagree < base < agree


@pytest.mark.parametrize(
    "traveller_dob, listed_dob",
    [
        ("1996-11-13", "1990-11-13"),  # one digit of the year
        ("1972-09-07", "1972-07-09"),  # day and month swapped
        ("1972-09-07", "1972-09-01"),  # one digit of the day
        ("1994-10-24", "1994"),  # a year-only entry
        ("1972-01-01", "1978-01-01"),  # a slip in a 1 January date
    ],
)
def test_birth_date_slips_still_alert_and_say_so(traveller_dob: str, listed_dob: str) -> None:
    result = compare(pax("POLIAKOV", "ALEKSEI", dob=traveller_dob, nat="RUS"), person("Aleksei Poliakov", dob=listed_dob), S)
    assert result.matched
    dob = next(f for f in result.explanation if f.feature == "birth_date")
    assert dob.score >= 0.7 and dob.detail.endswith("]") and "+" in dob.detail


def test_a_second_nationality_weighs_little_when_the_birth_date_agrees() -> None:
    listed = person("Сергей Михайлович Макаров", dob="1971-05-12", nat="RUS")
    result = compare(pax("MAKAROV", "SERGEI", dob="1971-05-12", nat="LBN"), listed, S)
    assert result.matched
    nat = next(f for f in result.explanation if f.feature == "nationality")
    assert nat.weight == pytest.approx(0.04) and "eased" in nat.detail
    other_year = compare(pax("MAKAROV", "SERGEI", dob="1975-05-30", nat="LBN"), listed, S)
    assert next(f for f in other_year.explanation if f.feature == "nationality").weight == pytest.approx(0.10)


def test_weak_corroboration_does_not_make_a_partial_name_a_match() -> None:
    listed = person("Marcin Dąbrowski", dob="1951", nat="POL")
    result = compare(pax("DABROWSKI", "MARIA", dob="1951-05-12", nat="POL"), listed, S)
    assert not result.matched
    assert any("agrees only partly" in f.detail for f in result.explanation)


def test_a_listed_persons_document_alerts_even_under_another_name() -> None:
    listed = person("Pablo Escobar", docs=(("AB1234567", "COL"),), dob="1949-12-01")
    result = compare(pax("DOE", "JANE", doc="AB1234567", country="COL", dob="1990-01-01"), listed, S)
    assert result.kind == "document" and result.matched


def test_a_listed_passport_alerts_under_another_name_and_birth_date_when_its_country_is_unknown() -> None:
    listed = person("Yao Mathieu Hounsou", docs=(("BJ4829175", None),), dob="1990-05-08", nat="BEN")
    result = compare(pax("AGBANGLA", "AKOSSIWA", doc="BJ4829175", country="BEN", dob="1981-03-20"), listed, S)
    assert result.kind == "document" and result.score >= 0.85


def test_a_document_three_characters_away_on_another_name_and_country_does_not_alert() -> None:
    listed = person("Pablo Escobar", docs=(("AB1234567", "COL"),))
    result = compare(pax("DOE", "JANE", doc="AB1234999", country="ESP"), listed, S)
    assert not result.matched


@pytest.mark.parametrize(
    "carried, listed, country, matched",
    [
        ("XK4093017", "XK4O93017", "FRA", True),  # OCR 0/O
        ("XK1093017", "XKI093017", "FRA", True),  # OCR 1/I
        ("XK4093017", "XK4093107", "FRA", True),  # one transposition
        ("XK4093017", "XK4093017", None, True),  # country unknown: neutral
        ("XK4093017", "XK4093017", "ESP", False),  # another country's series
        ("XK4093017", "XK4093517", "FRA", False),  # one plain edit is not enough alone
        ("123456789", "123456789", "GBR", False),  # a placeholder
    ],
)
def test_stolen_documents(carried: str, listed: str, country: str | None, matched: bool) -> None:
    result = compare(pax("ANY", "ONE", doc=carried, country="FRA"), stolen(listed, country), S)
    assert result.kind == "stolen_document"
    assert result.matched is matched


def test_gtas_crew_sharing_a_placeholder_number_never_makes_a_document_alert() -> None:
    crew = [pax(s, g, doc="123456789", country="GBR") for s, g in
            [("Steur", "Andrea"), ("Adomat", "Julie"), ("Nalek", "Clifton"), ("Meissener", "Costa"),
             ("Pelzing", "Melissa"), ("Merfort", "Kevin"), ("Sautter", "Kari"), ("Zschieschak", "Jaclyn")]]
    listed = person("Carlos Lehder", docs=(("123456789", "GBR"),))
    assert not any(compare(c, listed, S).matched for c in crew)


def test_best_kind_wins_and_every_feature_is_explained() -> None:
    listed = person("John Smith", docs=(("YY3478621G", "FRA"),), dob="1970-05-01")
    result = compare(pax("SMITH", "JOHN", doc="YY3478621G", country="FRA", dob="1970-05-01"), listed, S)
    assert result.kind == "document" and result.score == 1.0
    assert [f.feature for f in result.explanation] == ["document_number", "document_country", "name_similarity", "birth_date"]
    assert all(f.detail.endswith("]") for f in result.explanation)


def test_thresholds_come_from_settings() -> None:
    pair = (pax("SMITH", "JHON"), person("John Smith"))
    score = compare(*pair, S).score
    assert compare(*pair, Settings(name_threshold=score)).matched
    assert not compare(*pair, Settings(name_threshold=min(1.0, score + 0.01))).matched


def test_kinds_for() -> None:
    assert kinds_for(record_of(pax("A", "B")), record_of(stolen("XK4093017"))) == ("stolen_document",)
    assert kinds_for(record_of(pax("A", "B", doc="X1")), record_of(person("A B", docs=(("X1", None),)))) == ("document", "name")
    assert kinds_for(record_of(pax("A", "B")), record_of(person("A B"))) == ("name",)


def test_compare_works_entry_to_entry_and_traveller_to_traveller() -> None:
    assert compare(person("Mohamed Diallo"), person("Mohammed Jallow"), S).matched
    assert compare(pax("DIALLO", "MOHAMED"), pax("JALLOW", "MOHAMMED"), S).matched


def test_every_kind_has_one_base_feature() -> None:
    assert all(sum(rule.base for rule in rules) == 1 for rules in KINDS.values())


text = st.one_of(st.none(), st.text(max_size=25))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text, text, text, st.one_of(st.none(), st.sampled_from(["1970", "1970-05-03", "1999-12-31"])), text)
def test_compare_score_in_unit_range(surname, given_names, listed, dob, doc) -> None:
    t = pax(surname, given_names, dob=dob, doc=doc, country="FRA")
    e = person(*([listed] if listed else []), dob=dob or (), docs=(((doc or "X"), "FRA"),))
    r = evaluate(record_of(t), record_of(e), S)
    assert 0.0 <= r.score <= 1.0
    assert all(0.0 <= f.score <= 1.0 for f in r.explanation)
