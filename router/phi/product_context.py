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
PRODUCT_NOUNS = (
    r"interfaces?|pumps?|systems?|ehrs?|emrs?|portals?|cabinets?|monitors?|monitoring|"
    r"sensors?|apps?|application|software|platforms?|devices?|servers?|modules?|feeds?|"
    r"apis?|integrations?|database|dashboards?|scanners?|analy[sz]ers?|meters?|readers?|"
    r"terminals?|workstations?|implants?|catheters?|stents?|tablets?|inc|corp|llc|ltd|gmbh|"
    r"plc|upgrade|instance|license|licence|vendor|helpdesk"
)
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
# How far back, within the clause, the verb may stand.
_CLAUSE_WINDOW = 80


def _product_noun_after() -> re.Pattern[str]:
    return re.compile(rf"[ \t]+(?:{PRODUCT_NOUNS})\b", re.IGNORECASE)


def _integration_before() -> re.Pattern[str]:
    # Searched in the clause before the word: the verb, then the preposition right before it.
    return re.compile(rf"{_INTEGRATION}[ \t]+(?:the[ \t]+)?$", re.IGNORECASE)


class ProductContext:
    """Tells whether a capitalised word stands where a product or vendor name would."""

    def __init__(self) -> None:
        self._noun_after = _product_noun_after()
        self._integration_before = _integration_before()

    def names_a_product(self, text: str, start: int, end: int) -> bool:
        if text[end - 2 : end] in {"'s", "\u2019s"}:
            return False  # "Hartvigsson's pump": a person's device
        if self._noun_after.match(text, end) is not None:
            return True
        clause = text[max(0, start - _CLAUSE_WINDOW) : start]
        return self._integration_before.search(clause) is not None
