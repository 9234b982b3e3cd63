"""Names in text written all in lower case ("follow up with patricia desrosiers").

Capitals are the name recognizer's main evidence; a message typed all in lower case has
none, so only the name lists speak there:
- a first name then a surname, side by side ("patricia desrosiers", "olga krylova's");
- a list of three or more first names ("silvana, adam, christopher and caleb");
- a lone first name that is no English word ("selma", "kristina").
Only texts without a single capital are read this way: elsewhere a name in lower case is
rare and the words that look like one are mostly prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from router.phi.entities import EntityType
from router.phi.lexicon import Lexicon, fold
from router.phi.name_terms import FUNCTION_WORDS, MONTHS_AND_DAYS
from router.phi.not_a_person import NotAPerson
from router.phi.recognizers.base import Candidate

_PAIR_CONFIDENCE = 0.6
_LIST_CONFIDENCE = 0.6
_LONE_CONFIDENCE = 0.55
_CONJUNCTIONS = frozenset(("and", "or"))
# A middle initial between two words, with or without its full stop: " p ", " t. ".
_INITIAL = re.compile(r" [a-z]\.? ")
_LIST_GAPS = frozenset((", ", ", and ", " and ", ", or ", " or ", " & ", ","))
# Latin endings of species epithets ("candida albicans", "candida glabrata"): such a
# second word makes a genus and species, not a first name and a surname.
_EPITHET_ENDING = re.compile(r"(?:ans|ens|us|um|is|ii|ae|i|ata|osa|ica|ella)$")


class _Word(NamedTuple):
    start: int
    end: int
    first: bool  # a census first name, not a common English word
    surname: bool  # could close a name: listed, or no English word
    rare: bool  # no English word, no drug


class LowercaseNames:
    def __init__(
        self,
        lexicon: Lexicon,
        clinical_words: frozenset[str],
        not_a_person: NotAPerson,
        source: str = "name",
    ) -> None:
        self._lexicon = lexicon
        self._not_a_person = not_a_person
        # Clinical and function words, weekdays and months: never a name.
        self._never = clinical_words | frozenset(f"{FUNCTION_WORDS} {MONTHS_AND_DAYS}".split())
        self._source = source
        self._word = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")

    def find(self, text: str) -> Iterator[Candidate]:
        if not text.islower():
            return  # a capital anywhere: the name recognizer's own rules apply
        # "and" and "or" join a list; the gaps between the other words tell how.
        words = [
            self._judge(match.start(), match.end(), match.group())
            for match in self._word.finditer(text)
            if match.group() not in _CONJUNCTIONS
        ]
        taken: set[int] = set()
        yield from self._pairs(text, words, taken)
        yield from self._lists(text, words, taken)
        for index, word in enumerate(words):
            if index in taken or not (word.first and word.rare):
                continue
            if not self._not_a_person.names_a_thing(text, word.start, word.end):
                yield self._candidate(word.start, word.end, _LONE_CONFIDENCE)

    def _judge(self, start: int, end: int, value: str) -> _Word:
        if value.endswith(("'s", "\u2019s")):
            value, end = value[:-2], end - 2
        key = fold(value)
        lexicon = self._lexicon
        if len(key) < 3 or key in self._never or key in lexicon.common_words:
            return _Word(start, end, False, False, False)
        listed_first = key in lexicon.first_names
        listed = listed_first or key in lexicon.last_names
        known = lexicon.vocabulary.knows(key) or "'" in key or "\u2019" in key
        unknown = not known and not listed and len(key) >= 4
        surname = listed or (unknown and _EPITHET_ENDING.search(key) is None)
        return _Word(start, end, listed_first, surname, not known and len(key) >= 4)

    def _pairs(self, text: str, words: list[_Word], taken: set[int]) -> Iterator[Candidate]:
        for index in range(len(words) - 1):
            first, second = words[index], words[index + 1]
            if first.first and second.surname and text[first.end : second.start] == " ":
                taken.update((index, index + 1))
                yield self._candidate(first.start, second.end, _PAIR_CONFIDENCE)
                continue
            if index + 2 >= len(words) or second.end - second.start != 1:
                continue
            # "emidio p lombardo", "hyuuma t. maida": a middle initial between two words
            # that are names or no English word marks a name even in lower case.
            third = words[index + 2]
            if (
                (first.first or first.rare)
                and third.surname
                and _INITIAL.fullmatch(text, first.end, third.start)
            ):
                taken.update((index, index + 2))
                yield self._candidate(first.start, third.end, _PAIR_CONFIDENCE)

    def _lists(self, text: str, words: list[_Word], taken: set[int]) -> Iterator[Candidate]:
        run: list[int] = []
        for index, word in enumerate([*words, None]):
            joined = (
                word is not None
                and bool(run)
                and text[words[run[-1]].end : word.start] in _LIST_GAPS
            )
            if word is not None and (word.first or word.rare) and (joined or not run):
                run.append(index)
                continue
            if len(run) >= 3 and sum(words[i].first for i in run) >= 2:
                for i in run:
                    if i not in taken:
                        taken.add(i)
                        yield self._candidate(words[i].start, words[i].end, _LIST_CONFIDENCE)
            run = [index] if word is not None and (word.first or word.rare) else []

    def _candidate(self, start: int, end: int, confidence: float) -> Candidate:
        return Candidate(EntityType.NAME, start, end, confidence, self._source)
