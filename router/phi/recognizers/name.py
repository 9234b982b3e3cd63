"""Person names, from census name lists plus context.

Evidence, strongest first:
- a title or cue before the name ("Dr. Nguyen", "Mr. Ferko Takats", "my name is john
  smith", "Dear Anna", "seen by", "daughter Maria"): the following name-like tokens;
- a run of capitalised tokens with at least one rare-enough census name ("Teresa
  Kreutzmann", "SMITH, JOHN", "J. Smith", "Anna S.");
- a lone capitalised census first name that is not a common English word ("Kevin");
- a lone capitalised word that is not English, a drug or clinical ("Hartvigsson";
  `router/phi/vocabulary.py`), below a census first name.
Tokens that are common English words ("Will", "Hope", "Brown") count only next to stronger
evidence; clinical terms, months and weekdays never start a name; eponyms ("Parkinson
disease", "Bell's palsy") are skipped.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.eponyms import EponymFilter
from router.phi.lexicon import Lexicon, fold
from router.phi.lowercase_names import LowercaseNames
from router.phi.name_context import (
    glued_to_code,
    glued_to_digits,
    in_brackets,
    introduces_name,
    trim_shouted_words,
)
from router.phi.name_roles import NameRoles
from router.phi.name_terms import (
    ADDRESS_UNITS,
    CHAT_ROLES,
    COMPASS_WORDS,
    CUES,
    EPONYM_FOLLOWERS,
    MONTHS_AND_DAYS,
    NOTE_HEADINGS,
    PARTICLES,
    TITLES,
    WEAK_CUES,
)
from router.phi.name_tokens import KIND_CACHE_SIZE, NameToken, TokenReader
from router.phi.nationality import Nationality
from router.phi.not_a_person import NotAPerson
from router.phi.organisation_context import ORGANISATION_TAG, OrganisationContext
from router.phi.place_surnames import PlaceSurnames
from router.phi.recognizers.base import Candidate, Hit, Pattern, Recognizer

# Below the 0.75 of a census first name, above the 0.5 threshold: an unknown capitalised
# word alone is weaker evidence than a listed name.
_UNKNOWN_WORD_CONFIDENCE = 0.55
# The patterns' tags that announce a name after them; the others are roles (`NameRoles`).
_CUE_TAGS = frozenset(("title", "cue", "weak"))
# A name after a title ("Dr. Cushing's patients") is a person, even an eponym's.
_TITLE_CONFIDENCE = 0.95


class NameRecognizer(Recognizer):
    name = "name"
    needs_hits = False  # capitalised runs are judged with or without a cue

    def __init__(
        self,
        lexicon: Lexicon,
        clinical_words: frozenset[str],
        countries: frozenset[str] = frozenset(),
        system_names: frozenset[str] = frozenset(),
        places: frozenset[str] = frozenset(),
    ) -> None:
        self._lexicon = lexicon
        self._countries = countries
        self._not_after_weak_cue = lexicon.common_words | (countries - lexicon.first_names)
        self._not_a_person = NotAPerson(lexicon, system_names)
        self._accepted: dict[tuple[str, str, bool], bool] = {}
        # The longest text that may join two words of a name (" van der ").
        self._longest_gap = max(len(particle) for particle in PARTICLES)
        self._reader = TokenReader(lexicon, clinical_words, countries, self._not_a_person)
        self._place_surnames = PlaceSurnames(lexicon, places | countries)
        self._blocked = self._reader.blocked
        self._eponym = re.compile(EPONYM_FOLLOWERS, re.IGNORECASE)
        self._diseases = EponymFilter(lexicon, clinical_words)
        self._lowercase = LowercaseNames(lexicon, clinical_words, self._not_a_person)
        self._organisations = OrganisationContext(lexicon)
        self._nationality = Nationality(countries, lexicon)
        self._roles = NameRoles(lexicon)
        self._calendar = frozenset(MONTHS_AND_DAYS.split())
        self._after_cue = re.compile(
            r"[\s.:,?]{0,3}((?:[^\W\d_]\.|[^\W\d_][^\W\d_'\u2019\-]*(?:['\u2019\-][^\W\d_]+)*)"
            r"(?:,?[ \t]+(?:[^\W\d_]\.|[^\W\d_][^\W\d_'\u2019\-]*(?:['\u2019\-][^\W\d_]+)*)){0,3})"
        )
        self._word = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*\.?")

    def patterns(self) -> Sequence[Pattern]:
        return (
            Pattern("title", rf"\b(?:{TITLES})\b\.?", caseless=True, max_length=0),
            Pattern("cue", rf"\b(?:{CUES})\b", caseless=True, max_length=0),
            # After a weak cue only a capitalised word counts ("from Boston"), so the
            # pattern takes in that capital: "for the" and "with a" never reach Python.
            # It ends one past the capital (non-ASCII capitals are "A" in the scanned text).
            Pattern("weak", rf"\b(?i:{WEAK_CUES})\b[\s.:,?]{{0,3}}[A-Z]", max_length=0),
            *self._roles.patterns(),
            *self._organisations.patterns(),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        organisation_words = any(hit.tag == ORGANISATION_TAG for hit in hits)
        for candidate in self._candidates(text, hits):
            if candidate.confidence < _TITLE_CONFIDENCE and self._not_a_name(
                text, candidate.start, candidate.end, organisation_words
            ):
                continue
            yield candidate

    def _not_a_name(self, text: str, start: int, end: int, organisation_words: bool) -> bool:
        """Name-shaped, but a disease ("Huntington's chorea"), an organisation ("Allstate
        Insurance Group"), a country in place or a nationality ("travelling to France")."""
        return (
            self._diseases.names_a_disease(text, start, end)
            or self._organisations.names_one(text, start, end, words_seen=organisation_words)
            or self._nationality.names_one(text, start, end)
        )

    def _candidates(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        tokens = self._reader.tokens(text)
        lone: list[NameToken] = []
        found: list[Candidate] = []
        for run in self._runs(text, tokens):
            if len(run) == 1:
                token = run[0]
                lone.append(token)
                # The common case, decided without the place and eponym checks: a lone
                # token is a name only if it is a listed, uncommon, not shouted word.
                if not token.alone:
                    continue
            found.extend(self._judge_run(text, run))
        yield from found
        yield from self._coordinated(text, lone)
        yield from self._roles.listed_with(text, lone, found)
        yield from self._lowercase.find(text)
        roles: list[Hit] = []
        for hit in sorted(set(hits), key=lambda hit: hit.end):
            if hit.tag in _CUE_TAGS:
                yield from self._after_cue_names(text, hit)
            elif hit.tag != ORGANISATION_TAG:
                roles.append(hit)
        if roles:
            yield from self._roles.find(text, tokens, roles)

    def _runs(self, text: str, tokens: list[NameToken]) -> list[list[NameToken]]:
        runs: list[list[NameToken]] = []
        run: list[NameToken] = []
        for token in tokens:
            if run:
                previous = run[-1]
                if token.start < previous.end:
                    continue  # a tail ("O'Brien") already covered this token
                if not self._joins(text, previous, token):
                    runs.append(run)
                    run = [token]
                    continue
            run.append(token)
        if run:
            runs.append(run)
        return runs

    def _joins(self, text: str, previous: NameToken, token: NameToken) -> bool:
        if token.start - previous.end > self._longest_gap:
            return False  # the common case: words apart, decided without slicing the text
        gap = text[previous.end : token.start]
        if gap in {" ", "  ", "\t"} or gap in PARTICLES:
            # A possessive ends the name: "Edi Horvat's Cautionary Tales".
            return text[previous.end - 2 : previous.end] not in {"'s", "\u2019s"}
        if gap.lower() in PARTICLES:
            # "ÉLÉONORE DE SOUSA": a particle in capitals, between two names in capitals.
            return _shouted_name(previous) and _shouted_name(token)
        if previous.initial and gap in {". ", "."}:
            return True
        if gap not in {", ", ","}:
            return False
        # "SMITH, JOHN": a last name, a comma, a first name; in capitals also words no list
        # holds ("POREDA, MATEUSZ", "ELLIOTT, BETHAN"), judged together in `_part_confidence`.
        return (previous.last and token.first) or (_shouted_name(previous) and _shouted_name(token))

    def _judge_run(self, text: str, run: list[NameToken]) -> Iterator[Candidate]:
        part: list[NameToken] = []
        for token in [*run, None]:
            if token is not None and not token.blocked:
                part.append(token)
                continue
            if part:
                candidate = self._judge_part(text, part)
                if candidate is not None:
                    yield candidate
            part = []

    def _judge_part(self, text: str, part: list[NameToken]) -> Candidate | None:
        part = trim_shouted_words(part)
        words = [token for token in part if not token.initial]
        if not words:
            return None
        start, end = part[0].start, part[-1].end
        if part[-1].initial:
            end += 1  # "Anna S." keeps its full stop
        # The cheap test first: most parts fail it, and then the others need not run.
        confidence = self._part_confidence(text, part, words)
        if confidence is None:
            return None
        if self._eponym.match(text, part[-1].end):
            return None
        if self._is_place(text, part) and not self._place_surnames.named(text, part):
            return None
        return Candidate(EntityType.NAME, start, end, confidence, self.name)

    def _part_confidence(
        self, text: str, part: list[NameToken], words: list[NameToken]
    ) -> float | None:
        strong = sum(token.strong for token in words)
        listed = sum(token.listed for token in words)
        if len(part) >= 2:
            if strong >= 1:
                return 0.9
            if listed >= 2 and words[0].first and words[-1].last:
                if all(t.common for t in words) and all(
                    fold(text[t.start : t.end]) in self._calendar for t in words
                ):
                    return None  # "April, May, June": months, not a first name and surname
                return 0.6  # "Mark Young": two common words, in name order
            if len(words) < len(part):
                if any(t.all_caps and not t.strong and t.end - t.start <= 4 for t in words):
                    return None  # "65 YO M", "72 YO F": an abbreviation and a sex, shouted
                return 0.7  # "R. Bonbach", "Paride G.": an initial marks a name
            if all(len(text[t.start : t.end]) >= 3 and not t.all_caps for t in words):
                return 0.6  # "Mariusz Raczkiewicz": capitalised, rare, side by side
            if all(t.all_caps and t.unknown for t in words):
                return 0.6  # "MECHTILD STRIEBITZ", "GORLITZ, LILIJA": shouted, in no list
            return None
        token = words[0]
        if token.all_caps or token.common:
            return None
        if text[token.end : token.end + 1] == ":" and self._heading(text, token):
            # "Bot: Where should we send it?": a transcript's role; "Abd: soft": a note's
            # heading. Neither is a person.
            return None
        if self._not_a_person.names_a_thing(text, token.start, token.end):
            return None  # "the Glooko app", "Candida albicans": a product, an organism
        if token.first:
            return 0.75
        if (
            token.unknown
            and not glued_to_digits(text, token.start, token.end)
            and not in_brackets(text, token.start)  # "(Hoehn and Yahr)": an eponym
        ):
            return _UNKNOWN_WORD_CONFIDENCE  # "Hartvigsson", "Mehrudin"
        # A lone surname-list word ("Portal", "Hoehn") is too often something else.
        return 0.45 if token.strong else None

    @staticmethod
    def _heading(text: str, token: NameToken) -> bool:
        word = fold(text[token.start : token.end])
        return word in CHAT_ROLES or word in NOTE_HEADINGS

    def _coordinated(self, text: str, lone: list[NameToken]) -> Iterator[Candidate]:
        """Surnames listed together: "Torpy and Salinas", "Morrison, Rogers and Torres".

        A lone surname-list word is too weak alone; two capitalised words joined by "and"
        or a comma, one of them a listed uncommon name, are people named together.
        """
        for left, right in itertools.pairwise(lone):
            if text[left.end : right.start] not in {" and ", ", ", " & ", " or "}:
                continue
            pair = (left, right)
            if any(t.blocked or t.common or t.all_caps or t.end - t.start < 3 for t in pair):
                continue
            if not (left.strong or right.strong) or self._is_place(text, [left, right]):
                continue
            if in_brackets(text, left.start) or self._eponym.match(text, right.end):
                continue  # "(Hoehn and Yahr)", "Kaplan and Meier method": eponyms
            for token in pair:
                yield Candidate(EntityType.NAME, token.start, token.end, 0.7, self.name)

    def _is_place(self, text: str, part: list[NameToken]) -> bool:
        if any(token.place for token in part):
            return True
        # "New Zealand", "Southern Poland": a country, or a region of one ("Tina Holland"
        # is a person: only a compass word may come before the country's name).
        whole = fold(text[part[0].start : part[-1].end])
        if whole in self._countries:
            # "Jordan", "Georgia", "Chad" alone are first names as often as countries.
            return len(part) > 1 or not part[0].first
        head, _, rest = whole.partition(" ")
        return head in COMPASS_WORDS and rest in self._countries

    def _after_cue_names(self, text: str, cue: Hit) -> Iterator[Candidate]:
        # A weak cue's hit ends one past the capital that starts the name.
        match = self._after_cue.match(text, cue.end - 1 if cue.tag == "weak" else cue.end)
        if match is None:
            return
        is_title = cue.tag == "title"
        if is_title and glued_to_code(text, cue.end):
            return  # "MRN: 86131-MS. Started": letters of a code, not a title
        weak = cue.tag == "weak"
        # "my name is vitoria": after an introduction, an unknown word even in lower case.
        introduces = not weak and not is_title and introduces_name(text, cue.end)
        taken: list[tuple[int, int]] = []
        accepted = self._accepted
        for word in self._word.finditer(text, match.start(1), match.end(1)):
            # Cached per word, cue kind and position: the same few words follow cues.
            key = (word.group(), cue.tag, not taken)
            verdict = accepted.get(key)
            if verdict is None:
                verdict = self._accept_after_cue(key[0], is_title=is_title, weak=weak, first=key[2])
                if len(accepted) >= KIND_CACHE_SIZE:
                    accepted.clear()
                accepted[key] = verdict
            if not verdict and not (introduces and self._introduced(key[0].rstrip("."))):
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
        confidence = _TITLE_CONFIDENCE if is_title else (0.7 if weak else 0.85)
        yield Candidate(EntityType.NAME, start, end, confidence, self.name)

    def _introduced(self, word: str) -> bool:
        """After "my name is": a word no list holds, even in lower case ("vitoria"), or a
        capitalised listed name, even a common word ("His last name is Bell")."""
        if self._reader.unknown_word(word):
            return True
        return word[:1].isupper() and _listed(self._lexicon, fold(word))

    def _accept_after_cue(
        self, word: str, *, is_title: bool, weak: bool, first: bool = True
    ) -> bool:
        bare = word.rstrip(".")
        # Looked up without a possessive: "i'm roberto's daughter".
        key = fold(bare.removesuffix("'s").removesuffix("\u2019s"))
        if not bare or key in self._blocked or (not first and key in ADDRESS_UNITS):
            return False  # "Mrs. Jennifer Alcaraz Suite 541": the address starts there
        if not is_title and self._not_a_person.is_system(bare):
            return False  # "from Meditech", configured as a system; "Dr. Meditech" is a person
        capitalised = bare[0].isupper()
        lexicon = self._lexicon
        listed = key in lexicon.first_names or key in lexicon.last_names
        parts = key.split("-")
        if not listed and len(parts) > 1:
            # "says Virta-aho", "Smith-Jones": listed names, or one joined to a word no list
            # holds; not an English word joined to one ("Non-Hodgkin").
            listed = any(_listed(lexicon, p) for p in parts) and all(
                _listed(lexicon, p) or not lexicon.vocabulary.knows(p) for p in parts
            )
        if len(bare) == 1:
            # "J. Smith", or a middle initial without its full stop ("Ruth R Montez").
            return capitalised and (word.endswith(".") or (not first and bare != "I"))
        if weak:
            # "by Pfizer": only a listed, uncommon name; no country but a first name ("Jordan").
            return capitalised and listed and key not in self._not_after_weak_cue
        common = key in self._lexicon.common_words
        if is_title:
            return capitalised or (listed and not common)
        return (capitalised or listed) and not common


def _shouted_name(token: NameToken) -> bool:
    """A word in capitals that may be part of a name: listed or in no list, not common."""
    return token.all_caps and (token.listed or token.unknown) and not token.common


def _listed(lexicon: Lexicon, key: str) -> bool:
    return key in lexicon.first_names or key in lexicon.last_names
