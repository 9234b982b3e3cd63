"""`POST /v1/route/explain` and `GET /v1/policy/warnings` through the openai SDK and httpx: the
decision and classification for the caller, no dispatch, no values of what was found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tests.conftest import RouterFactory, RunningRouter
from tests.support.fake_backend import FakeBackend
from tests.support.servers import serve_in_thread

PHI_NOTE = "Patient John Smith, MRN 1234567, was admitted with diabetes."


@pytest.fixture
def upstream() -> Iterator[tuple[FakeBackend, str]]:
    backend = FakeBackend()
    with serve_in_thread(backend.app) as url:
        yield backend, f"{url}/v1"


@pytest.fixture
def router(
    make_router: RouterFactory, upstream: tuple[FakeBackend, str], policy_copy: Path
) -> Iterator[RunningRouter]:
    """The default policy, its managed local route served by the fake upstream."""
    with make_router(policy_copy, local_model={"url": upstream[1], "autostart": False}) as running:
        yield running


def _explain(router: RunningRouter, key: str, body: dict[str, Any]) -> Any:
    client = openai.OpenAI(base_url=router.base_url, api_key=key, max_retries=0)
    return client.post("/route/explain", cast_to=object, body=body)


def test_phi_is_explained_as_local_without_values_or_dispatch(
    router: RunningRouter, upstream: tuple[FakeBackend, str]
) -> None:
    body = {"model": "chat", "messages": [{"role": "user", "content": PHI_NOTE}]}
    explained = _explain(router, router.key("general"), body)
    decision, classification = explained["decision"], explained["classification"]
    assert decision["outcome"] == "route" and decision["route"] == "local-smollm2"
    assert decision["declared_tier"] == "non_phi" and decision["effective_tier"] == "phi_heavy"
    assert decision["rule"] == "tiers.phi_heavy[0]"
    assert decision["policy_version"] == router.services.policies.current.version
    assert decision["reason"]
    assert classification["tier"] == "phi_heavy"
    assert classification["entity_counts"] == {"MRN": 1, "NAME": 1}
    assert explained["routes"][0]["data_boundary"] == "on_prem"
    text = str(explained)
    assert "John" not in text and "Smith" not in text and "1234567" not in text
    assert upstream[0].received == []  # nothing was sent to any model


def test_callers_do_not_share_the_classification_cache(router: RunningRouter) -> None:
    # A remembered field answers faster than a scanned one; shared across callers, that
    # would let one caller time guesses at what another sent.
    classifier = router.services.classifier
    classifier.clear_cache()
    body = {"model": "chat", "messages": [{"role": "user", "content": PHI_NOTE}]}
    ward, billing = router.key("general", name="ward-app"), router.key("general", name="billing")
    _explain(router, ward, body)
    held = len(classifier._cache)
    assert held > 0
    _explain(router, ward, body)
    assert len(classifier._cache) == held  # the same caller's fields come from the cache
    _explain(router, billing, body)
    assert len(classifier._cache) == 2 * held
    chat = openai.OpenAI(base_url=router.base_url, api_key=billing, max_retries=0)
    chat.chat.completions.create(model="chat", messages=[{"role": "user", "content": PHI_NOTE}])
    assert len(classifier._cache) == 2 * held  # the pipeline partitions the same way


def test_a_plain_question_and_the_workload_field(router: RunningRouter) -> None:
    key = router.key("general", "member-services")
    body = {
        "workload": "member-services",
        "messages": [{"role": "user", "content": "What are our visiting hours?"}],
    }
    explained = _explain(router, key, body)
    assert explained["decision"]["effective_tier"] == "sometimes_phi"
    assert explained["decision"]["logical_model"] == "auto"
    assert explained["classification"] == {
        "tier": "non_phi",
        "entity_counts": {},
        "has_health_information": False,
        "reasons": explained["classification"]["reasons"],
    }


def test_a_key_outside_the_workload_gets_the_denial_explained(router: RunningRouter) -> None:
    body = {"workload": "clinical", "messages": [{"role": "user", "content": "Hello"}]}
    explained = _explain(router, router.key("general"), body)
    assert explained["decision"]["outcome"] == "deny"
    assert explained["decision"]["rule"] == "principal.workload_scope"
    assert explained["decision"]["route"] is None and explained["routes"] == []


def test_a_key_for_several_workloads_must_name_one(router: RunningRouter) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        _explain(
            router,
            router.key("general", "clinical"),
            {"messages": [{"role": "user", "content": "Hello"}]},
        )
    assert caught.value.code == "workload_required"


def test_explain_needs_credentials_and_valid_messages(router: RunningRouter) -> None:
    anonymous = httpx.post(f"{router.base_url}/route/explain", json={"messages": []})
    assert anonymous.status_code == 401 and anonymous.json()["error"]["type"]
    with pytest.raises(openai.BadRequestError):
        _explain(router, router.key("general"), {"messages": []})


def test_policy_warnings_list_an_expiring_baa(
    make_router: RouterFactory, upstream: tuple[FakeBackend, str], policy_copy: Path
) -> None:
    soon = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=10)
    routes = policy_copy / "routes.yaml"
    text = routes.read_text()
    anthropic = text.index("  claude-anthropic:")
    head, tail = text[:anthropic], text[anthropic:]
    tail = tail.replace("expires: 2027-12-31", f"expires: {soon}", 1)
    tail = tail.replace("enabled: false", "enabled: true", 1)
    routes.write_text(head + tail)
    with make_router(policy_copy, local_model={"url": upstream[1], "autostart": False}) as running:
        assert httpx.get(f"{running.base_url}/policy/warnings").status_code == 401
        listed = httpx.get(
            f"{running.base_url}/policy/warnings",
            headers={"Authorization": f"Bearer {running.key('general')}"},
        ).json()
    assert listed["policy_version"] == running.services.policies.current.version
    assert listed["data"] == [
        {
            "code": "baa_expiring",
            "subject": "routes.claude-anthropic",
            "message": f"BAA ANTHROPIC-BAA-REPLACE-ME expires on {soon} (in 10 days)",
        }
    ]
