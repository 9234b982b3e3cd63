"""Templates of the clinical evaluation set (see phi_dataset.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from router.tiers import Tier

if TYPE_CHECKING:
    from benchmarks.phi_dataset import Composer, Template, Values

HEAVY, SOME, NONE = Tier.PHI_HEAVY, Tier.SOMETIMES_PHI, Tier.NON_PHI


def note_admission(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Patient ").add(v.full_name(), "NAME").add(f" is a {v.young_age()}-year-old with ")
    c.add(v.diagnosis()).add(" admitted on ").add(v.date(), "DATE").add(". MRN: ")
    c.add(v.mrn(), "MRN").add(f". Started {v.medication()} 20 mg daily.")
    return HEAVY, "note"


def note_header(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("PT NAME: ").add(v.full_name().upper(), "NAME").add("\nDOB: ").add(v.date(), "DATE")
    c.add("\nMRN ").add(v.mrn(), "MRN").add(
        f"\nHPI: presents with chest pain, hx of {v.diagnosis()}."
    )
    return HEAVY, "note"


def note_discharge(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Discharge summary: ").add(v.full_name(), "NAME").add(", ").add(
        v.old_age(), "AGE_OVER_89"
    )
    c.add(f" with {v.diagnosis()}, discharged ").add(v.date(), "DATE")
    c.add(". Follow up with Dr. ").add(v.last(), "NAME").add(" at ").add(v.phone(), "PHONE").add(
        "."
    )
    return HEAVY, "note"


def note_social(v: Values, c: Composer) -> tuple[Tier, str]:
    city, state, zip_code = v.city_state_zip()
    c.add("Social hx: lives at ").add(v.street(), "LOCATION").add(", ").add(city, "LOCATION")
    c.add(f", {state} ").add(zip_code, "LOCATION").add(" with daughter ").add(v.first(), "NAME")
    c.add(f". Takes {v.medication()} for {v.diagnosis()}.")
    return HEAVY, "note"


def note_ids(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Insurance: member ID ").add(v.member_id(), "HEALTH_PLAN_ID").add(", SSN ")
    c.add(v.ssn(), "SSN").add(". Pt ").add(v.full_name(), "NAME")
    c.add(f" has {v.diagnosis()}; A1c 8.1% on {v.medication()}.")
    return HEAVY, "note"


def note_devices(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Pacemaker serial number ").add(v.us.bothify("??#######").upper(), "DEVICE_ID")
    c.add(" interrogated; patient ").add(v.full_name(), "NAME").add(" reports palpitations.")
    return HEAVY, "note"


def question_identified(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("My patient ").add(v.full_name(), "NAME").add(f" ({v.young_age()}F) has {v.diagnosis()}")
    c.add(f" - can I start {v.medication()}? Seen on ").add(v.date(), "DATE").add(".")
    return HEAVY, "question"


def question_old(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("How should I dose ").add(v.medication()).add(" in a ").add(v.old_age(), "AGE_OVER_89")
    c.add(f" woman with {v.diagnosis()} and eGFR 28?")
    return HEAVY, "question"


def question_generic(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add(f"A {v.young_age()}-year-old man with {v.diagnosis()} is on {v.medication()} 40 mg. ")
    c.add("What is the target LDL and when should we recheck labs in 6 weeks?")
    return NONE, "question"


def portal_refill(v: Values, c: Composer) -> tuple[Tier, str]:
    first, last = v.first(), v.last()
    c.add("Hi Dr. ").add(v.last(), "NAME").add(", this is ").add(f"{first} {last}", "NAME")
    c.add(f". My {v.medication()} refill ran out, can you send it to the pharmacy? My DOB is ")
    c.add(v.date(), "DATE").add(". Thanks, ").add(first, "NAME")
    return HEAVY, "portal"


def portal_contact(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Please call me back at ").add(v.phone(), "PHONE").add(" or email ")
    c.add(v.email(), "EMAIL").add(" about my biopsy results. - ").add(v.full_name(), "NAME")
    return HEAVY, "portal"


def scheduling(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Please reschedule ").add(v.full_name(), "NAME").add(" with Dr. ").add(v.last(), "NAME")
    c.add(" from ").add(v.date(), "DATE").add(" to ").add(v.date(), "DATE").add(". Call back at ")
    c.add(v.phone(), "PHONE").add(".")
    return SOME, "scheduling"


def scheduling_short(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Mrs. ").add(v.last(), "NAME").add(
        " asked to move her appointment to next Tuesday at 3 pm."
    )
    return SOME, "scheduling"


def billing(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Account ").add(v.account(), "ACCOUNT_NUMBER").add(" for ").add(v.full_name(), "NAME")
    c.add(": balance $245.10 due ").add(v.date(), "DATE").add(". Member ID ")
    c.add(v.member_id(), "HEALTH_PLAN_ID").add(".")
    return SOME, "billing"


def billing_address(v: Values, c: Composer) -> tuple[Tier, str]:
    city, state, zip_code = v.city_state_zip()
    c.add("Send the statement to ").add(v.full_name(), "NAME").add(", ").add(v.street(), "LOCATION")
    c.add(", ").add(city, "LOCATION").add(f", {state} ").add(zip_code, "LOCATION").add(".")
    return SOME, "billing"


def it_ticket(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Portal login for ").add(v.email(), "EMAIL").add(" came from ")
    c.add(v.us.ipv4_public(), "IP_ADDRESS").add("; see ").add(v.us.url(), "URL").add(".")
    return SOME, "identifiers"


def vehicle_license(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Parking: plate ").add(v.us.license_plate(), "VEHICLE_ID").add(", driver's license ")
    c.add(v.us.bothify("?#######").upper(), "LICENSE_NUMBER").add(", VIN ")
    c.add(v.us.vin(), "VEHICLE_ID").add(".")
    return SOME, "identifiers"


# Capitalised words that no name list holds and that are not names: brand drugs,
# organisms, vendors and devices. They test that unknown words are not all taken for names.
BRAND_DRUGS = ("Eliquis", "Xarelto", "Toradol", "Zofran", "Jardiance", "Ozempic", "Keppra")
ORGANISMS = ("Staphylococcus", "Klebsiella", "Pseudomonas", "Enterococcus", "Candida")
VENDORS = ("Medtronic", "Dexcom", "Cerner", "Omnicell", "Pyxis", "Lexicomp")


def negative_brands(v: Values, c: Composer) -> tuple[Tier, str]:
    first, second = v.rng.sample(BRAND_DRUGS, 2)
    c.add(f"{first} or {second} for {v.diagnosis()}? {second} interacts with {v.medication()}; ")
    c.add("check the label before switching.")
    return NONE, "hard_negative"


def negative_microbiology(v: Values, c: Composer) -> tuple[Tier, str]:
    first, second = v.rng.sample(ORGANISMS, 2)
    c.add(f"{first} grew in 2 of 4 bottles. {second} species are often resistant; ")
    c.add("what empiric coverage does the antibiogram suggest?")
    return NONE, "hard_negative"


def negative_vendors(v: Values, c: Composer) -> tuple[Tier, str]:
    first, second = v.rng.sample(VENDORS, 2)
    c.add(f"How do we connect the {first} interface to {second}? ")
    c.add("The HL7 feed drops messages after the upgrade.")
    return NONE, "hard_negative"


def negative_guideline(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add(f"What does the 2023 ADA guideline recommend for {v.diagnosis()} in adults over 65? ")
    c.add(f"Is {v.medication()} 500 mg twice daily still first line, with a max of 2,550 mg/day?")
    return NONE, "hard_negative"


def negative_drug_info(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add(f"{v.medication().capitalize()} was approved by the FDA on March 3, 1995. Usual dose is ")
    c.add("0.5 mg/kg IV q6h, max 40 mg; take 1 tablet every 8 hours for 10 days. See section 4.2.")
    return NONE, "hard_negative"


def negative_vitals(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Typical values: BP 120/80, HR 72, temp 98.6 F, SpO2 97%. ICD-10 code E11.9 covers ")
    c.add(f"{v.diagnosis()}; CPT 99213 is a level 3 visit. Ref: NEJM 2019;380:1234-45.")
    return NONE, "hard_negative"


def negative_eponyms(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Compare Parkinson disease staging (Hoehn and Yahr) with Bell's palsy grading and ")
    c.add("Graves disease treatment. The committee met last Tuesday to review the sepsis protocol.")
    return NONE, "hard_negative"


def negative_schedule(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Vaccine schedule: doses at 2, 4 and 6 months, then a booster at 12-15 months. ")
    c.add(f"In 2021, about 1 in 3 adults had {v.diagnosis()} per CDC data (n=12,345).")
    return NONE, "hard_negative"


def negative_policy(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Summarise our prior-authorization policy for GLP-1 agonists: coverage requires ")
    c.add("BMI over 30, or over 27 with a comorbidity, and a 3-month trial of lifestyle change.")
    return NONE, "hard_negative"


def negative_code(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add("Write a Python function that parses HL7 v2.5 ADT messages and returns the ")
    c.add("segment count; version 3.11, timeout 30 s, retry 5 times with backoff 1.5.")
    return NONE, "hard_negative"


def negative_education(v: Values, c: Composer) -> tuple[Tier, str]:
    c.add(f"Explain {v.diagnosis()} to a patient in plain language: what it is, warning signs, ")
    c.add(f"and how {v.medication()} helps. Keep it under 200 words, reading level grade 6.")
    return NONE, "hard_negative"


TEMPLATES: tuple[Template, ...] = (
    note_admission,
    note_header,
    note_discharge,
    note_social,
    note_ids,
    note_devices,
    question_identified,
    question_old,
    question_generic,
    portal_refill,
    portal_contact,
    scheduling,
    scheduling_short,
    billing,
    billing_address,
    it_ticket,
    vehicle_license,
    negative_guideline,
    negative_drug_info,
    negative_vitals,
    negative_eponyms,
    negative_schedule,
    negative_policy,
    negative_code,
    negative_education,
    negative_brands,
    negative_microbiology,
    negative_vendors,
)
