"""Where a capitalised word stands like a product or vendor, not a person.

No list holds every vendor, device or system name ("Glooko", "Meditech"), and the name
recognizer takes a capitalised word it cannot place for a possible name. The words around
it often tell: a product noun right after it ("the Glooko app", "Alaris pump"), or a verb
of systems integration before the preposition that leads to it ("connect the feed to
Meditech", "migrating from Allscripts"), or "via". People are sent, referred and spoken to; systems
are connected, migrated and synced.
"""

from __future__ import annotations

import re

# Nouns that make the word before them a product or an organisation's name.
_PRODUCT_NOUN_WORDS = """
    interface interfaces pump pumps system systems ehr ehrs emr emrs portal portals cabinet
    cabinets monitor monitors monitoring sensor sensors app apps application software
    platform platforms device devices server servers module modules feed feeds api apis
    integration integrations database dashboard dashboards scanner scanners analyzer
    analyzers analyser analysers meter meters reader readers terminal terminals workstation
    workstations implant implants catheter catheters stent stents tablet tablets inc corp
    llc ltd gmbh plc upgrade instance license licence vendor helpdesk
"""
PRODUCT_NOUNS = frozenset(_PRODUCT_NOUN_WORDS.split())
# A verb of systems integration, then (in the same clause) the preposition it takes before
# the word: "connect ... to", "migrating from", "sync with", "log in to". Verbs that people
# take too keep to their systems' prepositions ("connect with" a person: not here).
_INTEGRATION = (
    r"(?:\bconnect\w*\b[^.?!;\n]*\b(?:to|into)"
    r"|\b(?:integrat|interfac|sync|synchroni[sz]|interoperat)\w*\b[^.?!;\n]*\b(?:with|to|into|in)"
    r"|\b(?:migrat|import|upgrad)\w*\b[^.?!;\n]*\b(?:from|to|into)"
    r"|\b(?:export|upload|deploy|install|configur)\w*\b[^.?!;\n]*\b(?:to|into|on|onto|in)"
    r"|\blog(?:ged|ging)?[ \t]+(?:in|on)\b[^.?!;\n]*\b(?:to|into|on)"
    r"|\bvia)"
)
# The prepositions those verbs take, right before the word.
_PREPOSITIONS = frozenset(("to", "into", "with", "in", "from", "on", "onto", "via"))
# How far back, within the clause, the verb may stand.
_CLAUSE_WINDOW = 80


def _integration_before() -> re.Pattern[str]:
    # Searched in the clause before the word: the verb, then the preposition right before it.
    return re.compile(rf"{_INTEGRATION}[ \t]+(?:the[ \t]+)?$", re.IGNORECASE)


class ProductContext:
    """Tells whether a capitalised word stands where a product or vendor name would."""

    def __init__(self) -> None:
        self._integration_before = _integration_before()

    def names_a_product(self, next_word: str, text: str, start: int) -> bool:
        """`next_word`: the word right after, in lower case ("" if none)."""
        if next_word in PRODUCT_NOUNS:
            return True
        before = text[max(0, start - 12) : start].split()
        if before and before[-1].lower() == "the":
            before.pop()
        if not before or before[-1].lower() not in _PREPOSITIONS:
            return False  # the common case, decided without the clause's regex
        clause = text[max(0, start - _CLAUSE_WINDOW) : start]
        return self._integration_before.search(clause) is not None
