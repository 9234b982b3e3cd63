"""The per-field cache: the next turn of a conversation gets the same answer, faster, and
the cache keeps no text and stays within its bounds."""

from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor

import pytest

from router.phi import Classification, Classifier, PhiConfig
from router.phi.field_cache import FieldCache

NOTE = "Pt John Smith, MRN 1234567, seen 04/12/2023 for CHF. Call 415-555-0100."
REPLY = "Thanks. Please email john.smith@example.com the discharge summary."
SPLIT = ["The patient's SSN is 123-45", "-6789 and she has diabetes"]


def _chat(*texts: str) -> dict[str, object]:
    return {"messages": [{"role": "user", "content": text} for text in texts]}


def _summary(result: Classification) -> object:
    return (
        result.tier,
        result.reasons,
        result.health_categories,
        [
            (e.type, e.start, e.end, e.path, e.message_index, e.confidence, e.text, e.recognizer)
            for e in result.entities
        ],
    )


@pytest.fixture(scope="module")
def uncached() -> Classifier:
    return Classifier(PhiConfig(field_cache_size=0))


@pytest.mark.parametrize(
    "body",
    [_chat(NOTE), _chat(NOTE, REPLY), _chat(*SPLIT), _chat(REPLY, *SPLIT, NOTE)],
    ids=["one", "two", "split", "mixed"],
)
def test_cached_answers_are_the_uncached_answers(
    classifier: Classifier, uncached: Classifier, body: dict[str, object]
) -> None:
    expected = _summary(uncached.classify_chat(body))
    classifier.clear_cache()
    assert _summary(classifier.classify_chat(body)) == expected  # first time
    assert _summary(classifier.classify_chat(body)) == expected  # every field cached


def test_the_next_turn_reuses_earlier_fields(classifier: Classifier, uncached: Classifier) -> None:
    classifier.clear_cache()
    classifier.classify_chat(_chat(NOTE, SPLIT[0]))
    cached = len(classifier._cache)
    result = classifier.classify_chat(_chat(NOTE, *SPLIT))
    assert _summary(result) == _summary(uncached.classify_chat(_chat(NOTE, *SPLIT)))
    # NOTE and SPLIT[0] were hits; only the new field and the new boundary were added.
    assert len(classifier._cache) == cached + 2


def test_callers_do_not_share_entries(classifier: Classifier, uncached: Classifier) -> None:
    # A hit answers faster than a scan: a cache shared across callers would let one time
    # guesses at what another sent.
    classifier.clear_cache()
    classifier.classify_chat(_chat(NOTE), partition="user:alice")
    held = len(classifier._cache)
    result = classifier.classify_chat(_chat(NOTE), partition="user:mallory")
    assert len(classifier._cache) == 2 * held  # scanned again, kept under mallory's partition
    assert _summary(result) == _summary(uncached.classify_chat(_chat(NOTE)))
    classifier.classify_chat(_chat(NOTE, REPLY), partition="user:alice")
    assert len(classifier._cache) == 2 * held + 2  # alice's next turn: REPLY and its boundary


def test_the_cache_holds_no_text(classifier: Classifier) -> None:
    classifier.clear_cache()
    classifier.classify_chat(_chat(NOTE, REPLY, *SPLIT))
    held = repr(list(classifier._cache._entries.items()))
    for value in ("John", "Smith", "1234567", "04/12/2023", "example.com", "123-45", "6789"):
        assert value not in held


def test_a_disabled_cache_holds_nothing(uncached: Classifier) -> None:
    uncached.classify_chat(_chat(NOTE, REPLY))
    assert len(uncached._cache) == 0


def test_the_cache_is_bounded_by_fields_and_detections() -> None:
    cache: FieldCache[int] = FieldCache(max_fields=3, max_detections=10)
    keys = [cache.digest(f"field {n}") for n in range(5)]
    for key in keys:
        cache.put(key, [1, 2], frozenset())
    assert len(cache) == 3
    assert cache.get(keys[0]) is None  # the least recently used went first
    assert cache.get(keys[4]) == ((1, 2), frozenset())
    cache.put(keys[0], list(range(9)), frozenset({"lab"}))
    assert len(cache) == 1  # nine detections leave room for nothing else
    cache.put(keys[1], list(range(11)), frozenset())  # alone above the bound: not kept
    assert cache.get(keys[1]) is None
    assert cache.get(keys[0]) is not None


def test_digests_depend_on_the_whole_text_and_the_cache() -> None:
    cache: FieldCache[int] = FieldCache(max_fields=3, max_detections=10)
    other: FieldCache[int] = FieldCache(max_fields=3, max_detections=10)
    assert cache.digest("John Smith") == cache.digest("John Smith")
    assert cache.digest("John Smith") != cache.digest("John Smith.")
    assert cache.digest("John Smith") != other.digest("John Smith")  # keyed per cache
    assert cache.digest("\udcff lone surrogate") != cache.digest("lone surrogate")
    assert cache.digest("x", "alice") != cache.digest("x", "bob")
    assert cache.digest("bx", "a") != cache.digest("x", "ab")  # no pair spells another


def test_threads_share_one_cache(classifier: Classifier, uncached: Classifier) -> None:
    bodies = [_chat(NOTE, REPLY), _chat(*SPLIT), _chat(REPLY, NOTE), _chat(NOTE, *SPLIT)]
    expected = [_summary(uncached.classify_chat(body)) for body in bodies]
    classifier.clear_cache()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(classifier.classify_chat, bodies * 25))
    assert [_summary(result) for result in results] == expected * 25


def test_cached_fields_add_no_objects_for_the_collector_to_walk(classifier: Classifier) -> None:
    # Held as tuples, each cached detection was a few objects the garbage collector tracks:
    # thousands of cached fields made its collections long pauses on the request path.
    classifier.clear_cache()
    notes = [f"{NOTE} Visit {n}." for n in range(200)]
    gc.collect()
    before = len(gc.get_objects())
    for note in notes:
        classifier.classify_chat(_chat(note))
    gc.collect()
    detections = sum(count for count, _ in classifier._cache._entries.values())
    assert detections >= 3 * len(notes)
    assert len(gc.get_objects()) - before < len(notes) // 2
