"""The recognizers, one per file, and how the configured set is built.

`RECOGNIZER_NAMES` is the default order; the configuration may run any subset.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from router.phi.gazetteer import Gazetteer
from router.phi.lexicon import Lexicon
from router.phi.recognizers.base import Recognizer

RECOGNIZER_NAMES: tuple[str, ...] = (
    "name",
    "street_address",
    "zip_code",
    "city",
    "facility",
    "date",
    "age",
    "phone",
    "email",
    "ssn",
    "mrn",
    "health_plan",
    "account",
    "license",
    "vehicle",
    "device",
    "url",
    "ip_address",
    "biometric",
    "photo",
    "other_id",
)


def build_recognizers(
    names: Sequence[str],
    load_lexicon: Callable[[], Lexicon],
    clinical_words: frozenset[str],
    system_names: frozenset[str] = frozenset(),
) -> tuple[Recognizer, ...]:
    """Instantiate the named recognizers; the name lists load only if names are detected."""
    # Imported here so that importing the package stays cheap (the CLI imports it).
    from router.phi.recognizers.account import AccountRecognizer
    from router.phi.recognizers.age import AgeRecognizer
    from router.phi.recognizers.biometric import BiometricRecognizer
    from router.phi.recognizers.city import CityRecognizer
    from router.phi.recognizers.date import DateRecognizer
    from router.phi.recognizers.device import DeviceRecognizer
    from router.phi.recognizers.email import EmailRecognizer
    from router.phi.recognizers.facility import FacilityRecognizer
    from router.phi.recognizers.health_plan import HealthPlanRecognizer
    from router.phi.recognizers.ip_address import IpAddressRecognizer
    from router.phi.recognizers.license import LicenseRecognizer
    from router.phi.recognizers.mrn import MrnRecognizer
    from router.phi.recognizers.name import NameRecognizer
    from router.phi.recognizers.other_id import OtherIdRecognizer
    from router.phi.recognizers.phone import PhoneRecognizer
    from router.phi.recognizers.photo import PhotoRecognizer
    from router.phi.recognizers.ssn import SsnRecognizer
    from router.phi.recognizers.street_address import StreetAddressRecognizer
    from router.phi.recognizers.url import UrlRecognizer
    from router.phi.recognizers.vehicle import VehicleRecognizer
    from router.phi.recognizers.zip_code import ZipCodeRecognizer

    gazetteer = Gazetteer.load()

    factories: dict[str, Callable[[], Recognizer]] = {
        "name": lambda: NameRecognizer(
            load_lexicon(), clinical_words, gazetteer.countries, system_names, gazetteer.places
        ),
        "street_address": StreetAddressRecognizer,
        "zip_code": ZipCodeRecognizer,
        "city": lambda: CityRecognizer(gazetteer),
        "facility": FacilityRecognizer,
        "date": DateRecognizer,
        "age": AgeRecognizer,
        "phone": PhoneRecognizer,
        "email": EmailRecognizer,
        "ssn": SsnRecognizer,
        "mrn": MrnRecognizer,
        "health_plan": HealthPlanRecognizer,
        "account": AccountRecognizer,
        "license": LicenseRecognizer,
        "vehicle": VehicleRecognizer,
        "device": DeviceRecognizer,
        "url": UrlRecognizer,
        "ip_address": IpAddressRecognizer,
        "biometric": BiometricRecognizer,
        "photo": PhotoRecognizer,
        "other_id": OtherIdRecognizer,
    }
    return tuple(factories[name]() for name in names)
