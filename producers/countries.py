"""Country codes as travel documents write them: ISO 3166-1 alpha-3 and ICAO 9303 specials.

Airlines mostly send alpha-3 (kept as sent, upper-cased, including ICAO codes such as ``GBD``,
``UNO`` or ``XXA``); some send alpha-2 (``DE``), mapped with `rigour.territories`; the ICAO
one-letter ``D`` for Germany becomes ``DEU``. Anything else is kept as sent, upper-cased.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["country_code"]

# Codes whose travel-document form differs from (or is missing in) the alpha-2 table.
_SPECIAL = {
    "D": "DEU",  # ICAO 9303: Germany
    "UK": "GBR",  # common but not ISO
    "EL": "GRC",  # EU usage for Greece
    "XK": "RKS",  # Kosovo: ICAO document code
}


@lru_cache(maxsize=512)
def _alpha2(code: str) -> str | None:
    from rigour.territories import get_territory  # loads a data file: only when needed

    territory = get_territory(code.lower())
    alpha3 = getattr(territory, "alpha3", None) if territory is not None else None
    return alpha3.upper() if alpha3 else None


def country_code(value: str | None) -> str | None:
    """``"de"`` -> ``"DEU"``, ``"D"`` -> ``"DEU"``, ``"GBR"`` -> ``"GBR"``, ``""`` -> ``None``."""
    if value is None:
        return None
    code = value.strip().upper()
    if not code:
        return None
    if code in _SPECIAL:
        return _SPECIAL[code]
    if len(code) == 2 and code.isascii() and code.isalpha():
        return _alpha2(code) or code
    return code
