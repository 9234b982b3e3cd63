"""The OpenAI SDK, unchanged but for base URL and key, against the router and a real llama.cpp."""

from __future__ import annotations

import httpx
import openai
import pytest

from router.identity.api_keys import split_key
from tests.conftest import RouterFactory

pytestmark = pytest.mark.usefixtures("llama_url")


@pytest.fixture
def router_url(make_router: RouterFactory, llama_url: str):  # type: ignore[no-untyped-def]
    with make_router(local_model={"url": llama_url}) as running:
        yield running


def test_non_streaming_completion(router_url) -> None:  # type: ignore[no-untyped-def]
    client = openai.OpenAI(base_url=router_url.base_url, api_key=router_url.key("general"))
    raw = client.chat.completions.with_raw_response.create(
        model="chat", messages=[{"role": "user", "content": "Say hello."}], max_tokens=8
    )
    completion = raw.parse()
    assert completion.choices[0].message.content
    assert completion.usage is not None and completion.usage.completion_tokens > 0
    assert raw.headers["x-router-route"] == "local-smollm2"
    assert raw.headers["x-router-tier"] == "non_phi"
    assert raw.headers["x-router-decision-id"].startswith("dec_")


def test_streaming_completion_with_usage(router_url) -> None:  # type: ignore[no-untyped-def]
    client = openai.OpenAI(base_url=router_url.base_url, api_key=router_url.key("general"))
    stream = client.chat.completions.create(
        model="chat",
        messages=[{"role": "user", "content": "Count to three."}],
        max_tokens=8,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text
    usage_chunks = [c for c in chunks if c.usage is not None]
    assert len(usage_chunks) == 1 and usage_chunks[0].choices == []
    assert usage_chunks[0].usage.completion_tokens > 0  # type: ignore[union-attr]
    assert usage_chunks[0].usage.prompt_tokens > 0  # type: ignore[union-attr]


def test_streaming_without_usage_request_has_no_usage_chunk(router_url) -> None:  # type: ignore[no-untyped-def]
    client = openai.OpenAI(base_url=router_url.base_url, api_key=router_url.key("general"))
    chunks = list(
        client.chat.completions.create(
            model="chat", messages=[{"role": "user", "content": "Hi"}], max_tokens=4, stream=True
        )
    )
    assert chunks and all(c.usage is None for c in chunks)


def test_legacy_completions_and_embeddings(router_url) -> None:  # type: ignore[no-untyped-def]
    client = openai.OpenAI(base_url=router_url.base_url, api_key=router_url.key("general"))
    completion = client.completions.create(model="chat", prompt="The sky is", max_tokens=4)
    assert completion.choices[0].text is not None
    response = httpx.post(
        f"{router_url.base_url}/embeddings",
        headers={"Authorization": f"Bearer {router_url.key('general')}"},
        json={"model": "embeddings", "input": "hello"},
    )
    assert response.status_code == 200
    assert response.json()["data"][0]["object"] == "embedding"


def test_models_lists_the_logical_models_of_the_keys_workloads(router_url) -> None:  # type: ignore[no-untyped-def]
    client = openai.OpenAI(base_url=router_url.base_url, api_key=router_url.key("clinical"))
    names = {model.id for model in client.models.list()}
    assert names == {"auto", "chat", "clinical", "embeddings"}
    general = openai.OpenAI(base_url=router_url.base_url, api_key=router_url.key("general"))
    assert "clinical" not in {model.id for model in general.models.list()}


def test_missing_and_wrong_keys_get_401(router_url) -> None:  # type: ignore[no-untyped-def]
    client = openai.OpenAI(base_url=router_url.base_url, api_key="srk_0000_wrong")
    with pytest.raises(openai.AuthenticationError) as caught:
        client.chat.completions.create(model="chat", messages=[{"role": "user", "content": "x"}])
    assert caught.value.status_code == 401
    assert caught.value.body["code"] == "invalid_api_key"  # type: ignore[index]
    response = httpx.post(f"{router_url.base_url}/chat/completions", json={})
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"


def test_revoked_key_is_refused_at_once(router_url) -> None:  # type: ignore[no-untyped-def]
    key = router_url.key("general")
    client = openai.OpenAI(base_url=router_url.base_url, api_key=key)
    assert client.models.list().data
    parts = split_key(key)
    assert parts is not None
    key_id = parts[0]
    assert router_url.services.api_keys.revoke(key_id)
    with pytest.raises(openai.AuthenticationError):
        client.models.list()


def test_unknown_model_is_404(router_url) -> None:  # type: ignore[no-untyped-def]
    client = openai.OpenAI(base_url=router_url.base_url, api_key=router_url.key("general"))
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "x"}])
    assert caught.value.body["code"] == "model_not_found"  # type: ignore[index]


def test_model_outside_the_workload_is_404(router_url) -> None:  # type: ignore[no-untyped-def]
    client = openai.OpenAI(base_url=router_url.base_url, api_key=router_url.key("general"))
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(
            model="clinical", messages=[{"role": "user", "content": "x"}]
        )
