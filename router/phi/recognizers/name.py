"""Person names, from census name lists plus context.

Evidence, strongest first:
- a title or cue before the name ("Dr. Nguyen", "Mr. Ferko Takats", "my name is john
  smith", "Dear Anna", "seen by", "daughter Maria"): the following name-like tokens;
- a run of capitalised tokens with at least one rare-enough census name ("Teresa
  Kreutzmann", "SMITH, JOHN", "J. Smith", "Anna S.");
- a lone capitalised census first name that is not a common English word ("Kevin").
Tokens that are common English words ("Will", "Hope", "Brown") count only next to stronger
evidence; clinical terms, months and weekdays never start a name; eponyms ("Parkinson
disease", "Bell's palsy") are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from router.phi.entities import EntityType
from router.phi.lexicon import Lexicon, fold
from router.phi.recognizers.base import Candidate, Hit, Pattern, Recognizer

_TITLES = r"mr|mrs|ms|miss|mx|dr|doctor|prof|professor|sr|sra|srta|mme|mlle|herr|frau"
_CUES = (
    r"patient|pt|my\s+name\s+is|name\s+is|name|named|patient\s+name|dear|hi|hello|hey|"
    r"signed|signed\s+by|seen\s+by|seen\s+with|spoke\s+(?:with|to)|talked\s+(?:with|to)|"
    r"referred\s+by|attending|resident|nurse|rn|np|pcp|physician|provider|surgeon|"
    r"caregiver|son|daughter|wife|husband|mother|father|brother|sister|mom|dad|guardian|"
    r"spouse|partner|grandson|granddaughter|attn|cc|sincerely|regards|thanks|thank\s+you|"
    r"i\s+am|i'm|call\s+me|calls\s+me"
)
# Cues after which only a capitalised, listed, uncommon name is taken.
_WEAK_CUES = r"for|from|by|with|says|said|contact|this\s+is"
_MONTHS_AND_DAYS = (
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday jan feb mar apr jun jul aug "
    "sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun today tomorrow"
)
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday today tomorrow"
_FUNCTION_WORDS = (
    "a an the and or but if of in on at to for from by with as is are was were be been not "
    "no yes i you he she we they it this that these those my your his her our their me him "
    "us them who what when where why how which please dear hi hello hey thanks regards "
    "re fw fwd subject note plan assessment history exam impression mr mrs ms dr pt "
    "patient patients doctor nurse physician provider md do rn np pa mrn dob ssn id dx hx rx"
)
# A capitalised run with one of these is a place or an organisation, not a person.
_PLACE_WORDS = (
    "street st avenue ave road rd boulevard blvd lane ln drive court ct place way terrace "
    "parkway highway hwy square trail hospital clinic center centre medical health county "
    "parish city town village university college school church institute foundation "
    "company inc llc ltd corp corporation group pharmacy lake river mount mountain bay beach "
    "valley island park station airport department dept unit ward wing floor building hall"
)
# Lower-case particles inside names: "Abril de la Rosa", "Ludwig van Beethoven".
_PARTICLES = frozenset(
    f" {particle} "
    for particle in (
        "de",
        "la",
        "de la",
        "del",
        "della",
        "di",
        "da",
        "do",
        "dos",
        "das",
        "du",
        "le",
        "van",
        "von",
        "van der",
        "van den",
        "von der",
        "ter",
        "ten",
        "bin",
        "ibn",
        "al",
        "el",
    )
)
_EPONYM_FOLLOWERS = (
    r"(?:'s)?\s+(?:disease|syndrome|palsy|sign|test|criteria|score|scale|classification|"
    r"maneuver|manoeuvre|procedure|reflex|esophagus|sarcoma|lymphoma|phenomenon|ulcer|"
    r"fracture|tumou?r|law|rule|equation|formula|index|protocol|method|technique|operation|"
    r"repair|type|stage|grade|position|node|cell|cells|virus|ratio)\b"
)


class _Token(NamedTuple):
    start: int
    end: int
    first: bool
    last: bool
    common: bool
    blocked: bool
    initial: bool
    all_caps: bool

    @property
    def listed(self) -> bool:
        return self.first or self.last

    @property
    def strong(self) -> bool:
        return self.listed and not self.common


class NameRecognizer(Recognizer):
    name = "name"

    def __init__(self, lexicon: Lexicon, clinical_words: frozenset[str]) -> None:
        self._lexicon = lexicon
        # Months stay out of this set: "April", "May", "June" are also first names.
        self._blocked = (
            clinical_words | frozenset(_FUNCTION_WORDS.split()) | frozenset(_WEEKDAYS.split())
        )
        self._weekdays_and_months = frozenset(_MONTHS_AND_DAYS.split())
        self._place_words = frozenset(_PLACE_WORDS.split())
        self._eponym = re.compile(_EPONYM_FOLLOWERS, re.IGNORECASE)
        self._after_cue = re.compile(
            r"[\s.:,]{0,3}((?:[^\W\d_]\.|[^\W\d_][^\W\d_'\u2019\-]*(?:['\u2019\-][^\W\d_]+)*)"
            r"(?:,?[ \t]+(?:[^\W\d_]\.|[^\W\d_][^\W\d_'\u2019\-]*(?:['\u2019\-][^\W\d_]+)*)){0,3})"
        )
        self._word = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*\.?")
        # Capitalised tokens, Unicode-aware ("Jos\u00e9", "O'Brien", "Smith-Jones").
        self._capitalised = re.compile(r"\b[A-Z\u00c0-\u00de][^\W\d_]*(?:['\u2019\-][^\W\d_]+)*")

    def patterns(self) -> Sequence[Pattern]:
        return (
            Pattern("title", rf"\b(?:{_TITLES})\b\.?", caseless=True, max_length=0),
            Pattern("cue", rf"\b(?:{_CUES})\b", caseless=True, max_length=0),
            Pattern("weak", rf"\b(?:{_WEAK_CUES})\b", caseless=True, max_length=0),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        tokens: list[_Token] = []
        blocked = self._blocked
        for match in self._capitalised.finditer(text):
            value = match.group()
            if not value[0].isupper() or (len(value) > 1 and value.lower() in blocked):
                continue  # the common case, kept cheap: "The", "Patient", "Please"
            tokens.append(self._token(text, match.start(), match.end(), value))
        for run in self._runs(text, tokens):
            yield from self._judge_run(text, run)
        for cue in sorted(set(hits), key=lambda hit: hit.end):
            yield from self._after_cue_names(text, cue)

    def _token(self, text: str, start: int, end: int, value: str) -> _Token:
        key = fold(value)
        lexicon = self._lexicon
        parts = key.replace("\u2019", "'").split("-")
        first = key in lexicon.first_names or parts[0] in lexicon.first_names
        last = key in lexicon.last_names or parts[-1] in lexicon.last_names
        initial = len(value) == 1 and text[end : end + 1] == "."
        common = key in lexicon.common_words
        return _Token(
            start,
            end,
            first,
            last,
            common or key in self._weekdays_and_months,
            not initial
            and (
                (common and not (first or last))
                or len(value) == 1
                # An unlisted acronym ("CHF", "ICU") beside a name is not part of it.
                or (len(value) <= 4 and value.isupper() and not (first or last))
            ),
            initial,
            len(value) > 1 and value.isupper(),
        )

    def _runs(self, text: str, tokens: list[_Token]) -> Iterator[list[_Token]]:
        run: list[_Token] = []
        for token in tokens:
            if run and token.start < run[-1].end:
                continue  # a tail ("O'Brien") already covered this token
            if run and not self._joins(text, run[-1], token):
                yield run
                run = []
            run.append(token)
        if run:
            yield run

    @staticmethod
    def _joins(text: str, previous: _Token, token: _Token) -> bool:
        gap = text[previous.end : token.start]
        if gap in {" ", "  ", "\t"} or gap in _PARTICLES:
            return True
        if previous.initial and gap in {". ", "."}:
            return True
        # "SMITH, JOHN": a last name, a comma, a first name.
        return gap in {", ", ","} and previous.last and token.first

    def _judge_run(self, text: str, run: list[_Token]) -> Iterator[Candidate]:
        part: list[_Token] = []
        for token in [*run, None]:
            if token is not None and not token.blocked:
                part.append(token)
                continue
            if part:
                candidate = self._judge_part(text, part)
                if candidate is not None:
                    yield candidate
            part = []

    def _judge_part(self, text: str, part: list[_Token]) -> Candidate | None:
        words = [token for token in part if not token.initial]
        if not words:
            return None
        start, end = part[0].start, part[-1].end
        if part[-1].initial:
            end += 1  # "Anna S." keeps its full stop
        if self._eponym.match(text, part[-1].end) or self._is_place(text, part):
            return None
        confidence = self._part_confidence(text, part, words)
        if confidence is None:
            return None
        return Candidate(EntityType.NAME, start, end, confidence, self.name)

    def _part_confidence(self, text: str, part: list[_Token], words: list[_Token]) -> float | None:
        strong = sum(token.strong for token in words)
        listed = sum(token.listed for token in words)
        if len(part) >= 2:
            if strong >= 1:
                return 0.9
            if listed >= 2 and words[0].first and words[-1].last:
                return 0.6  # "Mark Young": two common words, in name order
            if len(words) < len(part):
                return 0.7  # "R. Bonbach", "Paride G.": an initial marks a name
            if all(len(text[t.start : t.end]) >= 3 and not t.all_caps for t in words):
                return 0.6  # "Mariusz Raczkiewicz": capitalised, rare, side by side
            return None
        token = words[0]
        if not token.strong or token.all_caps:
            return None
        # A lone surname-list word ("Portal", "Hoehn") is too often something else.
        return 0.75 if token.first else 0.45

    def _is_place(self, text: str, part: list[_Token]) -> bool:
        return any(fold(text[token.start : token.end]) in self._place_words for token in part)

    def _after_cue_names(self, text: str, cue: Hit) -> Iterator[Candidate]:
        match = self._after_cue.match(text, cue.end)
        if match is None:
            return
        is_title = cue.tag == "title"
        weak = cue.tag == "weak"
        taken: list[tuple[int, int]] = []
        for word in self._word.finditer(text, match.start(1), match.end(1)):
            if not self._accept_after_cue(word.group(), is_title=is_title, weak=weak):
                break
            after_comma = bool(taken) and "," in text[taken[-1][1] : word.start()]
            if after_comma and fold(word.group()) not in self._lexicon.first_names:
                break  # "SMITH, JOHN" continues past a comma; "Smith, DOB" does not
            taken.append(word.span())
        if not taken:
            return
        start, end = taken[0][0], taken[-1][1]
        if text[end - 1] == "." and end - start > 2 and text[end - 3] != " ":
            end -= 1  # a sentence's full stop, not an initial's
        if self._eponym.match(text, end):
            return
        confidence = 0.95 if is_title else (0.7 if weak else 0.85)
        yield Candidate(EntityType.NAME, start, end, confidence, self.name)

    def _accept_after_cue(self, word: str, *, is_title: bool, weak: bool) -> bool:
        bare = word.rstrip(".")
        key = fold(bare)
        if not bare or key in self._blocked:
            return False
        capitalised = bare[0].isupper()
        listed = key in self._lexicon.first_names or key in self._lexicon.last_names
        if len(bare) == 1:
            return capitalised and word.endswith(".")
        if weak:
            # "from Boston", "by Pfizer": only a listed, capitalised, uncommon name counts.
            return capitalised and listed and key not in self._lexicon.common_words
        common = key in self._lexicon.common_words
        if is_title:
            return capitalised or (listed and not common)
        return (capitalised or listed) and not common
