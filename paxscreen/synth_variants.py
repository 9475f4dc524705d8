"""Variation knowledge of the synthetic benchmark: spelling-variant groups, particles, titles,
document OCR confusions, and how documents fold diacritics into the MRZ alphabet.

Written for the benchmark from public naming knowledge (transcriptions of Arabic names in
French-, English- and Portuguese-speaking Africa, Mande and Fula surnames across the Senegambia
region, Iberian spelling pairs). The matcher keeps its own tables; neither reads the other's,
so the benchmark does not grade the matcher against itself.
"""

from __future__ import annotations

import re
import unicodedata

# Each line: spellings of one name as found on documents and lists.
VARIANT_GROUPS_TEXT = """
MOHAMMED MOHAMED MOHAMMAD MUHAMMAD MUHAMMED MOHAMAD MOHAMMAD MOUHAMED MOHAMMET
AHMED AHMAD AHMET AHAMED
YOUSSEF YOUSSOUF YUSUF YOUSEF YUSSUF YOUSOUF YOUCEF YOSEF
IBRAHIM IBRAHIMA BRAHIM EBRAHIM IBRAHEEM EBRIMA
OUSMANE USMAN OUSMAN OSMAN USMANE OTHMAN UTHMAN OUSMAN
ABDOULAYE ABDULLAHI ABDALLAH ABDULLAH ABDELLAH ABDOULLAHI ABDULAI ABDOULIE
MOUSSA MUSA MOUSA MUSSA
SOULEYMANE SULEIMAN SULAYMAN SULEYMAN SOULEIMANE SULEMAN SLIMANE SULAIMAN
BOUBACAR ABUBAKAR ABOUBACAR ABUBAKARR BOUBAKAR BUBACARR BUBACAR ABOUBAKAR BAKARY BAKARI
ALIOU ALIYU ALIU ALIEU ALIOUNE
AMADOU AHMADOU AMADU HAMADOU AMODOU
MAMADOU MAMADU MAHAMADOU MOMODOU MAMODOU MODOU
IDRISSA IDRISA IDRISS IDRIS DRISS
ISMAIL ISMAEL ISMAILA ISMAÏLA SMAIL ISMAHIL
HUSSEIN HUSSAIN HOUSSEIN HOSSEIN HUSEYIN HUSAYN
HASSAN HASAN HASSANE HACEN
KHALID KHALED KALED KHALIDOU
OMAR UMAR OUMAR OMER UMARU UMARO
ABDERRAHMANE ABDULRAHMAN ABDOURAHMANE ABDELRAHMAN ABDURRAHMAN ABDOULRAHMANE
ABDELKADER ABDULKADIR ABDOULKADER ABDELKADIR ABDULQADIR
MOUSTAPHA MUSTAPHA MUSTAFA MOSTAFA MOUSTAFA MUSTAFFA
CHEIKH CHEICK SHEIKH CHEIK SHAIKH
SEKOU SEKU SEYKOU
ISSA ISA AISSA ESSA
DAOUDA DAWDA DAOUD DAUDA DAWUD DAVOUD
LAMINE LAMIN ALAMINE ELAMINE
FATOUMATA FATUMATA FATMATA FATIMATA FATOUMATTA
AISSATOU AISSATA AISHATU ISATOU AÏSSATOU AISSATU
KADIATOU KADIATU KADIDIATOU KHADIATOU
KHADIJA KHADIDJA KADIJA KHADIDJAH HADIZA KHADIJAH
AMINATA AMINATOU AMINATU
HAWA HAOUA HAWAA
ZEINAB ZAINAB ZEYNEP ZAYNAB ZEYNAB
AICHA AISHA AÏCHA AYSHA AICHATOU
YOUNES YOUNIS YUNUS YOUNESS YUNIS
MANSOUR MANSUR MANSOOR
SALEH SALIH SALAH SALLEH
HAIDAR HAYDAR HAIDER HEIDAR
NASRALLAH NASRULLAH NASRALA
ATALLAH ATTALAH ATALLA ATTALLAH
KHOURY KHOURI KHURI KOURY
HAMADE HAMADEH HAMMADE
DIALLO JALLOW DJALO JALO DIALO JALLO DJALLO
CAMARA KAMARA KAMARAH CAMARÁ
NDIAYE NJIE NDIAY NDIAYE
TOURE TURAY TOURAY TURE TOURÉ
COULIBALY KULIBALI KOULIBALY CULIBALY
TRAORE TRAWALLY TARAWALLY TARAWALLIE TRAORÉ
KEITA KEÏTA KEYTA KEITAH
SOW SOWE
BAH BA
CISSE CEESAY SISAY SISSE CISSÉ
SYLLA SILLAH SILLA
FOFANA FOFANAH
SANGARE SANGARI SANGARÉ
DIARRA JARRA DIARA
DIAKITE DIAKHITE JAKITE JAKITEH DIAKITÉ
KANTE KANTEH KANTÉ
SIDIBE SIDIBEH SIDIBÉ
DIOUF JOOF DYOUF
FALL FAAL
SECK SECKA
BALDE BALDEH BALDÉ
MANE MANEH MANÉ
SANE SANEH SANNEH SANÉ
KOUROUMA KURUMA
OUATTARA WATTARA OUATARA WATARA
MAIGA MAÏGA MAHIGA
CONDE CONTEH KONDE CONDÉ
DOUMBOUYA DUMBUYA DUMBUYAH
SISSOKO SISOKO CISSOKHO CISSOKO
DRAME DRAMMEH DRAMÉ
DARBOE DARBO
KONATE KONATEH KONATÉ
SOUZA SOUSA
LUIZ LUIS LUÍS
TIAGO THIAGO
MATEUS MATHEUS
RAFAEL RAPHAEL
JHON JOHN
GONZALEZ GONZALES
RODRIGUEZ RODRIGUES
MENDEZ MENDES
NUNEZ NUNES
GOMEZ GOMES
LOPEZ LOPES
FERNANDEZ FERNANDES
VASQUEZ VAZQUEZ VASQUES
GIMENEZ JIMENEZ XIMENEZ
"""


