"""Where capitalised words name an organisation, not a person.

Companies, banks and orchestras are often named after people or with invented words no
list holds ("Allstate Insurance Group", "The Davis, Reynolds and Williamson Orchestra",
"Thomas and Sons", "Deloitte"). An organisation is not a Safe Harbor identifier, and a
name read into it moves an identifier-free text to `sometimes_phi`. The words around
tell: an organisation word ends the capitalised run ("Inc", "Group", "Bank",
"Orchestra"), the sentence describes it as one ("Persint is a German investment bank"),
or it is where someone works ("I work for Citigroup").

Hospitals, clinics and other facilities are identifiers (the facility recognizer): their
words are not here. A title before the name keeps it a person's ("Dr. Allstate"), and so
does a first name before an organisation word that is also a surname ("Anna Bank").
"""

from __future__ import annotations

import re

from router.phi.lexicon import Lexicon, fold
from router.phi.recognizers.base import Pattern

# The tag of the patterns below: where an organisation word or a verb of work is in a text.
ORGANISATION_TAG = "organisation"

# Words that end an organisation's name. No facility words ("Hospital", "Clinic").
_ORGANISATION_WORDS_TEXT = """
    inc incorporated ltd limited llc llp plc gmbh corp corporation co company companies
    group bank bancorp insurance assurance orchestra philharmonic symphony ensemble choir
    band foundation partners holdings associates consulting consultants services service
    systems technologies solutions labs laboratories capital ventures industries
    enterprises financial investments trust fund transit airlines airways motors media
    publishing press records studios network networks society association sons brothers
    """
_ORGANISATION_WORDS = frozenset(_ORGANISATION_WORDS_TEXT.split())
# What a sentence calls an organisation: "X is a German multinational investment bank".
_KIND_NOUNS = (
    r"company|companies|firm|corporation|conglomerate|bank|insurer|manufacturer|retailer|"
    r"startup|start-up|business|brand|charity|non-?profit|organi[sz]ation|agency|publisher|"
    r"airline|orchestra|band|label|consultancy|fund"
)
# The noun ends the description: "is a bank teller" describes a person.
_DESCRIBED = re.compile(
    rf"[ \t]*(?:,[ \t]*|[ \t]+(?:is|was|are|were)[ \t]+)(?:a|an|the)[ \t]+"
    rf"(?:[\w\-]+[ \t]+){{0,5}}?(?:{_KIND_NOUNS})"
    r"(?=[ \t]*(?:$|[.,;:!?)\n]|(?:and|that|which|based|headquartered|in|with|founded|from|"
    r"of|whose|speciali[sz]ing|owned|listed)\b))",
    re.IGNORECASE,
)
_CAPITALISED = r"[A-Z][\w'\u2019\-]*\.?"
# The capitalised words after a name, in a list ("..., Romero and Hall Orchestra") or not.
_RUN_AFTER = re.compile(
    rf"(?:(?:,[ \t]*{_CAPITALISED})*[ \t]+(?:and|&|And)[ \t]+{_CAPITALISED})?"
    rf"(?:[ \t]+{_CAPITALISED})*"
)
# Where someone works: "I work for Citigroup", "used to work for Usaa Group".
_EMPLOYER_BEFORE = re.compile(
    r"\b(?:work|works|worked|working|employed)[ \t]+(?:for|at|by)[ \t]+(?:the[ \t]+)?$",
    re.IGNORECASE,
)
# What must come right after a name for the run or the description to be read.
_RUN_STARTS = (",", " and ", " & ", " And ", "\t")
_DESCRIPTION_STARTS = (" is ", " was ", " are ", " were ", ", ", ",\t")
_EMPLOYER_ENDS = (" for ", " at ", " by ", " the ")


class OrganisationContext:
    """Tells whether a name-like span is (part of) an organisation's name."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon

    @staticmethod
    def patterns() -> tuple[Pattern, ...]:
        """Organisation words in title case or capitals, and verbs of work, found in the
        one Hyperscan pass: in a text with neither (most), only the description is read."""
        words = "|".join(
            sorted({form for word in _ORGANISATION_WORDS for form in (word.title(), word.upper())})
        )
        return (
            Pattern(ORGANISATION_TAG, rf"\b(?:{words})\b", max_length=0),
            Pattern(
                ORGANISATION_TAG,
                r"\b(?:work|works|worked|working|employed)[ \t]+(?:for|at|by)\b",
                caseless=True,
                max_length=0,
            ),
        )

    def names_one(self, text: str, start: int, end: int, *, words_seen: bool) -> bool:
        """`words_seen`: whether the text holds an organisation word or a verb of work (the
        patterns above hit); without (most texts), only a description is looked for."""
        # Each test first looks at a character or a word with a plain string method: most
        # candidates are followed by lower-case prose, and the regexes need not run.
        run_end = end
        if text[end + 1 : end + 2].isupper() or text.startswith(_RUN_STARTS, end):
            match = _RUN_AFTER.match(text, end)
            if match is not None:
                run_end = match.end()
        if text.startswith(_DESCRIPTION_STARTS, run_end) and _DESCRIBED.match(text, run_end):
            return True  # "Persint is an German multinational investment bank"
        if not words_seen:
            return False
        space = text.rfind(" ", start, run_end)
        last = text[space + 1 if space >= 0 else start : run_end].rstrip(".")
        if (
            last.lower() in _ORGANISATION_WORDS
            and _organisation_word(last)
            and not self._person_with_surname(text[start:run_end])
        ):
            return True  # "Allstate Insurance Group", "Clark, Romero and Hall Orchestra"
        if text.endswith(_EMPLOYER_ENDS, max(0, start - 9), start) and _EMPLOYER_BEFORE.search(
            text, max(0, start - 30), start
        ):
            # "I work for Citigroup"; "I work for Kevin" is a person.
            first = text[start:end].split(maxsplit=1)[0]
            return fold(first) not in self._lexicon.first_names
        return False

    def _person_with_surname(self, name: str) -> bool:
        """ "Anna Bank", "Mary Press": a first name, then a surname that is also an
        organisation word."""
        words = name.split()
        if len(words) != 2:
            return False
        first, last = fold(words[0]), fold(words[1])
        return first in self._lexicon.first_names and last in self._lexicon.last_names


def _organisation_word(word: str) -> bool:
    key = word.lower()  # the organisation words are ASCII
    if key not in _ORGANISATION_WORDS:
        return False
    # Title case, or capitals ("ACME INC"); "CO" in capitals is carbon monoxide or Colorado.
    return word[:1].isupper() and not (word.isupper() and key == "co")
