"""Cyrillic and Greek names for the synthetic benchmark, and the romanisations a traveller's
document or a watchlist may use for them.

The benchmark's own implementation, written from the public standards (not the matcher's):

- ICAO Doc 9303 part 3 (2015+), used in the MRZ of Russian passports since 2013:
  Й I, Х KH, Ц TS, Щ SHCH, Ъ IE, Ю IU, Я IA; Ukrainian Г H, И Y, Є IE, Ї I.
- Ukraine's national system (Cabinet resolution 55 of 2010), used in Ukrainian passports:
  word-initial Є YE, Ї YI, Й Y, Ю YU, Я YA; elsewhere IE, I, I, IU, IA; ЗГ ZGH.
- Older Russian passports and most English-language sources (BGN/PCGN without marks):
  Й Y, Ю YU, Я YA, Е YE at the start of a word or after a vowel.
- ELOT 743 (Greek passports): ΟΥ OU, ΑΥ/ΕΥ AV/EV or AF/EF, word-initial ΜΠ B, ΝΤ D, ΓΚ G,
  ΓΓ NG; and Doc 9303's letter-by-letter Greek table (Υ Y, so ΟΥ OY).
"""

from __future__ import annotations

import unicodedata

RU_M = """Александр Сергей Дмитрий Андрей Алексей Максим Евгений Иван Михаил Артём Владимир Николай Игорь
Олег Юрий Виктор Павел Роман Денис Антон Константин Илья Кирилл Вадим Никита Егор Григорий Василий Пётр
Анатолий Валерий Станислав Георгий Фёдор Леонид Борис Тимур Руслан Вячеслав Геннадий Ярослав Аркадий
Эдуард Степан Семён Матвей"""
RU_F = """Елена Ольга Наталья Татьяна Ирина Светлана Анна Мария Екатерина Юлия Анастасия Людмила Галина
Марина Надежда Валентина Любовь Оксана Дарья Ксения Виктория Алина Полина Софья Евгения Вера Нина
Лариса Алёна Кристина Жанна Яна"""
RU_S = """Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков
Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров
Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев
Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов
Жуков Баранов Филиппов Комаров Давыдов Беляев Богданов Осипов Сидоров Щербаков Чернышёв Юдин Ефремов
Покровский Успенский Вознесенский Каменский Толстой Ерёмин Емельянов Яшин"""
UA_M = """Олександр Сергій Андрій Володимир Дмитро Юрій Іван Василь Микола Віктор Олег Ігор Михайло Петро
Богдан Тарас Роман Максим Віталій Євген Ярослав Анатолій Валерій Павло Степан Григорій Остап Назар
Денис Артем Вадим Руслан Олексій Костянтин Ілля Юліан"""
UA_F = """Олена Ольга Наталія Тетяна Ірина Світлана Марія Оксана Юлія Анна Людмила Галина Надія Валентина
Катерина Вікторія Ганна Лариса Любов Інна Алла Яна Христина Софія Дарина Анастасія Зоряна Уляна
Соломія Євгенія"""
UA_S = """Мельник Шевченко Бойко Коваленко Бондаренко Ткаченко Ковальчук Кравченко Олійник Шевчук Коваль
Поліщук Бондар Ткачук Марченко Лисенко Мороз Руденко Савченко Петренко Клименко Павленко Кравчук
Кузьменко Пономаренко Савчук Василенко Левченко Харченко Карпенко Захарченко Сидоренко Гнатюк
Мельничук Іваненко Романенко Гончаренко Приходько Литвиненко Гаврилюк Юрченко Дорошенко Костенко
Зінченко Чорний Яковенко Тимошенко Кушнір Гуменюк Білик Ярошенко Остапенко Швець Панченко Головко
Гриценко Нестеренко Жук Пилипенко Демченко Лук'яненко Ємельяненко Ющенко Щербак Згурський Вовк"""
GR_M = """Γεώργιος Ιωάννης Κωνσταντίνος Δημήτριος Νικόλαος Παναγιώτης Βασίλειος Χρήστος Αθανάσιος Μιχαήλ
Ευάγγελος Σπυρίδων Αντώνιος Ανδρέας Ηλίας Εμμανουήλ Πέτρος Σταύρος Θεόδωρος Αλέξανδρος Στέφανος
Γρηγόριος Απόστολος Θωμάς Κυριάκος Παύλος Σωτήριος Λεωνίδας Φώτιος Ευστάθιος"""
GR_F = """Μαρία Ελένη Αικατερίνη Βασιλική Σοφία Αγγελική Γεωργία Δήμητρα Κωνσταντίνα Παρασκευή Ευαγγελία
Ιωάννα Χριστίνα Αναστασία Ειρήνη Παναγιώτα Αθανασία Δέσποινα Ευθυμία Κυριακή Φωτεινή Ζωή Ευγενία
Θεοδώρα Αλεξάνδρα"""
GR_S = """Παπαδόπουλος Γεωργίου Οικονόμου Βασιλείου Νικολάου Δημητρίου Ιωάννου Παπανικολάου Κωνσταντίνου
Αθανασίου Χριστοδούλου Παπαγεωργίου Μακρής Αντωνίου Καραγιάννης Παππάς Ευαγγέλου Παναγιωτόπουλος
Αλεξίου Μιχαηλίδης Σταματόπουλος Κωστόπουλος Λαμπράκης Γεωργιάδης Παπαδάκης Βλάχος Αναστασίου
Χατζηδάκης Αγγελόπουλος Σπυρόπουλος Πετρόπουλος Τσακίρης Ξενάκης Ψαρράς Θεοδωρόπουλος Μαυρίδης
Ευθυμίου Σαββίδης Ηλιόπουλος Ρήγας Μπακογιάννης Ντόκος Γκίκας Ευστρατίου Αυγερινός Ζαφειρίου"""


