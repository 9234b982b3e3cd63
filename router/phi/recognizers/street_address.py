"""Street addresses and their parts: "1234 Oak Street", "55 W. 3rd Ave, Apt 4B",
"P.O. Box 12", European "Hammarvägen 15" and "Rue de Piétrain 371", "28245 Puruntie 82
Apt. 595", military "PSC 6293, Box 8158 / APO AP 04336", and whatever follows an address
cue ("lives at ...") up to the end of the line. A postal address written over several lines
is taken whole: the short lines after a street line (unit, town, region, postcode) belong
to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from router.phi.entities import EntityType
from router.phi.gazetteer import load_countries
from router.phi.lexicon import fold
from router.phi.recognizers.base import (
    Candidate,
    Hit,
    Pattern,
    Recognizer,
    late_starts,
    longest_per_start,
)

_SUFFIXES = (
    "street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|"
    "terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|loop|row|alley|aly|"
    "plaza|plz|crescent|cres|close|gardens?|grove|heights|hts|hill|park|pike|point|pt|ridge|"
    "route|rte|run|turnpike|tpke|view|walk|crossing|xing|commons|estates?|expressway|expy|"
    "freeway|fwy|junction|jct|landing|meadows?|mews|mill|pass|path|port|ranch|shores?|spring|"
    "springs|station|sta|summit|track|trace|valley|vista|wells?|ville|via|forge|forges|brook|"
    "brooks|stream|key|keys|common|commons|shoal|shoals|spur|spurs|mission|ports?|glens?|"
    "manor|manors|mall|coves?|creek|crest|curve|dale|dam|divide|extension|ext|falls?|ferry|"
    "fields?|flats?|ford|fords|forest|fort|freeway|gateway|greens?|harbors?|haven|hollow|"
    "inlet|islands?|isle|knolls?|lakes?|lights?|loaf|locks?|lodge|mount|mountain|neck|"
    "orchard|oval|overpass|pines?|plains?|prairie|radial|ramp|rapids?|rest|rue|shore|skyway|"
    "squares?|streets?|stravenue|throughway|tunnel|underpass|unions?|viaduct|views|villages?|"
    "cliffs?|camp|canyon|cape|causeway|center|centers|corners?|course|courts|crossroad|"
    "bayou|beach|bend|bluffs?|bottom|branch|bridge|burgs?|bypass|drives|estates|expressway|"
    "heights|highway|hills|junctions|ways|well|wall|station|parks|parkways|routes|ridges|"
    "tracks|trafficway|turnpike|alley|annex|arcade|avenue|mews|motorway|lane|road|roads|club|"
    "land|river|lake|lakes|green|garden|harbor|hills|pine|mills|forks?|circles|extensions|"
    "groves|mountains|passage|points|valleys|walks|loops|"
    # British and Commonwealth street types.
    "parade|promenade|quay|wharf|rise|vale|chase|croft|yard|embankment|esplanade|grange|"
    "wynd|approach|broadway|circus|gate"
)
_UNIT = (
    r"(?:,?\s*(?i:apt|apartment|suite|ste|unit|room|rm|fl|floor|bldg|building|#)"
    r"\.?\s*#?[A-Za-z0-9\-]{1,6})"
)
_NAME_WORD = r"[A-Z0-9][A-Za-z0-9.'\-]*"
_STRONG_SUFFIXES = "street|avenue|road|boulevard|lane|drive|court|parkway|highway|terrace"
# A line of a postal address block: short, no sentence, no contact detail.
_BLOCK_LINE = (
    r"\n(?:[ \t]*\n)?[ \t>?*\-,]*(?![^\n]*(?:@|https?:|www\.|"
    r"\b(?i:phone|mobile|cell|fax|desk|office|tel|e-?mail|website|date|name|dob)\b))"
    r"(?P<line>[^\W_][^\n.!?;:]{0,38}?)"
    # The line ends at its end (a full stop or question mark allowed), or right after a
    # postcode that prose follows ("KNIVSTA, nan 18237 after the concert").
    r"(?:[ \t,]*[.?!]?[ \t]*(?=\n|$)|(?<=\d{4})(?=[ \t,.?!]))"
)
# "28245 Puruntie 82 Apt. 595": house number, street name, number, then a unit or line end.
_NUMBERED_STREET = (
    r"\b\d{1,6}\s+[A-Z][A-Za-z'\-]+(?:\s+[A-Za-z][A-Za-z'\-]*){0,3}\s+\d{1,5}[A-Za-z]?\.?"
    r"(?:\s*,|\s*\n|\s+(?i:apt|apartment|suite|ste|unit)\b\.?\s*#?\d{1,6})"
)
# Street types of other countries, glued to the name ("Hammarvägen 15", "Puruntie 82",
# "Þórunnarstræti 31", "Ditscheinergasse 80", "Tjalling Harkeswei 125").
_GLUED_TYPES = (
    "vägen|vagen|gatan|gata|gaten|gade|vej|veien|vegen|vei|vegur|stræti|braut|stígur|"
    "strasse|straße|weg|gasse|platz|allee|damm|ufer|laan|straat|plein|kade|singel|"
    "gracht|dreef|steeg|hove|wei|katu|kuja|tie|polku|väylä|kaari|utca|ulica|iela|gatvė|cesta|"
    "stien|stigen|stig|bakken|torget|plass|gränd"
)
# Street types written as a word after the name, then the number: Hungarian "Kálmán Imre
# u. 12.", "Belgrád rkp. 18.", "Csabai kapu 39.", "Árpád fejedelem útja 62."; Greek and
# Balkan "Venizelou str 159"; Estonian "Pärnu mnt 12"; Turkish "Atatürk cad. 5".
_TYPES_AFTER = (
    r"u\.|utca|útja|tér|krt\.|körút|rkp\.|rakpart|kapu|köz|sor|fasor|sétány|str\.?|ul\.|"
    r"iela|tänav|mnt\.?|pst\.?|maantee|puiestee|trg|sokak|sok\.|cad\.|caddesi|bulvari|"
    r"gatve|weg|wei|laan|straat|baan|dijk|kade|plein|gracht|singel|steeg|dreef|allee|gasse|"
    r"platz|vej|gade|gata|gatan|vei|veien|vegen|stræde|katu|kuja"
)
# Street types written before the name ("Rue de la Gare 12", "ul. Miła 53", "C/ Señores
# Curas 88", "Λεωφόρος" has no ASCII form and is left to the block rules).
_TYPES_BEFORE = (
    r"rue|via|viale|vicolo|corso|largo|piazza|piazzale|strada|calle|c/|avenida|avda\.?|"
    r"paseo|camino|carrera|carretera|rua|travessa|praça|estrada|ul\.|ulica|al\.|aleja|"
    r"os\.|osiedle|plac|avenue|av\.|boulevard|bd\.?|bulevardul|calea|aleea|chemin|allée|"
    r"impasse|quai|plaza|odos|leoforos"
)
# Street types written after the house number ("26 rue des Lilas"); not "via" ("3 via
# NG tube").
_TYPES_AFTER_NUMBER = (
    r"rue|rua|calle|avenida|chemin|allée|impasse|quai|corso|viale|piazza|strada|boulevard|bd"
)
# Words that end an address written in prose ("at 5 rue de Rivoli in Paris").
_PROSE_WORDS = (
    "in on at for with and or but to from by after before last next this that the is was "
    "will would please thanks i my your his her our their he she we they it"
)
# Lower-case words inside town names ("Turkovice u Prelouce", "Caxias do Sul").
_PARTICLES = frozenset(["u", "de", "do", "da", "del", "di", "du", "la", "le", "am", "an", "sur"])
# Ships' mail goes through a fleet post office: "USNV Botolen\nFPO AE 12382".
_SHIP = (
    r"\b(?:USS|USNS|USNV|USCGC)[ \t]+[A-Z][A-Za-z'\-]*(?:[ \t]+[A-Z][A-Za-z'\-]*){0,2}"
    r"[ \t]*,?\s*FPO[ \t]+(?:AA|AE|AP)[ \t]+\d{5}\b"
)


_STREET_PREPOSITIONS = "on|at|along|off|near|down|onto|from|to|in"
_NAMED_STREET_TYPES = "Street|Avenue|Road|Boulevard|Lane|Drive|Terrace|Crescent|Parkway"


def project(regex: str) -> str:
    """The regex as the scanner sees text: one ASCII stand-in per non-ASCII letter."""
    return "".join(char if char.isascii() else ("A" if char.isupper() else "a") for char in regex)


class StreetAddressRecognizer(Recognizer):
    name = "street_address"

    def __init__(self, countries: frozenset[str] | None = None) -> None:
        # A country closes a one-line address: "... Suite 215 NUNGATTA Australia".
        self._countries = load_countries() if countries is None else countries
        self._prose = frozenset(_PROSE_WORDS.split())
        self._cue_tail = re.compile(r"(?:\s+is)?[\s:\-]*", re.IGNORECASE)
        # The address ends at the end of the line or sentence, or where prose resumes.
        self._block_line = re.compile(_BLOCK_LINE)
        self._last_block_line = re.compile(
            r"\n[ \t>?*\-,]*(?P<line>[^\W_][^\n.!?;:]{0,38}?)(?=[.?!]\s)"
        )
        self._rest_of_line = re.compile(
            r"[^\n;!?]{3,90}?(?=[\n;!?]|\.(?:\s|$)|$|\s(?:with|and|for|who|since|because|but)\s)"
        )
        self._house_number = re.compile(r"(?<![\w.,\-])\d{1,6}[ \t]+$")
        self._tail_token = re.compile(r"(,?[ \t]+|,)([^\W_][\w'\-]*)")
        self._words = re.compile(r"[^\s,]+")
        # "0605 πεντέλης 210 apt. 999", "5670 r josé a madeira 1 suite 696": a house number
        # and a street name in any case, before a number and a flat or suite.
        self._house_and_street = re.compile(
            # Where an address line starts: the line's start, a label, "at" or "to".
            r"(?:(?<=^)|(?<=\n)|(?<=[:>,][ \t])|(?<=\bat[ \t])|(?<=\bto[ \t]))[ \t]*"
            r"(?P<number>\d{1,6})[ \t]+((?:[^\W\d_][\w.'\-]*[ \t]+){1,4})$"
        )
        self._number_and_flat = re.compile(
            r"\d{1,5}[A-Za-z]?[ \t]*,?[ \t]*(?i:apt|apartment|suite|ste)\b"
        )
        # Up to three words that end the line after a street, in text typed in lower case.
        self._lower_case_tail = re.compile(
            r"[ \t,]+((?:[^\W\d_][\w'\-]*)(?:[ \t,]+[^\W\d_][\w'\-]*){0,2})[ \t,.]*(?=\n|$)"
        )
        # A capitalised word right before a position, on the same line.
        self._word_before = re.compile(r"(?:^|(?<=[\s:>]))([^\W\d_][^\W\d_'\-]*)[ \t]+$")

    def patterns(self) -> Sequence[Pattern]:
        # Street addresses are rare in clinical text: starts found by a second scan (`late_start`).
        return late_starts(self._patterns())

    def _patterns(self) -> Sequence[Pattern]:
        # Street words are capitalised ("Oak Street", "OAK ST"): lower-case runs such as
        # "5 days in a row" are prose. The unambiguous suffixes are accepted in any case.
        words = sorted(set(_SUFFIXES.split("|")))
        title = "|".join(word.capitalize() for word in words)
        upper = "|".join(word.upper() for word in words)
        return (
            Pattern(
                "street",
                rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Z0-9][a-z0-9.'\-]*\s+){{1,3}}(?:{title})\b\.?{_UNIT}?",
                max_length=80,
            ),
            Pattern(
                "street",
                rf"\b\d{{1,6}}[A-Z]?\s+(?:[A-Z0-9][A-Z0-9.'\-]*\s+){{1,3}}(?:{upper})\b\.?{_UNIT}?",
                max_length=80,
            ),
            Pattern(
                "street",
                rf"\b\d{{1,6}}\s+(?:[A-Za-z][A-Za-z.'\-]*\s+){{1,3}}(?:{_STRONG_SUFFIXES})\b{_UNIT}?",
                caseless=True,
                max_length=80,
            ),
            Pattern(
                "unit",
                r"\b(?:apt|apartment|suite|ste|unit)\.?\s*#?\s*\d+[A-Za-z]?\b",
                caseless=True,
                max_length=80,
            ),
            Pattern("po_box", r"\bp\.?\s?o\.?\s*box\s+\d+\b", caseless=True, max_length=80),
            # "shows on Berg Hills Street": a street named after a preposition, no number.
            Pattern(
                "named_street",
                rf"\b(?i:{_STREET_PREPOSITIONS})[ \t]+[A-Z][A-Za-z'\-]+(?:[ \t]+[A-Z][A-Za-z'\-]+)"
                rf"{{0,2}}[ \t]+(?:{_NAMED_STREET_TYPES})\b",
                max_length=80,
            ),
            Pattern("street", _NUMBERED_STREET, max_length=80),
            Pattern(
                "street",
                r"\b[A-Z][A-Za-z'\-]+(?:\s+[A-Za-z][A-Za-z'\-]*){0,3}\s+\d{1,5}[A-Za-z]?\.?,?\s+"
                r"(?i:apt|apartment|suite|ste)\b\.?\s*#?\d{1,6}",
                max_length=80,
            ),
            Pattern(
                "po_box",
                r"\b(?:psc|cmr|unit)\s+\d{3,5},?\s+box\s+\d{3,5}\b|"
                r"\b(?:apo|fpo|dpo)\s+(?:aa|ae|ap)\s+\d{5}\b",
                caseless=True,
                max_length=80,
            ),
            *self._foreign_patterns(),
            Pattern(
                "cue_line",
                r"\b(?:address|addr|live\s+at|lives\s+at|living\s+at|resides\s+at|residing\s+at|"
                r"lives?\s+on|living\s+on|resides\s+on|"
                r"home\s+at|send\s+(?:it|them|this)\s+to|ship(?:ped)?\s+to|mail(?:ed)?\s+to)\b",
                caseless=True,
                max_length=0,
            ),
        )

    @staticmethod
    def _foreign_patterns() -> tuple[Pattern, ...]:
        name = r"[A-Z][A-Za-z'\-]*(?:[ \t]+[A-Za-z][A-Za-z'\-]*){0,3}"
        number = r"\d{1,5}[A-Za-z]?\b"
        after = project(_TYPES_AFTER)
        # "Via dei Fiorentini", "ten Pas Pass", "corner of ul. Cicha 86".
        particles = r"(?:[a-z]{1,3}\.?[ \t]+){0,2}"
        word = r"[A-Z0-9][A-Za-z0-9.'\-]*"
        # "Via Roma 5" and "ul. Miła 53", not "via NG tube 3": whole words are capitalised.
        before = "|".join(
            f"(?i:{word})"
            if not word[-1].isalpha()
            else f"{word[0].upper()}{word[1:]}|{word.upper()}"
            for word in _TYPES_BEFORE.split("|")
        )
        return (
            Pattern(
                "european",
                project(rf"\b[A-Z][a-z]{{3,}}(?:{_GLUED_TYPES})\s+\d{{1,5}}[A-Za-z]?\b"),
                caseless=True,
                max_length=80,
            ),
            # "Rue de la Gare 12", "ul. Miła 53": the type, a capitalised name, the number.
            Pattern(
                "european",
                project(
                    rf"\b(?:{before})[ \t]+{particles}[A-Z][A-Za-z.'\-]*"
                    rf"(?:[ \t]+[A-Za-z][A-Za-z.'\-]*){{0,3}}[ \t]+{number}"
                ),
                max_length=80,
            ),
            # "Kálmán Imre u. 12.": the name, the type, the number.
            Pattern("european", rf"\b{name}[ \t]+(?i:{after})[ \t]*{number}\.?", max_length=80),
            # "159 Eleftheriou Venizelou str": the number, the name, the type.
            Pattern("european", rf"\b\d{{1,5}}[ \t]+{name}[ \t]+(?i:{after})", max_length=80),
            # "26 rue des Lilas": the number, the type, the name up to where prose resumes.
            Pattern(
                "number_type",
                project(
                    rf"\b\d{{1,5}}[ \t]+(?i:{_TYPES_AFTER_NUMBER})"
                    r"(?:[ \t]+[A-Za-z][A-Za-z'\-]*){1,5}"
                ),
                max_length=80,
            ),
            # "the corner of 25 Dili Gianni Street and King Forges".
            Pattern(
                "corner",
                rf"\b[Cc]orner[ \t]+of[ \t]+{particles}{word}[ \t]+"
                r"(?:[A-Za-z0-9][A-Za-z0-9.'\-]*[ \t]+){0,5}(?:and|&)"
                rf"[ \t]+{particles}{word}(?:[ \t]+{word}){{0,3}}",
                max_length=100,
            ),
            Pattern("po_box", _SHIP, max_length=100),
        )

    def recognize(self, text: str, hits: Sequence[Hit]) -> Iterator[Candidate]:
        # Overlapping hits are kept (same-type overlaps are merged by the classifier), but
        # a hit inside an address already found, and no more confident, adds nothing.
        found = Candidate(EntityType.LOCATION, -1, -1, 0.0, self.name)
        for hit in longest_per_start(hits):
            if hit.tag == "cue_line":
                yield from self._after_cue(text, hit)
                continue
            confidence = 0.9 if hit.tag in {"street", "po_box", "corner"} else 0.75
            inside = found.start <= hit.start and hit.end <= found.end
            if inside and confidence <= found.confidence:
                continue
            start, end = self._extent(text, hit)
            if end > start:
                found = Candidate(EntityType.LOCATION, start, end, confidence, self.name)
                yield found

    def _extent(self, text: str, hit: Hit) -> tuple[int, int]:
        """The whole address around a hit: a house number and street name before it, the
        town and postcode after it on the same line, and the address lines under it."""
        start, end = hit.start, hit.end
        if hit.tag == "number_type":
            end = self._before_prose(text, start, end)
        elif hit.tag == "named_street":
            if text[end : end + 1] == "-":
                return start, start  # "Drive-through", "Lane-splitting": no street
            start = end - len(text[start:end].split(None, 1)[1])  # after the preposition
        elif hit.tag == "corner" and text[max(0, start - 4) : start].lower() == "the ":
            start -= 4
        start = self._street_name_before(text, start)
        # A full stop ends the sentence, except after a number ("Kálmán Imre u. 12.").
        while end > start and (
            text[end - 1] in " \t\n," or (text[end - 1] == "." and not text[end - 2].isdigit())
        ):
            end -= 1
        return start, self._block_end(text, self._same_line_tail(text, end))

    def _street_name_before(self, text: str, start: int) -> int:
        """Where the address starts: a house number ("0912 P.O. Box 287") or a street
        name ("Aqqusinersuaq 176 Pinto Hill") may precede what the pattern found."""
        number = self._house_number.search(text, max(0, start - 8), start)
        if number is not None:
            return self._house_and_street_before(text, number.start())
        if not text[start : start + 1].isdigit() or text[start - 1 : start] not in {" ", "\t"}:
            return start
        house = self._house_and_street_before(text, start)
        if house < start:
            return house
        for _ in range(2):
            word = self._word_before.search(text, max(0, start - 30), start)
            if word is None or not word.group(1)[0].isupper() or fold(word.group(1)) in self._prose:
                break
            start = word.start(1)
        return start

    def _house_and_street_before(self, text: str, start: int) -> int:
        """ "0605 πεντέλης 210 apt. 999": before a number and a flat, a house number and a
        street name, in any case (messages typed in lower case, scripts without capitals)."""
        if not self._number_and_flat.match(text, start):
            return start
        house = self._house_and_street.search(text, max(0, start - 60), start)
        if house is None or any(fold(word) in self._prose for word in house.group(2).split()):
            return start
        return house.start("number")

    def _before_prose(self, text: str, start: int, end: int) -> int:
        for word in self._words.finditer(text, start, end):
            if word.start() > start and word.group().lower() in self._prose:
                return word.start()
        return end

    def _same_line_tail(self, text: str, end: int) -> int:
        """Extend over ", Tallinn, Estonia", ", Porto Alegre", ", Turkovice u Prelouce",
        " HUNDSHAGEN Upper Austria", " Sindi PR" after a street: capitalised words count once
        a postcode, a word in capitals, a country or a comma confirms them."""
        confirmed = end
        if text[end : end + 1] not in {",", " ", "\t"}:
            return end  # the line or the sentence ends here (most addresses)
        lower_tail = self._lower_case_tail.match(text, end)
        if (
            lower_tail is not None
            and text.lower() == text  # typed all in lower case: no capital tells a town
            and not any(fold(word) in self._prose for word in lower_tail.group(1).split())
        ):
            return lower_tail.end(1)  # "... suite 112 calgary alberta": the line's end
        in_town = False  # inside a town name that a comma opened
        for _ in range(6):
            token = self._tail_token.match(text, end)
            if token is None:
                break
            word, after_comma = token.group(2), "," in token.group(1)
            if in_town and not after_comma and word in _PARTICLES:
                end = token.end()
                continue
            kind = self._tail_kind(word, after_comma or in_town)
            if kind is None:
                break
            in_town = kind and not word.isdigit()
            end = token.end()
            if kind:
                confirmed = end
        return confirmed

    def _tail_kind(self, word: str, after_comma: bool) -> bool | None:
        """True: part of the address; False: possibly (a capitalised word); None: prose."""
        if word.isdigit():
            return True if 4 <= len(word) <= 6 else None  # a postcode
        if fold(word) in self._prose or not word[0].isupper():
            return None
        return after_comma or (word.isupper() and len(word) > 1) or fold(word) in self._countries

    def _block_end(self, text: str, end: int) -> int:
        """Extend a street line over the address lines under it (up to five)."""
        for _ in range(5):
            line = self._block_line.match(text, _line_end(text, end))
            if line is None:
                # The last line may end the sentence: "...\n New Zealand. Please call me".
                line = self._last_block_line.match(text, _line_end(text, end))
                if line is None or not _is_title(line.group("line")):
                    break
            end = line.end("line")
        return end

    def _after_cue(self, text: str, hit: Hit) -> Iterator[Candidate]:
        # "address: 5049 Harjukuja 54, SEINAJOKI": the address is what follows the cue,
        # but only when it holds a number (otherwise it is prose about an address).
        cue = self._cue_tail.match(text, hit.end)
        start = cue.end() if cue is not None else hit.end
        rest = self._rest_of_line.match(text, start)
        if rest is None:
            return
        value = rest.group().rstrip(" ,")
        if value and any(char.isdigit() for char in value):
            yield Candidate(EntityType.LOCATION, start, start + len(value), 0.7, self.name)


def _line_end(text: str, position: int) -> int:
    """Where the current line ends, if only commas and spaces are left on it."""
    cursor = position
    while cursor < len(text) and text[cursor] in " \t,":
        cursor += 1
    return cursor


def _is_title(line: str) -> bool:
    """A line of capitalised words or numbers ("New Zealand", "Brazil 95828")."""
    return all(word[0].isupper() or word[0].isdigit() for word in line.split())
