"""Health information: what makes a request with identifiers phi_heavy."""

from __future__ import annotations

import pytest

from router.phi import Classifier

HEALTH = [
    ("started metformin 500 mg", "medication"),
    ("history of atrial fibrillation", "diagnosis"),
    ("s/p cholecystectomy", "procedure"),
    ("A1c 8.1 and LDL 130", "lab"),
    ("admitted overnight", "encounter"),
    ("new on lisinopril", "medication"),
    ("complains of chest pain", "symptom"),
]
NOT_HEALTH = [
    "Please move the appointment to Tuesday at the clinic.",
    "The invoice is attached.",
    "He got his diploma in Oklahoma; lots of sympathy.",
    "SQL injection in the std library",
]


@pytest.mark.parametrize(("text", "category"), HEALTH)
def test_health_information_found(classifier: Classifier, text: str, category: str) -> None:
    result = classifier.classify_text(text)
    assert result.has_health_information
    assert category in result.health_categories


@pytest.mark.parametrize("text", NOT_HEALTH)
def test_scheduling_and_prose_are_not_health(classifier: Classifier, text: str) -> None:
    assert not classifier.classify_text(text).has_health_information