def _groups() -> list[tuple[str, ...]]:
    out = []
    for line in VARIANT_GROUPS_TEXT.strip().splitlines():
        names = tuple(dict.fromkeys(fold(n) for n in line.split()))
        if len(names) > 1:
            out.append(names)
    return out


# Articles and particles: how the same surname appears joined, split or without the particle.
PARTICLE_PREFIXES = ("DE LA", "DE LOS", "DE LAS", "DEL", "DE", "DA", "DOS", "DAS", "DO", "DI", "DU", "LE", "LA",
                     "VAN DER", "VAN DEN", "VAN DE", "VAN", "VON DER", "VON", "TER", "TEN",
                     "AL", "EL", "BEN", "BIN", "ABU", "ABOU", "OULD", "AIT", "ABI")  # fmt: skip
APOSTROPHE_PREFIXES = ("N'", "M'", "D'", "O'", "L'")
ARABIC_ARTICLES = ("AL", "EL")

# Titles and honorifics a booking or a list may carry in the name fields.
TRAVELLER_SUFFIX_TITLES = ("MR", "MRS", "MS", "MISS", "MSTR")
PREFIX_TITLES_M = ("DR", "ALHAJI", "EL HADJ", "HADJ", "CHIEF", "SHEIKH", "PROF", "ENGR", "REV", "PASTOR", "HON",
                   "GEN", "SIR", "SR", "DON")  # fmt: skip
PREFIX_TITLES_F = ("DR", "ALHAJA", "HAJIA", "HADJA", "CHIEF", "PROF", "MADAME", "SRA", "DONA", "MRS", "LADY")
LIST_TITLES_M = ("Dr.", "Alhaji", "El Hadj", "Chief", "Sheikh", "Prof.", "General", "Colonel", "Don", "Mr.")
LIST_TITLES_F = ("Dr.", "Alhaja", "Hajia", "Chief", "Prof.", "Madame", "Doña", "Mrs.")

# Characters a reader or an OCR step confuses on a document number.
OCR_CONFUSIONS = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8",
                  "2": "Z", "Z": "2", "6": "G", "G": "6"}  # fmt: skip

# --- folding to the MRZ alphabet --------------------------------------------------------------

_ICAO_EXPAND = {"Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS", "Å": "AA", "Ø": "OE", "Æ": "AE", "Œ": "OE",
                "Þ": "TH", "Ð": "D", "Ł": "L", "Đ": "D", "Ĳ": "IJ", "ı": "I"}  # fmt: skip
_DROP_SPECIAL = {"ß": "SS", "Ø": "O", "Æ": "AE", "Œ": "OE", "Þ": "TH", "Ð": "D", "Ł": "L", "Đ": "D", "ı": "I",
                 "Ĳ": "IJ"}  # fmt: skip
