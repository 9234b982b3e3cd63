"""The PHI evasion corpus (tests/phi/evasion_corpus.py): every case is caught or refused.

A case the classifier cannot catch yet is listed with `known_miss` and runs as
xfail(strict=True), so fixing it fails the test until the corpus is updated.
"""

from __future__ import annotations

import json

import pytest

from router.errors import ClassificationRejected
from router.phi import Classifier, deidentify_chat
from router.tiers import Tier
from tests.phi.evasion_corpus import CORPUS, Evasion


def _case(evasion: Evasion) -> object:
    marks = (
        [pytest.mark.xfail(strict=True, reason=evasion.known_miss)] if evasion.known_miss else []
    )
    return pytest.param(evasion, id=evasion.id, marks=marks)


def caught(classifier: Classifier, evasion: Evasion) -> bool:
    try:
        return classifier.classify_chat(evasion.body).tier is not Tier.NON_PHI
    except ClassificationRejected:
        return True  # refused: nothing leaves


@pytest.mark.parametrize("evasion", [_case(e) for e in CORPUS])
def test_evasion_is_caught(classifier: Classifier, evasion: Evasion) -> None:
    assert caught(classifier, evasion)


@pytest.mark.parametrize("evasion", [_case(e) for e in CORPUS if e.secret])
def test_secret_does_not_survive_deidentification(classifier: Classifier, evasion: Evasion) -> None:
    result = classifier.classify_chat(evasion.body)
    new_body, _ = deidentify_chat(evasion.body, result)
    assert evasion.secret in json.dumps(evasion.body, ensure_ascii=False)
    assert evasion.secret not in json.dumps(new_body, ensure_ascii=False)


@pytest.mark.parametrize("evasion", [e for e in CORPUS if not e.known_miss], ids=lambda e: e.id)
def test_entities_index_the_original_text(classifier: Classifier, evasion: Evasion) -> None:
    """Offsets point into what the client sent, so replacements cover the evasive text."""
    entities = classifier.classify_chat(evasion.body).entities
    assert entities
    for entity in entities:
        assert entity.text, "an entity covers part of the original text"
        assert entity.text == entity.text.strip(), "no padding around a replaced span"


def test_split_identifier_is_replaced_in_both_messages(classifier: Classifier) -> None:
    body = {
        "messages": [
            {"role": "user", "content": "my ssn is 123-45"},
            {"role": "user", "content": "-6789 thanks"},
        ]
    }
    new_body, surrogates = deidentify_chat(body, classifier.classify_chat(body))
    text = json.dumps(new_body)
    assert "123-45" not in text
    assert "6789" not in text
    assert len(surrogates) >= 1
