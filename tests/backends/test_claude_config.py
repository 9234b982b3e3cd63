"""How a Claude route finds its vendor and credentials, and how litellm is kept quiet."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from router.backends.claude_routes import route_call
from router.backends.litellm_runtime import load_litellm
from router.policy.model import Route


def _route(kind: str, model: str, **extra: object) -> Route:
    return Route.model_validate(
        {"kind": kind, "model": model, "data_boundary": "customer_cloud", **extra}
    )


def test_anthropic_takes_its_key_from_the_environment() -> None:
    call = route_call(_route("anthropic", "anthropic/claude-x"), {"ANTHROPIC_API_KEY": "k1"})
    assert call.problem is None
    assert call.params == {"model": "anthropic/claude-x", "api_key": "k1"}


def test_anthropic_reads_a_mounted_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("k2\n")
    route = _route("anthropic", "anthropic/claude-x", endpoints=["https://gateway.internal"])
    call = route_call(route, {"ANTHROPIC_API_KEY_FILE": str(key_file)})
    assert call.params["api_key"] == "k2"
    assert call.params["api_base"] == "https://gateway.internal"


def test_anthropic_without_a_key_is_not_usable_and_says_which_setting() -> None:
    call = route_call(_route("anthropic", "anthropic/claude-x"), {})
    assert call.problem is not None
    assert "ANTHROPIC_API_KEY" in call.problem


def test_bedrock_uses_the_route_region_and_a_vpc_endpoint() -> None:
    route = _route(
        "bedrock",
        "bedrock/anthropic.claude-x",
        region="eu-central-1",
        endpoints=["https://vpce-0abc.bedrock-runtime.eu-central-1.vpce.amazonaws.com"],
    )
    call = route_call(route, {"AWS_REGION": "us-west-2"})
    assert call.params["aws_region_name"] == "eu-central-1"
    assert call.params["aws_bedrock_runtime_endpoint"].startswith("https://vpce-0abc")
    assert "aws_access_key_id" not in call.params  # boto3's credential chain resolves them


def test_bedrock_needs_a_region() -> None:
    assert route_call(_route("bedrock", "bedrock/anthropic.claude-x"), {}).problem is not None
    call = route_call(_route("bedrock", "bedrock/anthropic.claude-x"), {"AWS_REGION": "us-east-2"})
    assert call.params["aws_region_name"] == "us-east-2"


def test_vertex_needs_a_project_and_a_location() -> None:
    route = _route("vertex_ai", "vertex_ai/claude-x", region="us-east5")
    assert route_call(route, {}).problem is not None
    call = route_call(
        route, {"VERTEXAI_PROJECT": "p1", "GOOGLE_APPLICATION_CREDENTIALS": "/run/creds.json"}
    )
    assert call.problem is None
    assert call.params["vertex_project"] == "p1"
    assert call.params["vertex_location"] == "us-east5"
    assert call.params["vertex_credentials"] == "/run/creds.json"


def test_openai_compatible_is_not_a_claude_route() -> None:
    route = Route.model_validate(
        {
            "kind": "openai_compatible",
            "model": "m",
            "endpoints": ["http://x/v1"],
            "data_boundary": "on_prem",
        }
    )
    assert route_call(route, {}).problem is not None


def test_litellm_is_loaded_offline_and_silent() -> None:
    litellm = load_litellm()
    assert os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] == "True"
    assert os.environ["LITELLM_MODE"] == "PRODUCTION"
    assert litellm.model_cost  # the cost map shipped with the package, not fetched
    source = litellm.litellm_core_utils.get_model_cost_map._cost_map_source_info
    assert source.source == "local"
    assert litellm.suppress_debug_info is True
    assert litellm.turn_off_message_logging is True
    assert litellm.callbacks == []
    assert litellm.success_callback == []
    assert logging.getLogger("LiteLLM").disabled


@pytest.mark.parametrize("name", ["LiteLLM", "LiteLLM Router", "LiteLLM Proxy"])
def test_litellm_loggers_cannot_leak_prompts(name: str, caplog: pytest.LogCaptureFixture) -> None:
    load_litellm()
    with caplog.at_level(logging.DEBUG):
        logging.getLogger(name).warning("a prompt about John Smith")
    assert "John Smith" not in caplog.text
