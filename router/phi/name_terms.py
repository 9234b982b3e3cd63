"""Word lists of the name recognizer (router/phi/recognizers/name.py): titles and cues
that announce a name, words that never start one, places, particles and eponyms.
"""

from __future__ import annotations

TITLES = r"mr|mrs|ms|miss|mx|dr|doctor|prof|professor|sr|sra|srta|mme|mlle|herr|frau"
CUES = (
    r"patient|pt|my\s+name\s+is|name\s+is|name|named|patient\s+name|dear|hi|hello|hey|"
    r"signed|signed\s+by|seen\s+by|seen\s+with|spoke\s+(?:with|to)|talked\s+(?:with|to)|"
    r"referred\s+by|attending|resident|nurse|rn|np|pcp|physician|provider|surgeon|"
    r"caregiver|son|daughter|wife|husband|mother|father|brother|sister|mom|dad|guardian|"
    r"spouse|partner|grandson|granddaughter|attn|cc|sincerely|regards|thanks|thank\s+you|"
    r"kid|niece|nephew|cousin|aunt|uncle|grandma|grandpa|grandmother|grandfather|stepson|"
    r"stepdaughter|boyfriend|girlfriend|fiance|fiancee|friend|neighbou?r|boss|coworker|"
    r"i\s+am|i'm|call\s+me|calls\s+me"
)
# Cues after which only a capitalised, listed, uncommon name is taken.
WEAK_CUES = r"for|from|by|with|says|said|contact|this\s+is"
MONTHS_AND_DAYS = (
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday jan feb mar apr jun jul aug "
    "sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun today tomorrow"
)
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday today tomorrow"
FUNCTION_WORDS = (
    "a an the and or but if of in on at to for from by with as is are was were be been not "
    "no yes i you he she we they it this that these those my your his her our their me him "
    "us them who what when where why how which please dear hi hello hey thanks regards "
    "re fw fwd subject note plan assessment history exam impression mr mrs ms dr pt "
    "patient patients doctor nurse physician provider md do rn np pa mrn dob ssn id dx hx rx"
)
# A capitalised run with one of these is a place or an organisation, not a person.
PLACE_WORDS = (
    "street st avenue ave road rd boulevard blvd lane ln drive court ct place way terrace "
    "parkway highway hwy square trail hospital clinic center centre medical health county "
    "parish city town village university college school church institute foundation "
    "company inc llc ltd corp corporation group pharmacy lake river mount mountain bay beach "
    "valley island park station airport department dept unit ward wing floor building hall "
    "suite apt apartment"
)
# Place words that are also frequent surnames: after a frequent first name they end a
# person's name ("Natalie Ward", "Deborah Lane"), not a place's.
PLACE_SURNAMES = frozenset(["ward", "lane", "hall", "park"])
# Lower-case particles inside names: "Abril de la Rosa", "Ludwig van Beethoven".
PARTICLES = frozenset(
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
EPONYM_FOLLOWERS = (
    r"(?:'s)?[ \t]+(?:disease|syndrome|palsy|sign|test|criteria|score|scale|classification|"
    r"maneuver|manoeuvre|procedure|reflex|esophagus|sarcoma|lymphoma|phenomenon|ulcer|"
    r"fracture|tumou?r|law|rule|equation|formula|index|protocol|method|technique|operation|"
    r"repair|type|stage|grade|position|node|cell|cells|virus|ratio|species|spp)\b"
)


COMPASS_WORDS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "upper",
        "lower",
        "greater",
    ]
)
# Words that start an address, so a name after a title stops before them ("Mrs. Jennifer
# Alcaraz Suite 541").
ADDRESS_UNITS = frozenset(("suite", "apt", "apartment", "unit", "box"))

# Roles a person takes in a sentence (router/phi/name_roles.py).
# Verbs whose subject is a person: "Marcello shouted at the nurse", "Medina said".
SPEECH_VERBS = (
    "said says asked asks told tells shouted shouts replied replies yelled yells whispered "
    "screamed explained explains answered answers insisted insists laughed sighed nodded "
    "smiled wrote writes"
)
# What follows a name and a comma when the name is the one spoken to: "Medina, can I ...".
VOCATIVE_FOLLOWERS = (
    "can could would will please do did are is have what where when how why i you we "
    "thanks thank let's come wait look listen stop don't"
)
# Words that greet or thank the one named after them: "Thanks, Guy", "Hi Will,", "thank
# you Faith", "good morning Faith".
GREETINGS = "thanks thank hi hello hey dear cheers bye goodbye"
GREETING_PHRASES = ("thank you", "good morning", "good afternoon", "good evening")
# Whose relative, home or belongings: "Medina's wife", "Ferreira's house".
RELATIVE_NOUNS = (
    "daughter daughters son sons wife husband mother father mom mum dad brother sister "
    "parents children child kids kid baby boyfriend girlfriend partner fiance fiancee "
    "friend grandson granddaughter grandmother grandfather niece nephew cousin aunt uncle "
    "widow widower spouse caregiver guardian house home apartment address phone birthday "
    "funeral wedding"
)
# After "the" and a surname, a family ("the Medina family") ...
FAMILY_NOUNS = "family families household residence twins kids children brothers sisters"
# ... or an author's or an artist's work ("the Ferreira novel").
WORK_NOUNS = "novel novels book books album albums film films movie movies song songs poem play"
# The roles of a chat transcript: "Bot: Where should we send it? User: ...".
CHAT_ROLES = frozenset(
    ("bot", "user", "agent", "assistant", "system", "customer", "caller", "operator", "human")
)
# The headings of a note's review of systems and examination, as clinicians abbreviate
# them: "Resp: clear", "Abd: soft", "Neuro: intact", "Ext: no edema". Before a colon such
# a word heads a section; it is no speaker or person.
_NOTE_HEADING_WORDS = (
    "resp respiratory pulm pulmonary lungs lung chest cv cvs cardio cardiac "
    "cardiovascular heart abd abdo abdomen gi gu neuro neuros neurologic neurological "
    "psych psychiatric ext exts extrem extremities skin derm integ integumentary heent "
    "eent ent msk musculoskeletal lymph lymphatic endo endocrine heme hem onc gyn ob "
    "pelvic rectal breast breasts eyes eye ears nose throat mouth neck back spine "
    "gen general constitutional const vitals vasc vascular renal mse ros pe"
)
NOTE_HEADINGS = frozenset(_NOTE_HEADING_WORDS.split())