_NON_LETTER = re.compile(r"[^A-Z ]+")
_SPACES = re.compile(r" +")


def strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def fold(text: str, mode: str = "drop") -> str:
    """Upper-case A-Z and spaces as a document's MRZ or an airline's reservation system
    writes a name: ``icao`` expands umlauts and Å (MÜLLER -> MUELLER, ÅSA -> AASA), ``drop``
    strips every mark (MÜLLER -> MULLER, NÚÑEZ -> NUNEZ). Apostrophes and hyphens split or
    vanish as on documents (N'DIAYE -> NDIAYE, JEAN-PIERRE -> JEAN PIERRE)."""
    table = _ICAO_EXPAND if mode == "icao" else _DROP_SPECIAL
    up = text.upper()
    up = "".join(table.get(c, c) for c in up)
    up = (
        strip_marks(up)
        .replace("'", "")
        .replace("’", "")
        .replace("-", " ")
        .replace(".", " ")
        .replace(",", " ")
    )
    return _SPACES.sub(" ", _NON_LETTER.sub("", up)).strip()


VARIANT_GROUPS: list[tuple[str, ...]] = _groups()
VARIANT_OF: dict[str, tuple[str, ...]] = {n: g for g in VARIANT_GROUPS for n in g}


def variants(token: str) -> tuple[str, ...]:
    """The other spellings of a folded name token (empty when none is known)."""
    return tuple(v for v in VARIANT_OF.get(token, ()) if v != token)


# --- the benchmark's own collision key --------------------------------------------------------

_SKELETON_RULES = [("PH", "F"), ("KH", "K"), ("CK", "K"), ("DJ", "J"), ("DY", "J"), ("SCH", "S"), ("SH", "S"),
                   ("CH", "S"), ("TH", "T"), ("OU", "U"), ("C", "K"), ("Q", "K"), ("Z", "S"), ("W", "V"),
                   ("Y", "I"), ("X", "KS")]  # fmt: skip


# Short forms the guard treats as the same name (too loose to be positives, too close to be
# clean negatives): FATOU for FATOUMATA, ALI for ALIOU...
GUARD_SAME = {"FATOU": "FATOUMATA", "FATIMATA": "FATOUMATA", "ALI": "ALIOU", "AMINA": "AMINATA",
              "BINTA": "BINTOU", "MARIAM": "MARIAMA"}  # fmt: skip


def skeleton(token: str) -> str:
    """A crude sound key for the generator's collision guard (never for matching): variant
    group head, then consonants of a folded token (DIALLO and JALLOW -> the same key)."""
    t = fold(token)
    t = GUARD_SAME.get(t, t)
    if t in VARIANT_OF:
        t = VARIANT_OF[t][0]
    for a, b in _SKELETON_RULES:
        t = t.replace(a, b)
    if not t:
        return ""
    head, rest = t[0], re.sub(r"[AEIOUH]", "", t[1:])
    head = "A" if head in "AEIOU" else head
    return head + re.sub(r"(.)\1+", r"\1", rest)


_GUARD_SKIP = {"DE", "LA", "DEL", "DA", "DOS", "DAS", "DO", "LOS", "VAN", "DER", "DEN", "VON", "AL", "EL", "BEN", "BIN",
               "MR", "MRS", "MS", "DR"}  # fmt: skip


def name_keys(text: str) -> frozenset[str]:
    """Skeletons of a name's tokens, particles and titles left out."""
    return frozenset(skeleton(t) for t in fold(text).split() if t not in _GUARD_SKIP and len(t) > 1)


def token_keys(text: str) -> tuple[frozenset[str], ...]:
    """Per token of a name: its skeleton, and for tokens of three letters or more every
    one-letter deletion (two tokens one edit apart share one), for the collision guard. A
    token after particles also carries the joined form's keys (DE SMET ~ DESMET)."""

    def keys_of(t: str) -> set[str]:
        keys = {skeleton(t)}
        if len(t) >= 3:
            keys |= {"~" + t} | {"~" + t[:i] + t[i + 1 :] for i in range(len(t))}
        return keys

    out = []
    prefix = ""
    for t in fold(text).split():
        if t in _GUARD_SKIP or len(t) < 2:
            prefix = prefix + t if t in _GUARD_SKIP else ""
            continue
        keys = keys_of(t)
        if prefix:
            keys |= keys_of(prefix + t)
            prefix = ""
        out.append(frozenset(keys))
    return tuple(out)
