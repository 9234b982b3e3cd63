"""Regenerate router/phi/data/drug_names.txt.gz (run by hand, not at run time).

    pip install 'drug-named-entity-recognition==2.0.9'
    PYTHONPATH=. python scripts/gen_drug_names.py

One-word drug names, generic and brand ("lisinopril", "toradol", "xarelto"), lower-cased,
one per line, from the dictionary that `drug-named-entity-recognition` 2.0.9 ships (MIT;
DrugBank, NHS, MeSH and MedlinePlus names). The name recognizer reads them as known words,
so that a capitalised drug is never taken for a person's name.
"""

from __future__ import annotations

import bz2
import gzip
import pickle
from importlib import resources
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "router" / "phi" / "data"


class _PlainDataUnpickler(pickle.Unpickler):
    """The dictionary holds dicts, lists, strings and numbers only: refuse every class."""

    def find_class(self, module: str, name: str) -> type:
        raise pickle.UnpicklingError(f"refused to load {module}.{name}")


def drug_names() -> list[str]:
    data = resources.files("drug_named_entity_recognition").joinpath("drug_ner_dictionary.pkl.bz2")
    with data.open("rb") as raw, bz2.open(raw) as handle:
        dictionary = _PlainDataUnpickler(handle).load()
    variants: dict[str, object] = dictionary["drug_variant_to_canonical"]
    return sorted({v for v in variants if v.isascii() and v.isalpha() and len(v) >= 3})


def main() -> None:
    names = drug_names()
    # mtime=0: the same list gives the same bytes, so a regeneration shows no spurious diff.
    with (
        open(DATA / "drug_names.txt.gz", "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle,
    ):
        handle.write("".join(f"{name}\n" for name in names).encode("ascii"))
    print(f"drug_names.txt.gz: {len(names)} names")


if __name__ == "__main__":
    main()
