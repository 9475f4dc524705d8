"""The labelled cases of the synthetic benchmark: one builder per variation class (a listed
person or document, and the traveller who must match it) and per hard-negative class (a
traveller who must not alert). Builders return ``None`` when a draw does not fit the class;
the caller draws again."""

from __future__ import annotations

from typing import ClassVar

from paxscreen.synth_edits import dob_slip, ocr_confuse, three_away, transpose, typo
from paxscreen.synth_people import ALL_COUNTRIES, Case, People, Person, StolenDoc, mrz_parts, title_case
from paxscreen.synth_scripts import popular_latin, romanisations
from paxscreen.synth_variants import (
    LIST_TITLES_F,
    LIST_TITLES_M,
    PREFIX_TITLES_F,
    PREFIX_TITLES_M,
    TRAVELLER_SUFFIX_TITLES,
    fold,
    name_keys,
    variants,
)

POSITIVE_CLASSES: dict[str, str] = {
    "exact": "the listed name as the traveller's document writes it (baseline)",
    "translit": "list in Cyrillic (Russian, Ukrainian) or Greek, or an English-language romanisation; "
    "traveller in MRZ Latin (ICAO 9303, Ukraine's 2010 system, ELOT 743, older passports)",
    "umlaut": "German/Nordic letters: Ä Ö Ü ß Å Ø Æ on the list, AE OE UE SS AA or A O U on the document",
    "diacritics": "Ñ Ç Ł Ş and accents on the list, dropped on the document",
    "spelling_variant": "Arabic-origin, West African and Iberian spellings (MOHAMED/MUHAMMAD, DIALLO/JALLOW, SOUZA/SOUSA)",
    "particles": "particles and compounds joined, split, dropped or swapped (DE LA CRUZ/DELACRUZ, EL/AL, N'DIAYE, VAN DER)",
    "double_surname": "Hispanic and Lusophone double surnames in full or in part, or split into the given names",
    "middle_names": "middle names or patronymics dropped or added, initials",
    "swapped": "given names and surname swapped",
    "typo": "one-edit typo (substitution, deletion, insertion) in one name part",
    "title": "titles and honorifics on the list or in the booking (DR, ALHAJI, EL HADJ, MR, DOÑA)",
    "alias": "the traveller uses a listed alias",
    "dob_partial": "list gives the birth year (or year and month) only",
    "dob_swapped": "day and month of birth swapped",
    "dob_slip": "one digit of the birth date wrong",
    "document_other_name": "a listed person's passport presented under another name (kind document)",
    "stolen_exact": "a stolen/lost blank document, number exact",
    "stolen_ocr": "a stolen/lost document with one OCR confusion (0/O 1/I 5/S 8/B 2/Z 6/G)",
    "stolen_transposition": "a stolen/lost document with two adjacent characters swapped",
}
NEGATIVE_CLASSES: dict[str, str] = {
    "neg_namesake": "same or variant name as a listed person, born 10-20 years apart, other nationality",
    "neg_common_name": "a very common name shared with a listed person, same nationality, born 6-25 years apart",
    "neg_near_document": "document number three characters away from a listed one, other name and country",
    "neg_same_surname": "same surname(s) as a listed person, clearly different given name, born within 4 years",
    "ordinary": "ordinary travellers of the route countries",
}
KIND_OF = {c: "name" for c in POSITIVE_CLASSES} | {"document_other_name": "document"} | {
    c: "stolen_document" for c in POSITIVE_CLASSES if c.startswith("stolen_")}  # fmt: skip

_WA = ("SEN", "MLI", "GIN", "GMB", "GNB", "NGA", "CIV", "MAR", "LBN", "TUR")
_IBERIAN = ("BRA", "PRT", "ESP", "COL", "VEN", "DOM", "PER")
_HISPANIC = ("COL", "VEN", "PER", "BOL", "DOM", "ESP")
_LUSO = ("BRA", "PRT", "CPV")
_MARKS_EXPANDED = set("ÄÖÜßÅØÆ")


# --- builders ---------------------------------------------------------------------------------


