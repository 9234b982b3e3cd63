"""The tier rules, reasons without PHI, and how a chat request is walked."""

from __future__ import annotations

from typing import Any

import pytest

from router.phi import Classifier, EntityType, effective_tier
from router.tiers import Tier

TIER_CASES = [
    ("Pt John Smith (MRN 12345678) admitted 04/12/2023 with pneumonia.", Tier.PHI_HEAVY),
    ("Please schedule Mrs. Anna Kowalski with Dr. Nguyen next Tuesday.", Tier.SOMETIMES_PHI),
    ("A 55-year-old man with hypertension: first-line treatment?", Tier.NON_PHI),
    ("What changed in the 2023 ADA guideline for metformin?", Tier.NON_PHI),
    ("Call me at 555-123-4567 about the invoice.", Tier.SOMETIMES_PHI),
    ("How do I reverse a linked list in Python?", Tier.NON_PHI),
    ("a 92-year-old woman with CHF and eGFR 25", Tier.PHI_HEAVY),
    ("", Tier.NON_PHI),
]


@pytest.mark.parametrize(("text", "tier"), TIER_CASES)
def test_tier_rules(classifier: Classifier, text: str, tier: Tier) -> None:
    assert classifier.classify_text(text).tier is tier


def test_reasons_name_types_but_never_values(classifier: Classifier) -> None:
    text = "Pt John Smith, SSN 123-45-6789, has diabetes."
    result = classifier.classify_text(text)
    joined = " ".join(result.reasons)
    assert "NAME" in joined and "SSN" in joined and "health information" in joined
    for entity in result.entities:
        assert entity.text not in joined
        assert entity.text not in repr(entity)
    assert result.entity_counts() == {"NAME": 1, "SSN": 1}
    assert result.has_health_information


def test_offsets_index_the_original_text(classifier: Classifier) -> None:
    # Full-width "Pt" and "SSN 123-45-6789", and a zero-width space inside the name.
    text = (
        "\uff30\uff54: John\u200b Smith, \uff33\uff33\uff2e "
        + "\uff11\uff12\uff13-\uff14\uff15-\uff16\uff17\uff18\uff19"
    )
    for entity in classifier.classify_text(text).entities:
        assert text[entity.start : entity.end] == entity.text
    types = {e.type for e in classifier.classify_text(text).entities}
    assert EntityType.SSN in types


def chat_body() -> dict[str, Any]:
    return {
        "model": "any",
        "tools": [
            {"type": "function", "function": {"name": "lookup", "description": "Call John Smith"}}
        ],
        "messages": [
            {"role": "system", "content": "You are a clinical assistant."},
            {
                "role": "user",
                "name": "nurse_station",
                "content": [
                    {"type": "text", "text": "Summarise the chart."},
                    {"type": "text", "text": "Patient Maria Garcia, MRN 7788991, has CHF."},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "lookup", "arguments": '{"phone": "555-867-5309"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "DOB 03/04/1950"},
        ],
    }


def test_chat_paths_and_message_indexes(classifier: Classifier) -> None:
    result = classifier.classify_chat(chat_body())
    located = {(e.type, e.path, e.message_index) for e in result.entities}
    assert (EntityType.NAME, "messages[1].content[1].text", 1) in located
    assert (EntityType.MRN, "messages[1].content[1].text", 1) in located
    assert (EntityType.PHOTO, "messages[1].content[2]", 1) in located
    assert (EntityType.PHONE, "messages[2].tool_calls[0].function.arguments", 2) in located
    assert (EntityType.DATE, "messages[3].content", 3) in located
    assert result.tier is Tier.PHI_HEAVY
    assert any("photograph" in reason for reason in result.reasons)


def test_tool_definitions_are_not_patient_data(classifier: Classifier) -> None:
    body = {
        "tools": [{"function": {"description": "Ask John Smith at 555-123-4567"}}],
        "messages": [],
    }
    assert classifier.classify_chat(body).entities == ()


def test_image_part_alone_is_possible_phi(classifier: Classifier) -> None:
    body = {
        "messages": [
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}
        ]
    }
    result = classifier.classify_chat(body)
    assert [e.type for e in result.entities] == [EntityType.PHOTO]
    assert result.tier is Tier.SOMETIMES_PHI


def test_dict_tool_arguments_are_walked(classifier: Classifier) -> None:
    arguments = {"patient": {"full name": "Maria Garcia", "ids": ["MRN 7788991"]}}
    body = {
        "messages": [{"role": "assistant", "tool_calls": [{"function": {"arguments": arguments}}]}]
    }
    paths = {e.path for e in classifier.classify_chat(body).entities}
    assert 'messages[0].tool_calls[0].function.arguments.patient["full name"]' in paths


def test_classify_fields_for_other_endpoints(classifier: Classifier) -> None:
    result = classifier.classify_fields([("prompt[0]", "Dear Anna,"), ("prompt[1]", "no phi")])
    assert [(e.path, e.type) for e in result.entities] == [("prompt[0]", EntityType.NAME)]
    assert result.entities[0].message_index is None


def test_effective_tier_is_never_lowered(classifier: Classifier) -> None:
    detected = classifier.classify_text("general question about statins")
    assert effective_tier(Tier.PHI_HEAVY, detected) is Tier.PHI_HEAVY
    raised = classifier.classify_text("Patient John Smith has CHF")
    assert effective_tier(Tier.NON_PHI, raised) is Tier.PHI_HEAVY


def test_classifier_is_safe_to_share_between_threads(classifier: Classifier) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"Pt John Smith MRN {1000000 + i} has CHF" for i in range(40)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(classifier.classify_text, texts))
    for text, result in zip(texts, results, strict=True):
        assert {e.text for e in result.entities} == {"John Smith", text.split()[4]}