def _pool(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SCRIPT_POOLS: dict[str, dict[str, tuple[str, ...]]] = {
    "RUS": {"male": _pool(RU_M), "female": _pool(RU_F), "surnames": _pool(RU_S)},
    "UKR": {"male": _pool(UA_M), "female": _pool(UA_F), "surnames": _pool(UA_S)},
    "GRC": {"male": _pool(GR_M), "female": _pool(GR_F), "surnames": _pool(GR_S)},
}

# --- gendered forms ---------------------------------------------------------------------------


def feminine_surname(surname: str, country: str) -> str:
    """The form a woman bears: Иванов -> Иванова, Чорний -> Чорна, Παπαδόπουλος -> Παπαδοπούλου."""
    s = surname
    if country == "GRC":
        for end, fem in (
            ("όπουλος", "οπούλου"),
            ("ίδης", "ίδου"),
            ("άδης", "άδου"),
            ("άκης", "άκη"),
            ("ης", "η"),
            ("ής", "ή"),
            ("άς", "ά"),
            ("ας", "α"),
            ("ός", "ού"),
            ("ος", "ου"),
        ):
            if s.endswith(end):
                return s[: -len(end)] + fem
        return s
    for end, fem in (("ский", "ская"), ("цкий", "цкая"), ("ський", "ська"), ("цький", "цька"), ("ой", "ая"),
                     ("ий", "а"), ("ов", "ова"), ("ев", "ева"), ("ёв", "ёва"), ("ин", "ина"), ("ын", "ына"),
                     ("ін", "іна")):  # fmt: skip
        if s.endswith(end):
            return s[: -len(end)] + fem
    return s


_PATRONYMIC_STEM = {"Павел": "Павл", "Пётр": "Петр", "Лев": "Льв", "Михаил": "Михайл", "Дмитрий": "Дмитри",
                    "Георгий": "Георги", "Илья": "Ильич", "Никита": "Никитич", "Михайло": "Михайл",
                    "Петро": "Петр", "Павло": "Павл", "Дмитро": "Дмитр", "Ілля": "Ілліч"}  # fmt: skip


def patronymic(father: str, *, female: bool, ukrainian: bool = False) -> str:
    """Сергей -> Сергеевич / Сергеевна; Юрий -> Юрьевич; Олександр -> Олександрович / -івна."""
    stem = _PATRONYMIC_STEM.get(father)
    if stem and stem.endswith(("ич", "іч")):
        if not female:
            return stem
        return stem[:-2] + ("ічна" if ukrainian else "инична")
    if stem is None:
        if father.endswith("ій" if ukrainian else "ий"):
            stem = father[:-2] + ("і" if ukrainian else "ь")
        elif father.endswith("й"):
            stem = father[:-1]
        else:
            stem = father
    vowel_end = stem[-1] in "аеиоуыэюяіїєь"
    if ukrainian:
        return (
            stem + ("йович" if vowel_end else "ович")
            if not female
            else stem + ("ївна" if vowel_end else "івна")
        )
    suffix = "евич" if vowel_end else "ович"
    if female:
        suffix = suffix[:-2] + "на"
    return stem + suffix


# --- romanisation -----------------------------------------------------------------------------

_ICAO_RU = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
            "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
            "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
            "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "'": "", "’": ""}  # fmt: skip
_ICAO_UA = {**_ICAO_RU, "г": "h", "ґ": "g", "и": "y", "є": "ie", "і": "i", "ї": "i"}
_KMU_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_POPULAR_RU = {**_ICAO_RU, "й": "y", "ю": "yu", "я": "ya", "ъ": ""}
_VOWELS_CYR = set("аеёиоуыэюяіїє")


def _words(text: str, fn) -> str:
    return " ".join(fn(w) for w in text.split())


def icao_cyrillic(text: str, *, ukrainian: bool = False) -> str:
    """ICAO Doc 9303 romanisation, upper case (Юлия Щербакова -> IULIIA SHCHERBAKOVA)."""
    table = _ICAO_UA if ukrainian else _ICAO_RU
    return _words(text, lambda w: "".join(table.get(c, c) for c in w.lower()).upper())


def kmu2010(text: str) -> str:
    """Ukraine's passport romanisation (Юлія Євтушенко -> YULIIA YEVTUSHENKO, Згурський -> ZGHURSKYI)."""

    def word(w: str) -> str:
        w = w.lower().replace("'", "").replace("’", "")
        out = []
        for i, c in enumerate(w):
            if i == 0 and c in _KMU_INITIAL:
                out.append(_KMU_INITIAL[c])
            elif c == "г" and i > 0 and w[i - 1] == "з":
                out.append("gh")
            else:
                out.append(_ICAO_UA.get(c, c))
        return "".join(out).upper()

    return _words(text, word)


def popular_russian(text: str, *, ye: bool = True) -> str:
    """English-language / older-passport romanisation (Юлия Сергеевна -> YULIYA SERGEYEVNA)."""

    def word(w: str) -> str:
        w = w.lower()
        out = []
        for i, c in enumerate(w):
            prev = w[i - 1] if i else ""
            if ye and c in "её" and (i == 0 or prev in _VOWELS_CYR or prev in "ъь"):
                out.append("ye" if c == "е" else "yo")
            else:
                out.append(_POPULAR_RU.get(c, c))
        return "".join(out).upper()

    return _words(text, word)


_POPULAR_UA = {**_ICAO_UA, "є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def popular_ukrainian(text: str) -> str:
    """English-language sources (BGN/PCGN 1965 without marks): Юлія -> YULIYA, Ємельяненко -> YEMELYANENKO."""
    return _words(text, lambda w: "".join(_POPULAR_UA.get(c, c) for c in w.lower()).upper())


def popular_latin(text: str, country: str) -> str:
    """The romanisation English-language lists use for a native name."""
    if country == "UKR":
        return popular_ukrainian(text)
    if country == "GRC":
        return elot743(text)
    return popular_russian(text)


_GREEK = {"α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
          "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
          "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o"}  # fmt: skip
_VOICELESS = set("θκξπσςτφχψ")
_GREEK_VOWELS = set("αεηιουω")


def _greek_letters(w: str) -> list[tuple[str, bool]]:
    """Lower-case letters without tonos, each with a flag for a diaeresis (separate vowel)."""
    out = []
    for ch in unicodedata.normalize("NFD", w.lower()):
        if ch == "\u0308":
            if out:
                out[-1] = (out[-1][0], True)
        elif not unicodedata.combining(ch):
            out.append((ch, False))
    return out


def icao_greek(text: str) -> str:
    """Doc 9303 letter by letter (Παπαδόπουλος -> PAPADOPOYLOS)."""
    return _words(text, lambda w: "".join(_GREEK.get(c, c) for c, _ in _greek_letters(w)).upper())


def elot743(text: str) -> str:
    """Greek passports (Παπαδόπουλος -> PAPADOPOULOS, Ευστάθιος -> EFSTATHIOS, Μπακογιάννης -> BAKOGIANNIS)."""

    def word(w: str) -> str:
        letters = _greek_letters(w)
        s = [c for c, _ in letters]
        out = []
        i = 0
        while i < len(s):
            c, nxt = s[i], s[i + 1] if i + 1 < len(s) else ""
            split = letters[i + 1][1] if nxt else False
            after = s[i + 2] if i + 2 < len(s) else ""
            if c in "αεη" and nxt == "υ" and not split:
                out.append(_GREEK[c] + ("f" if not after or after in _VOICELESS else "v"))
                i += 2
            elif c == "ο" and nxt == "υ" and not split:
                out.append("ou")
                i += 2
            elif c == "μ" and nxt == "π":
                out.append("b" if i == 0 else "mp")
                i += 2
            elif c == "ν" and nxt == "τ":
                out.append("d" if i == 0 else "nt")
                i += 2
            elif c == "γ" and nxt in ("κ", "γ", "ξ", "χ"):
                out.append({"κ": "g" if i == 0 else "gk", "γ": "ng", "ξ": "nx", "χ": "nch"}[nxt])
                i += 2
            else:
                out.append(_GREEK.get(c, c))
                i += 1
        return "".join(out).upper()

    return _words(text, word)


def mrz_latin(text: str, country: str) -> str:
    """How the country's own passports write a native-script name in the MRZ."""
    if country == "UKR":
        return kmu2010(text)
    if country == "GRC":
        return elot743(text)
    return icao_cyrillic(text)


def romanisations(text: str, country: str) -> list[tuple[str, str]]:
    """Every (system, form) a traveller's document may show for a native name."""
    if country == "UKR":
        return [("kmu2010", kmu2010(text)), ("icao", icao_cyrillic(text, ukrainian=True))]
    if country == "GRC":
        return [("elot743", elot743(text)), ("icao", icao_greek(text))]
    return [("icao", icao_cyrillic(text)), ("legacy", popular_russian(text, ye=False))]