class Builders:
    """One method per class; ``g`` is the generator (`paxscreen.synth.Generator`)."""

    def __init__(self, g) -> None:
        self.g = g
        self.rng = g.rng
        self.people: People = g.people

    def _case(
        self,
        cls: str,
        p: Person,
        surname: str,
        given: str,
        detail: str,
        *,
        dob: str | None = None,
        nationality: str | None = None,
    ) -> Case:
        rng = self.rng
        nat = nationality or (p.country if rng.random() < 0.9 else rng.choice(ALL_COUNTRIES))
        return Case(
            cls,
            surname,
            given,
            dob or self.people.date_in(p.dob),
            p.sex,
            nat,
            self.g.fresh_number(nat),
            nat,
            target=p,
            related=p,
            detail=detail,
        )

    def _listed(self, country: str | None = None, **kw) -> Person:
        return self.g.new_person(country, **kw)

    def exact(self) -> Case | None:
        p = self._listed()
        s, gv = mrz_parts(p)
        return self._case("exact", p, s, gv, "as listed")

    def translit(self) -> Case | None:
        rng = self.rng
        country = rng.choices(("RUS", "UKR", "GRC"), (0.45, 0.35, 0.2))[0]
        p = self._listed(country)
        if country == "GRC" or rng.random() < 0.7:
            p.native_list = True
            p.surname_first = country != "GRC" and rng.random() < 0.35
        else:
            p.popular_list = True
        system = 0 if rng.random() < 0.65 else 1
        s = romanisations(" ".join(p.surnames), country)[system]
        gv = romanisations(" ".join(p.given), country)[system]
        if p.popular_list and popular_latin(" ".join([*p.given, *p.surnames]), country) == f"{gv[1]} {s[1]}":
            return None
        return self._case("translit", p, s[1], gv[1], f"{s[0]} romanisation")

    def umlaut(self) -> Case | None:
        rng = self.rng
        country = rng.choices(("DEU", "SWE", "NOR", "DNK"), (0.5, 0.2, 0.15, 0.15))[0]
        p = self._listed(country)
        if not _MARKS_EXPANDED & set("".join(p.given + p.surnames)):
            return None
        mode = "icao" if rng.random() < 0.6 else "drop"
        s, gv = mrz_parts(p, mode=mode)
        return self._case("umlaut", p, s, gv, f"{mode} folding")

    def diacritics(self) -> Case | None:
        country = self.rng.choice(("ESP", "COL", "VEN", "PER", "DOM", "BRA", "PRT", "CPV", "FRA", "POL", "TUR", "SEN",
                                   "MLI", "GIN", "CIV", "BEN", "GNB"))  # fmt: skip
        p = self._listed(country)
        text = "".join(p.given + p.surnames)
        if fold(text) == text.replace("-", "").replace("'", "").replace(" ", "").upper():
            return None
        s, gv = mrz_parts(p, mode="drop")
        return self._case("diacritics", p, s, gv, "marks dropped")

    def spelling_variant(self) -> Case | None:
        rng = self.rng
        country = rng.choice(_WA) if rng.random() < 0.8 else rng.choice(_IBERIAN)
        p = self._listed(country)
        s, gv = mrz_parts(p)
        stoks, gtoks = s.split(), gv.split()
        spots = [("s", i) for i, t in enumerate(stoks) if variants(t)] + [
            ("g", i) for i, t in enumerate(gtoks) if variants(t)
        ]
        if not spots:
            return None
        changed = []
        for part, i in rng.sample(spots, 2 if len(spots) > 1 and rng.random() < 0.3 else 1):
            toks = stoks if part == "s" else gtoks
            new = rng.choice(variants(toks[i]))
            changed.append(f"{toks[i]}->{new}")
            toks[i] = new
        return self._case("spelling_variant", p, " ".join(stoks), " ".join(gtoks), ", ".join(changed))

    _PARTICLE_SURNAMES: ClassVar[dict[str, tuple[str, ...]]] = {
        "DOM": ("DE LA CRUZ", "DE LOS SANTOS", "DE JESÚS", "DE LEÓN"), "COL": ("DE LA HOZ", "DEL RÍO", "DE LA TORRE"),
        "ESP": ("DE LA FUENTE", "DEL RÍO", "DE LA TORRE", "DE LA CRUZ"), "BRA": ("DA SILVA", "DOS SANTOS", "DE SOUZA",
        "DE OLIVEIRA", "DA COSTA", "DA CONCEIÇÃO"), "PRT": ("DA SILVA", "DOS SANTOS", "DA COSTA"), "CPV": ("DA GRAÇA",
        "DOS SANTOS"), "NLD": ("VAN DER MEER", "VAN DEN BERG", "DE JONG", "DE VRIES", "VAN DIJK", "VAN DER LINDEN"),
        "BEL": ("DE SMET", "VAN DE VELDE", "VAN DAMME", "DE CLERCQ", "VAN DEN BROECK"), "MAR": ("EL AMRANI",
        "EL IDRISSI", "EL FASSI", "EL ALAMI", "EL MANSOURI", "AIT ALI", "BENALI", "BENSALAH", "BENMOUSSA"),
        "LBN": ("EL HAJJ", "ABI KHALIL", "ABOU JAOUDE", "AL HASSAN", "AL MOUSSAWI", "EL ZEIN"), "CIV": ("N'GUESSAN",
        "N'DRI", "N'GORAN"), "SEN": ("N'DIAYE", "M'BAYE", "N'DOYE"), "TGO": ("D'ALMEIDA",), "BEN": ("D'ALMEIDA",),
        "GBR": ("O'BRIEN", "O'CONNOR", "MCDONALD"), "ITA": ("D'ANGELO", "DE LUCA", "DE SANTIS", "DI MARIA", "D'AMICO"),
        "FRA": ("LE GALL", "DE LA FONTAINE"),
    }  # fmt: skip
    _JOINED: ClassVar[dict[str, str]] = {
        "BENALI": "BEN ALI",
        "BENSALAH": "BEN SALAH",
        "BENMOUSSA": "BEN MOUSSA",
        "MCDONALD": "MC DONALD",
    }

    def particles(self) -> Case | None:
        rng = self.rng
        country = rng.choice(tuple(self._PARTICLE_SURNAMES))
        p = self._listed(country)
        particle_name = rng.choice(self._PARTICLE_SURNAMES[country])
        p.surnames[0] = particle_name
        if country in ("MAR", "LBN") and " " in particle_name and rng.random() < 0.4:
            p.list_surnames = [particle_name.replace(" ", "-", 1), *p.surnames[1:]]
        base = fold(particle_name)
        words = base.split()
        options = []
        if particle_name in self._JOINED:
            options.append(self._JOINED[particle_name])
        elif "'" in particle_name:
            options.append(particle_name.replace("'", " "))
        else:
            options.append("".join(words))
            if len(words) > 2:
                options.append(words[0] + " " + "".join(words[1:]))
            if words[0] in ("EL", "AL"):
                options.append(("AL " if words[0] == "EL" else "EL ") + " ".join(words[1:]))
                options.append(("AL" if words[0] == "EL" else "EL") + "".join(words[1:]))
            if country not in ("MAR", "LBN") or words[0] in ("EL", "AL"):
                options.append(words[-1])
        new = fold(rng.choice(options))
        s, gv = mrz_parts(p)
        s = s.replace(base, new, 1)
        return self._case("particles", p, s, gv, f"{base}->{new}")

    def double_surname(self) -> Case | None:
        rng = self.rng
        hisp = rng.random() < 0.65
        country = rng.choice(_HISPANIC if hisp else _LUSO)
        p = self._listed(country, surnames_n=3 if (not hisp and rng.random() < 0.25) else 2)
        s, gv = mrz_parts(p)
        parts = [fold(x) for x in p.surnames]
        r = rng.random()
        if r < 0.45:
            s, how = (parts[0] if hisp else parts[-1]), "traveller has one surname"
        elif r < 0.75:
            p.list_surnames = [p.surnames[0] if hisp else p.surnames[-1]]
            how = "list has one surname"
        elif r < 0.9 or len(parts) < 3:
            s, gv, how = parts[-1], f"{gv} {' '.join(parts[:-1])}", "first surname(s) in the given names"
        else:
            s, how = f"{parts[0]} {parts[-1]}", "middle surname dropped"
        return self._case("double_surname", p, s, gv, how)

    def middle_names(self) -> Case | None:
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            p = self._listed(rng.choice(("RUS", "UKR")))
            p.list_given = [*p.given, p.patronymic]
            s, gv = mrz_parts(p)
            return self._case("middle_names", p, s, gv, "patronymic on the list only")
        if r < 0.45:
            p = self._listed(given_n=1)
            s, gv = mrz_parts(p)
            extra = self.people.given_names(p.country, p.sex, 2)
            extra = next((fold(e) for e in extra if fold(e) not in gv.split()), None)
            if extra is None:
                return None
            return self._case("middle_names", p, s, f"{gv} {extra}", "middle name added by the traveller")
        p = self._listed(given_n=rng.choice((2, 2, 3)))
        s, gv = mrz_parts(p)
        toks = gv.split()
        if len(toks) < 2:
            return None
        if r < 0.75:
            drop = rng.randrange(1, len(toks))
            return self._case(
                "middle_names", p, s, " ".join(toks[:drop] + toks[drop + 1 :]), "middle name dropped"
            )
        if rng.random() < 0.7:
            return self._case(
                "middle_names", p, s, " ".join([toks[0]] + [t[0] for t in toks[1:]]), "middle initial"
            )
        return self._case("middle_names", p, s, " ".join([toks[0][0], *toks[1:]]), "first name as initial")

    def swapped(self) -> Case | None:
        p = self._listed()
        s, gv = mrz_parts(p)
        return self._case("swapped", p, gv, s, "surname and given names swapped")

    def typo(self) -> Case | None:
        p = self._listed()
        s, gv = mrz_parts(p)
        fields = [s.split(), gv.split()]
        spots = [(f, i) for f in (0, 1) for i, t in enumerate(fields[f]) if len(t) >= 4]
        if not spots:
            return None
        f, i = self.rng.choice(spots)
        old = fields[f][i]
        fields[f][i] = typo(self.rng, old)
        return self._case("typo", p, " ".join(fields[0]), " ".join(fields[1]), f"{old}->{fields[f][i]}")

    def title(self) -> Case | None:
        rng = self.rng
        p = self._listed()
        s, gv = mrz_parts(p)
        muslim_wa = p.country in ("SEN", "MLI", "GIN", "GMB", "GNB", "NGA", "MAR", "LBN")
        if rng.random() < 0.5:
            p.title = rng.choice(LIST_TITLES_M if p.sex == "M" else LIST_TITLES_F)
            return self._case("title", p, s, gv, f"list title {p.title!r}")
        if rng.random() < 0.5:
            t = (
                {"M": "MR", "F": rng.choice(("MRS", "MS"))}[p.sex]
                if rng.random() < 0.9
                else rng.choice(TRAVELLER_SUFFIX_TITLES)
            )
            return self._case("title", p, s, f"{gv} {t}", f"booking suffix {t}")
        pool = PREFIX_TITLES_M if p.sex == "M" else PREFIX_TITLES_F
        if muslim_wa:
            pool = (
                ("ALHAJI", "EL HADJ", "HADJ", "SHEIKH", "CHIEF", "DR")
                if p.sex == "M"
                else ("ALHAJA", "HAJIA", "HADJA", "DR")
            )
        t = rng.choice(pool)
        return self._case("title", p, s, f"{t} {gv}", f"booking prefix {t}")

    def alias(self) -> Case | None:
        rng = self.rng
        p = self._listed()
        r = rng.random()
        other_country = p.country if r < 0.85 else rng.choice(ALL_COUNTRIES)
        other = self.people.person(other_country, p.sex)
        if r < 0.3:
            other.given = list(p.given)
        if other.script:
            other.given = [self.people.latin(x, other.country) for x in other.given]
            other.surnames = [self.people.latin(x, other.country) for x in other.surnames]
            other.script = False
        alias = title_case(" ".join([*other.given, *other.surnames]).upper())
        if name_keys(alias) & name_keys(" ".join(mrz_parts(p))) == name_keys(alias):
            return None
        p.aliases.append(alias)
        s, gv = fold(" ".join(other.surnames)), fold(" ".join(other.given))
        return self._case("alias", p, s, gv, f"alias {alias!r}")

    def dob_partial(self) -> Case | None:
        p = self._listed()
        full = p.dob if len(p.dob) == 10 else self.people.date_in(p.dob)
        p.dob = full[:4] if self.rng.random() < 0.85 else full[:7]
        s, gv = mrz_parts(p)
        return self._case("dob_partial", p, s, gv, f"list {p.dob}", dob=self.people.date_in(p.dob))

    def dob_swapped(self) -> Case | None:
        p = self._listed()
        y, m, d = int(p.dob[:4]), self.rng.randint(1, 12), self.rng.randint(1, 12)
        if m == d:
            return None
        p.dob = f"{y:04d}-{m:02d}-{d:02d}"
        s, gv = mrz_parts(p)
        return self._case("dob_swapped", p, s, gv, f"list {p.dob}", dob=f"{y:04d}-{d:02d}-{m:02d}")

    def dob_slip(self) -> Case | None:
        p = self._listed()
        p.dob = self.people.date_in(p.dob)
        slipped = dob_slip(self.rng, p.dob)
        if slipped is None:
            return None
        s, gv = mrz_parts(p)
        return self._case("dob_slip", p, s, gv, f"list {p.dob}", dob=slipped)

    def document_other_name(self) -> Case | None:
        rng = self.rng
        p = self._listed()
        p.passport = (self.g.fresh_number(p.country), p.country)
        p.passport_entity = rng.random() < 0.6
        carrier = self.people.person(p.country if rng.random() < 0.7 else rng.choice(ALL_COUNTRIES))
        if name_keys(" ".join(mrz_parts(carrier))) & name_keys(" ".join(mrz_parts(p))):
            return None
        s, gv = mrz_parts(carrier)
        number, country = p.passport
        return Case(
            "document_other_name",
            s,
            gv,
            self.people.date_in(carrier.dob),
            carrier.sex,
            country,
            number,
            country,
            target=p,
            related=p,
            detail="listed person's passport",
        )

    def _stolen(self, cls: str, change) -> Case | None:
        rng = self.rng
        doc = self.g.new_stolen()
        number = change(rng, doc.number) if change else doc.number
        if number is None or number == doc.number and change:
            return None
        nat = doc.country if rng.random() < 0.7 else rng.choice(ALL_COUNTRIES)
        carrier = self.people.person(nat)
        s, gv = mrz_parts(carrier)
        return Case(
            cls,
            s,
            gv,
            self.people.date_in(carrier.dob),
            carrier.sex,
            nat,
            number,
            doc.country,
            "I" if doc.schema == "Identification" else "P",
            target=doc,
            related=doc,
            detail=f"listed {doc.number} presented {number}",
        )

    def stolen_exact(self) -> Case | None:
        return self._stolen("stolen_exact", None)

    def stolen_ocr(self) -> Case | None:
        return self._stolen("stolen_ocr", ocr_confuse)

    def stolen_transposition(self) -> Case | None:
        return self._stolen("stolen_transposition", transpose)

    # --- hard negatives ---------------------------------------------------------------------

    def _other(
        self, cls: str, rel, surname: str, given: str, dob: str, sex: str, nat: str, detail: str
    ) -> Case:
        return Case(
            cls, surname, given, dob, sex, nat, self.g.fresh_number(nat), nat, related=rel, detail=detail
        )

    def neg_namesake(self) -> Case | None:
        rng = self.rng
        rel = self.g.listed_person()
        s, gv = mrz_parts(rel)
        toks = s.split() + gv.split()
        spots = [t for t in toks if variants(t)]
        how = "same name"
        if spots and rng.random() < 0.4:
            t = rng.choice(spots)
            v = rng.choice(variants(t))
            s, gv = (
                " ".join(v if x == t else x for x in s.split()),
                " ".join(v if x == t else x for x in gv.split()),
            )
            how = f"variant {t}->{v}"
        nat = rng.choice([c for c in ALL_COUNTRIES if c != rel.country])
        dob = self.people.shift_years(self.people.date_in(rel.dob), 10, 20)
        return self._other(
            "neg_namesake", rel, s, gv, dob, rel.sex, nat, f"{how}, born {dob[:4]} vs {rel.dob}"
        )

    def neg_common_name(self) -> Case | None:
        rel = self.g.listed_person(common=True)
        s, gv = mrz_parts(rel)
        dob = self.people.shift_years(self.people.date_in(rel.dob), 6, 25)
        return self._other(
            "neg_common_name", rel, s, gv, dob, rel.sex, rel.country, f"born {dob[:4]} vs {rel.dob}"
        )

    def neg_near_document(self) -> Case | None:
        rng = self.rng
        rel = self.g.listed_document()
        number, country = (rel.number, rel.country) if isinstance(rel, StolenDoc) else rel.passport
        near = three_away(rng, number)
        if self.g.near_listed(near):
            return None
        nat = rng.choice([c for c in ALL_COUNTRIES if c != country])
        carrier = self.people.person(nat)
        s, gv = mrz_parts(carrier)
        return Case(
            "neg_near_document",
            s,
            gv,
            self.people.date_in(carrier.dob),
            carrier.sex,
            nat,
            near,
            nat,
            related=rel,
            detail=f"listed {number} ({country}), presented {near}",
        )

    def neg_same_surname(self) -> Case | None:
        rel = self.g.listed_person()
        if rel.list_surnames is not None or rel.list_given is not None:
            return None
        s, gv = mrz_parts(rel)
        rel_given = gv.split()
        rel_keys = set()
        for t in rel_given:
            rel_keys |= {t[:2], *(v[:2] for v in variants(t))}
        other = self.people.person(rel.country, rel.sex, given_n=len(rel.given))
        _, ogv = mrz_parts(other)
        if any(t[:2] in rel_keys or variants(t) and set(variants(t)) & set(rel_given) for t in ogv.split()):
            return None
        year = int(rel.dob[:4]) + self.rng.randint(-4, 4)
        dob = self.people.date_in(str(year))
        if dob == rel.dob:
            return None
        return self._other("neg_same_surname", rel, s, ogv, dob, rel.sex, rel.country, f"given {ogv} vs {gv}")
