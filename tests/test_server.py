"""`serve` freezes what start-up built, so that the collector stops walking it while serving."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from router.app import create_app
from router.phi import Classifier
from router.server import _frozen
from router.settings import Settings


@pytest.fixture
def unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()  # the test process goes on collecting as usual


@pytest.mark.usefixtures("unfrozen_afterwards")
def test_the_served_app_and_everything_before_it_are_frozen(
    tmp_path: Path, classifier: Classifier
) -> None:
    app = create_app(Settings(data_dir=tmp_path / "data"), classifier=classifier)
    before = gc.get_freeze_count()
    assert _frozen(app) is app
    assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() > 10_000  # the modules, the recognizers, the policy
