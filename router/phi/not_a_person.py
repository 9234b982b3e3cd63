"""What tells the name recognizer that a capitalised word is not a person's name: the
hospital's own systems (configured), and the words around products, vendors and organisms.
"""

from __future__ import annotations

import re

from router.phi.lexicon import Lexicon, fold
from router.phi.organism_context import OrganismContext
from router.phi.product_context import ProductContext
from router.phi.vocabulary import name_shaped


class NotAPerson:
    def __init__(self, lexicon: Lexicon, system_names: frozenset[str]) -> None:
        # `PhiConfig.system_names`, folded: "Meditech", "Omnicell".
        self._system_names = frozenset(fold(name) for name in system_names)
        self._products = ProductContext()
        self._organisms = OrganismContext(lexicon)
        self._next_word = re.compile(r"[ \t]+([^\W\d_]+)")

    def is_system(self, word: str) -> bool:
        """Whether the word (a possessive allowed) is one of the hospital's systems."""
        return bool(self._system_names) and fold(name_shaped(word) or word) in self._system_names

    def names_a_thing(self, text: str, start: int, end: int) -> bool:
        """ "the Glooko app", "connect the feed to Meditech", "Candida albicans"."""
        if text[end - 2 : end] in {"'s", "\u2019s"}:
            return False  # "Hartvigsson's pump", "Candida's": a person's
        after = self._next_word.match(text, end)
        next_word = after.group(1).lower() if after is not None else ""
        return self._products.names_a_product(
            next_word, text, start
        ) or self._organisms.names_an_organism(next_word, text, start, end)
