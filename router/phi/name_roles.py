"""Where a capitalised word stands as a person: the roles the name recognizer reads.

A lone surname-list word ("Medina"), a word of the dictionary that is also a name
("Marcello") or a first name that is a common word ("Mark", "Faith") is too weak alone.
Some places in a sentence only a person takes:
- the subject of a speech verb ("Marcello shouted at the nurse", "Medina said");
- the one spoken to ("Don't go yet, Mark!", "Medina, can you call me?", "Thanks, Guy");
- a speaker's label in a dialogue ("Faith: Did you take it?" beside "Ella: ...");
- the one whose relative or home is named ("Medina's wife", "roberto's daughter");
- a family or an author named by the surname ("the Medina family", "the Ferreira novel");
- a listed word named together with a person found ("Okonkwo and Brown").
Months and weekdays ("May", "June"), the roles of a chat transcript ("Bot:", "User:") and
words the name recognizer blocks (clinical and function words) never take a role.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.lexicon import Lexicon, fold
from router.phi.name_terms import (
    CHAT_ROLES,
    FAMILY_NOUNS,
    GREETING_PHRASES,
    GREETINGS,
    MONTHS_AND_DAYS,
    NOTE_HEADINGS,
    RELATIVE_NOUNS,
    SPEECH_VERBS,
    VOCATIVE_FOLLOWERS,
    WORK_NOUNS,
)
from router.phi.name_tokens import NameToken
from router.phi.recognizers.base import Candidate, Hit, Pattern

# Above a lone unknown word (0.55), below a name after a cue (0.85): the role is the cue.
_ROLE_CONFIDENCE = 0.7
# A name found alone with this confidence (an unknown word's 0.55 and up) vouches for
# the listed word named with it.
_MIN_PARTNER_CONFIDENCE = 0.55
_COORDINATION = (" and ", ", ", " & ", ", and ", " or ")
_DETERMINERS = frozenset(
    ("the", "a", "an", "this", "that", "my", "your", "his", "her", "our", "their", "its")
)
_SPEECH_VERBS = frozenset(SPEECH_VERBS.split())
_VOCATIVE_FOLLOWERS = frozenset(VOCATIVE_FOLLOWERS.split())
_GREETINGS = frozenset(GREETINGS.split())
_RELATIVE_NOUNS = frozenset(RELATIVE_NOUNS.split())
_FAMILY_NOUNS = frozenset(FAMILY_NOUNS.split())
_WORK_NOUNS = frozenset(WORK_NOUNS.split())
_POSSESSIVES = ("'s", "\u2019s")
# Where a sentence, a line or the text starts: what may come before the one spoken to.
_SENTENCE_STARTS = frozenset(("", ".", "!", "?", "\n"))
# How far around a word its neighbours are read (a word, its space and punctuation).
_WINDOW = 16


class NameRoles:
    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._calendar = frozenset(MONTHS_AND_DAYS.split())
        self._dialogue_line = re.compile(r"(?m)^[ \t]*[^\W\d_][\w'\-]*[ \t]*:[ \t]*[^\d\s]")

    def patterns(self) -> Sequence[Pattern]:
        """Where a role may be, found in the one Hyperscan pass (ends only, no start
        tracking): the words around every capitalised word are read in Python only there.
        The scanned text is ASCII (other letters read "A" or "a", other characters "?")."""
        word = r"[A-Z][A-Za-z'\-]*"
        return (
            Pattern("role", rf"[A-Za-z][ \t]+(?:{_alternation(SPEECH_VERBS)})\b", max_length=0),
            Pattern(
                "role",
                rf"['?]s[ \t]+(?:{_alternation(RELATIVE_NOUNS)})\b",
                caseless=True,
                max_length=0,
            ),
            Pattern(
                "role",
                rf"\b(?i:the)[ \t]+{word}[ \t]+"
                rf"(?i:{_alternation(FAMILY_NOUNS)}|{_alternation(WORK_NOUNS)})\b",
                max_length=0,
            ),
            Pattern(
                "role_start",
                rf"\b(?i:{_alternation(GREETINGS)}|thank[ \t]+you|good[ \t]+"
                r"(?:morning|afternoon|evening))[,!]?[ \t]+[A-Z]",
                max_length=0,
            ),
            Pattern("role", rf",[ \t]+{word}[ \t]*[!?.]", max_length=0),
            Pattern(
                "role", rf"[A-Za-z],[ \t]+(?i:{_alternation(VOCATIVE_FOLLOWERS)})\b", max_length=0
            ),
            Pattern("role_label", rf"(?:^|\n)[ \t]*{word}[ \t]*:", max_length=0),
        )

    def find(
        self, text: str, tokens: Sequence[NameToken], hits: Sequence[Hit]
    ) -> Iterator[Candidate]:
        """People by their role in the sentence; a token may be found twice (overlaps merge)."""
        labels: list[NameToken] = []
        judged: set[tuple[int, str]] = set()
        for hit in hits:
            if hit.tag == "role_start":
                token = _token_starting(tokens, hit.end - 1)
            else:
                token = _token_ending(tokens, _end_of_word_before(text, hit.end, hit.tag))
            if token is None or (token.end, hit.tag) in judged:
                continue
            judged.add((token.end, hit.tag))
            if token.blocked or token.initial or token.all_caps:
                continue
            if hit.tag == "role_label":
                labels.append(token)  # judged together below: one label is no dialogue
                continue
            after = text[token.end : token.end + _WINDOW]
            if self._in_role(text, token, after) and self._may_be_person(text, token):
                yield Candidate(EntityType.NAME, token.start, token.end, _ROLE_CONFIDENCE, "name")
        if labels:
            yield from self._speakers(text, labels)

    def listed_with(
        self, text: str, lone: Sequence[NameToken], found: Sequence[Candidate]
    ) -> Iterator[Candidate]:
        """A listed word named together with a person found ("Aino, Jackson and Young",
        "Okonkwo and Brown"): a surname or first name, even a common word, is one too."""
        for token in lone:
            # Only a listed word too weak alone (a surname, a common word) gains; most
            # stand apart from other names: one test each way before any lookup.
            if token.first:
                if not token.common:
                    continue  # a first name alone is found already
            elif not token.last:
                continue
            start, end = token.start, token.end
            after = text.startswith(_COORDINATION, end)
            if not (after or text.endswith(_COORDINATION, 0, start)) or token.all_caps:
                continue
            for name in found:
                if name.confidence < _MIN_PARTNER_CONFIDENCE:
                    continue
                gap = text[end : name.start] if after else text[name.end : start]
                if gap in _COORDINATION and self._may_be_person(text, token):
                    yield Candidate(EntityType.NAME, start, end, _ROLE_CONFIDENCE, "name")
                    break

    def _may_be_person(self, text: str, token: NameToken) -> bool:
        key = fold(_bare(text[token.start : token.end]))
        if not (token.listed or token.unknown):
            # A possessive is read as written ("Medina's"); its name is the word before.
            lexicon = self._lexicon
            possessive = text[token.end - 2 : token.end] in _POSSESSIVES
            if not (possessive and (key in lexicon.first_names or key in lexicon.last_names)):
                return False
        return key not in self._calendar

    def _in_role(self, text: str, token: NameToken, after: str) -> bool:
        """Whether the words around the token make it a person (cheap tests first: this
        runs for every capitalised word)."""
        start, end = token.start, token.end
        next_word = _first_word(after)
        if text[end - 2 : end] in _POSSESSIVES:
            return next_word in _RELATIVE_NOUNS
        before = text[max(0, start - _WINDOW) : start]
        words = before.split()
        previous = words[-1].lower().rstrip(",!") if words else ""
        if previous in _GREETINGS or before.lower().rstrip(" ,!").endswith(GREETING_PHRASES):
            # "Thanks, Guy", "Hi Will,": a first name, even a common word, then a stop.
            return token.first and after.lstrip(" \t")[:1] in {"", ",", ".", "!", "?", "\n"}
        # A common word ("Mark", "Will") only where nothing but a person stands.
        uncommon = token.strong or token.unknown
        if next_word in _SPEECH_VERBS:
            return uncommon and previous not in _DETERMINERS
        if previous == "the":
            if next_word in _FAMILY_NOUNS:
                return token.listed
            return uncommon and next_word in _WORK_NOUNS
        return self._vocative(before, token, after)

    def _vocative(self, before: str, token: NameToken, after: str) -> bool:
        """ "Don't go to town, Mark!" and "Medina, can you send the form?"."""
        if not (token.first or token.strong or token.unknown):
            return False  # "Cool, what's the address?": a common word, not a first name
        if before.endswith(", "):
            ending = after.lstrip(" \t")[:1]
            if ending in {"!", "?"}:
                return token.listed
            # At the end of a list ("aspirin, Zofran.", "Pap smear, Gram.") a word that is
            # not a first name is a thing.
            return token.first and (after in {"", "."} or after[:2] in {". ", ".\n"})
        if after[:1] != ",":
            return False
        sentence_start = before.rstrip(" \t\"'")[-1:] in _SENTENCE_STARTS
        return sentence_start and _first_word(after[1:]) in _VOCATIVE_FOLLOWERS

    def _speakers(self, text: str, tokens: Sequence[NameToken]) -> Iterator[Candidate]:
        """Labels at the start of lines in a dialogue: "Ella: ...\\nFaith: ..."."""
        labels = [
            token
            for token in tokens
            if self._is_label(text, token) and self._may_be_person(text, token)
        ]
        # One label at least must be a name by itself (a listed, uncommon name): "Abd:" and
        # "Resp:" are a note's headings, not people; one line alone is no dialogue.
        if not any(token.strong for token in labels) or self._dialogue_lines(text) < 2:
            return
        for token in labels:
            yield Candidate(EntityType.NAME, token.start, token.end, _ROLE_CONFIDENCE, "name")

    def _is_label(self, text: str, token: NameToken) -> bool:
        if token.all_caps:
            return False  # "GU:", "HEENT:": a note's headings
        line_start = text.rfind("\n", 0, token.start) + 1
        if text[line_start : token.start].strip():
            return False
        word = fold(text[token.start : token.end])
        if word in CHAT_ROLES or word in NOTE_HEADINGS:
            return False  # "Bot:", "Abd:", "Heme:": a transcript's role, a note's heading
        # What is said follows on the same line, and is not a value ("Dose: 5 mg").
        said = text[token.end : token.end + _WINDOW].lstrip(" \t")[1:].lstrip(" \t")[:1]
        return said != "" and not said.isdigit() and not said.isspace()

    def _dialogue_lines(self, text: str) -> int:
        """Lines that start with a word and a colon: the shape of a transcript."""
        return len(self._dialogue_line.findall(text))


def _bare(value: str) -> str:
    return value[:-2] if value.endswith(("'s", "\u2019s")) else value


def _first_word(text: str) -> str:
    """The word at the start of `text` after spaces, lower-cased, without punctuation."""
    words = text.split(None, 1)
    return words[0].lower().strip(",.;:!?\"'") if words else ""


def _alternation(words: str) -> str:
    return "|".join(words.split())


def _end_of_word_before(text: str, end: int, tag: str) -> int:
    """Where the capitalised word of a role hit ends: before the verb or noun that ends the
    hit ("Medina said"), the punctuation ("..., Mark!") or the colon ("Ella:"), and the
    spaces and comma before them."""
    position = end
    if tag == "role_label" or not text[position - 1 : position].isalpha():
        position -= 1  # the colon or the closing punctuation
    else:
        while position > 0 and (text[position - 1].isalpha() or text[position - 1] in "'\u2019"):
            position -= 1  # the verb, the noun or the word after the comma
        while position > 0 and text[position - 1] in " \t":
            position -= 1
        if text[position - 1 : position] == ",":
            position -= 1  # "Medina, can you ...": the comma after the name
    while position > 0 and text[position - 1] in " \t":
        position -= 1
    return position


def _token_starting(tokens: Sequence[NameToken], start: int) -> NameToken | None:
    """The token that starts at `start` (tokens are in text order)."""
    index = bisect.bisect_left(tokens, (start,))
    if index < len(tokens) and tokens[index].start == start:
        return tokens[index]
    return None


def _token_ending(tokens: Sequence[NameToken], end: int) -> NameToken | None:
    """The token that ends at `end`: the last one to start before it."""
    index = bisect.bisect_left(tokens, (end,)) - 1
    if index >= 0 and tokens[index].end == end:
        return tokens[index]
    return None
