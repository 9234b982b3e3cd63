"""Regenerate router/phi/data/eponyms.txt (run by hand, not at run time).

    pip install 'simple-icd-10-cm==1.5.0'   # not a run-time dependency
    PYTHONPATH=. python scripts/gen_eponyms.py

The people diseases are named after, in the possessive ("Huntington's disease",
"Hashimoto's thyroiditis", "Graves' disease"), as ICD-10-CM's tabular list writes them
(descriptions and inclusion terms; public domain, via simple-icd-10-cm 1.5.0), lower-case,
one per line. Possessives of common English words that name no person ("Farmer's lung",
"Athlete's foot", "Children's") are left out. eponym_nouns.txt: the words written after
them that are not frequent English words ("chorea", "thyroiditis"; not "home"). The name
recognizer reads "Cushing's" before a clinical word, or alone in a list, as a disease, not
as a person (router/phi/eponyms.py).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from router.phi.lexicon import Lexicon
from router.phi.name_terms import FUNCTION_WORDS

DATA = Path(__file__).resolve().parents[1] / "router" / "phi" / "data"
_POSSESSIVE = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:'s|(?<=s)')[ \t]+([A-Za-z]+)")


def eponyms() -> tuple[list[str], list[str]]:
    """The names, and the clinical words ICD-10-CM writes after them ("chorea")."""
    tabular = next(
        path
        for path in resources.files("simple_icd_10_cm").joinpath("data").iterdir()
        if path.name.startswith("icd10c-tabular")
    )
    pairs = {
        (match.group(1).lower(), match.group(2).lower())
        for match in _POSSESSIVE.finditer(tabular.read_text("utf-8"))
    }
    lexicon = Lexicon.load(10_000)
    listed = lexicon.first_names | lexicon.last_names
    blocked = set(FUNCTION_WORDS.split())
    # An English word that no census list holds is a thing, not a person: "Athlete's".
    names = {
        name
        for name, _ in pairs
        if name not in blocked and (name in listed or not lexicon.vocabulary.knows(name))
    }
    # A frequent English word after one ("Smith's home") says nothing of a disease.
    nouns = {noun for name, noun in pairs if name in names and noun not in lexicon.common_words}
    return sorted(names), sorted(nouns)


def main() -> None:
    names, nouns = eponyms()
    (DATA / "eponyms.txt").write_text("".join(f"{word}\n" for word in names), "utf-8")
    (DATA / "eponym_nouns.txt").write_text("".join(f"{word}\n" for word in nouns), "utf-8")
    print(f"eponyms.txt: {len(names)} names; eponym_nouns.txt: {len(nouns)} words")


if __name__ == "__main__":
    main()
