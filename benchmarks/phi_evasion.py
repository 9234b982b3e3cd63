"""PHI evasion catch rate: the corpus of tests/phi/evasion_corpus.py, per kind.

    PYTHONPATH=. python benchmarks/phi_evasion.py

A case is caught when the detected tier is not `non_phi` or the request is refused.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from router.errors import ClassificationRejected
from router.phi import Classifier
from router.tiers import Tier
from tests.phi.evasion_corpus import CORPUS, Evasion


def outcome(classifier: Classifier, evasion: Evasion) -> tuple[bool, str]:
    try:
        result = classifier.classify_chat(evasion.body)
    except ClassificationRejected:
        return True, "refused"
    types = ",".join(sorted({entity.type.value for entity in result.entities})) or "-"
    return result.tier is not Tier.NON_PHI, f"{result.tier.value} ({types})"


def main() -> int:
    classifier = Classifier()
    total: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    print(f"{'case':<26}{'kind':<24}{'caught':<8}result")
    for evasion in CORPUS:
        ok, detail = outcome(classifier, evasion)
        total[evasion.kind] += 1
        caught[evasion.kind] += ok
        note = f"   known miss: {evasion.known_miss}" if evasion.known_miss else ""
        print(f"{evasion.id:<26}{evasion.kind:<24}{'yes' if ok else 'NO':<8}{detail}{note}")
    print(f"\n{'kind':<24}{'caught':>8}{'cases':>7}")
    for kind in total:
        print(f"{kind:<24}{caught[kind]:>8}{total[kind]:>7}")
    all_caught, all_cases = sum(caught.values()), sum(total.values())
    print(f"{'ALL':<24}{all_caught:>8}{all_cases:>7}   catch rate {all_caught / all_cases:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
