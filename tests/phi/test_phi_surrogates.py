"""De-identification with typed surrogates, and re-identification, streamed or not."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from router.phi import Classifier, SurrogateMap, deidentify_chat
from router.phi.entities import EntityType


def body() -> dict[str, Any]:
    return {
        "messages": [
            {"role": "user", "content": "Patient John Smith, DOB 03/04/1950, has CHF."},
            {"role": "user", "content": [{"type": "text", "text": "Is JOHN SMITH on warfarin?"}]},
            {
                "role": "assistant",
                "tool_calls": [{"function": {"name": "f", "arguments": '{"q": "John Smith"}'}}],
            },
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]},
        ]
    }


def test_surrogates_are_typed_and_consistent(classifier: Classifier) -> None:
    original = body()
    new_body, surrogates = deidentify_chat(original, classifier.classify_chat(original))
    messages: Any = new_body["messages"]
    first = messages[0]["content"]
    assert first == "Patient [NAME_1], DOB [DATE_1], has CHF."
    assert messages[1]["content"][0]["text"] == "Is [NAME_1] on warfarin?"
    arguments = messages[2]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(arguments) == {"q": "[NAME_1]"}
    assert messages[3]["content"][0] == {"type": "text", "text": "[PHOTO_1]"}
    assert original == body(), "the caller's body is not modified"
    assert len(surrogates) == 3


def test_restore_full_response(classifier: Classifier) -> None:
    original = body()
    _, surrogates = deidentify_chat(original, classifier.classify_chat(original))
    restored = surrogates.restore("[NAME_1] (born [DATE_1]) and [NAME_9]; see [PHOTO_1]")
    assert restored == "John Smith (born 03/04/1950) and [NAME_9]; see [PHOTO_1]"


def test_stream_restore_across_split_surrogates() -> None:
    surrogates = SurrogateMap()
    surrogate = surrogates.surrogate_for(EntityType.NAME, "Anna Kowalski")
    assert surrogate == "[NAME_1]"
    restorer = surrogates.stream_restorer()
    out = [restorer.feed(chunk) for chunk in ["Hello [NA", "ME_1], your [", "x] is ", "[NAME_1"]]
    out.append(restorer.flush())
    assert "".join(out) == "Hello Anna Kowalski, your [x] is [NAME_1"
    assert out[0] == "Hello "


def test_stream_does_not_hold_ordinary_text() -> None:
    restorer = SurrogateMap().stream_restorer()
    assert restorer.feed("plain text [1] and a list [a, b]") == "plain text [1] and a list [a, b]"


@given(st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=40))
def test_any_chunking_restores_the_same(cuts: list[int]) -> None:
    surrogates = SurrogateMap()
    surrogates.surrogate_for(EntityType.NAME, "Anna")
    surrogates.surrogate_for(EntityType.AGE_OVER_89, "92-year-old")
    text = "[NAME_1] is a [AGE_OVER_89_1] patient; [NAME_1] [NAME_2] [x]" * 2
    restorer = surrogates.stream_restorer()
    pieces, position = [], 0
    for cut in cuts * 20:
        if position >= len(text):
            break
        pieces.append(restorer.feed(text[position : position + cut]))
        position += cut
    pieces.append(restorer.feed(text[position:]))
    pieces.append(restorer.flush())
    assert "".join(pieces) == surrogates.restore(text)
    assert "Anna is a 92-year-old patient" in "".join(pieces)
