"""Known, unique PHI planted in requests down every path, and the search for it afterwards.

The values are invented and unique enough that finding any of them (or its digits alone) in a
log line, a metric, an error body, a SIEM event or the database file can only mean a leak.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openai
import orjson
from openai.types.chat import ChatCompletionMessageParam

from tests.support.policies import write_policy

NAME = "Zebulon Quixwright"
MRN = "MRN 84736291"
SSN = "539-48-2716"
PHONE = "(617) 555-0193"
EMAIL = "zebulon.quixwright@example.org"
BIRTH_DATE = "03/14/1962"
CANARIES = (NAME, MRN, SSN, PHONE, EMAIL, BIRTH_DATE)
# The same values as they might be rewritten on the way: split, lower-cased, digits only.
_NEEDLES = (
    "zebulon",
    "quixwright",
    "84736291",
    "539482716",
    "539-48-2716",
    "6175550193",
    "555-0193",
    "03/14/1962",
    "1962-03-14",
)

NOTE = (
    f"Patient {NAME}, {MRN}, SSN {SSN}, born {BIRTH_DATE}, phone {PHONE}, email {EMAIL}, "
    "was admitted with chest pain and started on metoprolol for hypertension."
)
MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": NOTE}]


def leaks(texts: Iterable[str]) -> list[str]:
    """Each canary fragment found in the texts, with a little context to find it by."""
    found = []
    for text in texts:
        lowered = text.lower()
        flattened = re.sub(r"[\s()\-.]", "", lowered)
        for needle in _NEEDLES:
            plain = needle.lower()
            if plain in lowered or re.sub(r"[\s()\-.]", "", plain) in flattened:
                at = max(0, lowered.find(plain))
                found.append(f"{needle!r} near {text[max(0, at - 60) : at + 60]!r}")
    return found


def file_texts(directory: Path) -> list[str]:
    """Every file under `directory`, decoded leniently, so a byte-level leak is found too."""
    return [
        path.read_bytes().decode("latin-1")
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    ]


def canary_policy(directory: Path, fake_url: str) -> Path:
    """One on-prem route per fake behaviour, and a vendor route without a BAA: PHI sent to
    the model only it serves is refused by policy."""
    behaviours = ("ok", "error-500", "hang", "malformed", "cut-stream")
    routes: dict[str, Any] = {
        name: {
            "kind": "openai_compatible",
            "model": name,
            "endpoints": [fake_url],
            "data_boundary": "on_prem",
            "capabilities": ["chat", "completions", "embeddings"],
        }
        for name in behaviours
    }
    routes["vendor"] = {
        "kind": "openai_compatible",
        "model": "ok",
        "endpoints": [fake_url],
        "data_boundary": "vendor",
    }
    models = {name: {"routes": [name]} for name in routes}
    return write_policy(
        directory,
        routes=routes,
        models=models,
        workloads={"general": {"tier": "non_phi", "models": list(models)}},
        tiers={
            "non_phi": list(routes),
            "sometimes_phi": list(behaviours),
            "phi_heavy": list(behaviours),
        },
    )


@dataclass(frozen=True)
class Clients:
    sdk: openai.OpenAI
    http: httpx.Client  # for bodies the SDK will not send


@dataclass(frozen=True)
class Answer:
    status: int
    text: str


Path_ = Callable[[Clients], Answer]


def _answer(response: httpx.Response) -> Answer:
    return Answer(response.status_code, response.read().decode(errors="replace"))


def _chat(model: str, **extra: Any) -> Path_:
    """Through the official SDK, as applications call the router."""

    def send(clients: Clients) -> Answer:
        create = clients.sdk.chat.completions.with_raw_response.create
        try:
            raw = create(model=model, messages=MESSAGES, **extra)
        except openai.APIStatusError as error:
            return _answer(error.response)
        return _answer(raw.http_response)

    return send


def _post(path: str, **options: Any) -> Path_:
    return lambda clients: _answer(clients.http.post(path, **options))


def _raw(content: bytes, **headers: str) -> Path_:
    headers = {"content-type": "application/json", **headers}
    return _post("/v1/chat/completions", content=content, headers=headers)


def _nested(depth: int) -> dict[str, Any]:
    content: Any = NOTE
    for _ in range(depth):
        content = [content]
    return {"model": "ok", "messages": [{"role": "user", "content": content}]}


# Each path a request can take, named for the report when one leaks.
PATHS: dict[str, Path_] = {
    "success": _chat("ok"),
    "success, streamed": _chat("ok", stream=True, stream_options={"include_usage": True}),
    "refused by policy (no BAA)": _chat("vendor"),
    "unknown model named with PHI": _chat(NAME),
    "upstream 500": _chat("error-500"),
    "upstream timeout": _chat("hang"),
    "upstream malformed JSON": _chat("malformed"),
    "upstream cut mid-stream": _chat("cut-stream", stream=True),
    "upstream lacks the endpoint (completions)": _post(
        "/v1/completions", json={"model": "ok", "prompt": NOTE}
    ),
    "upstream lacks the endpoint (embeddings)": _post(
        "/v1/embeddings", json={"model": "ok", "input": [NOTE]}
    ),
    "malformed JSON body": _raw(b'{"model": "ok", "messages": [' + NOTE.encode()),
    "schema-invalid body": _raw(orjson.dumps({"model": "ok", "messages": NOTE})),
    "wrong field type": _raw(orjson.dumps({"model": "ok", "messages": MESSAGES, "n": NOTE})),
    "content too deep to scan": _raw(orjson.dumps(_nested(200))),
    "PHI as the workload header": _raw(
        orjson.dumps({"model": "ok", "messages": MESSAGES}), **{"x-router-workload": NAME}
    ),
    "route explanation": _post("/v1/route/explain", json={"model": "ok", "messages": MESSAGES}),
    "PHI as the credential": _post(
        "/v1/chat/completions",
        json={"model": "ok", "messages": MESSAGES},
        headers={"authorization": f"Bearer {NAME} {SSN}"},
    ),
}


def drive_every_path(base_url: str, key: str) -> dict[str, Answer]:
    """Send the canary down each path; what came back, read to its end."""
    headers = {"authorization": f"Bearer {key}"}
    sdk = openai.OpenAI(base_url=f"{base_url}/v1", api_key=key, max_retries=0, timeout=30)
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as http:
        clients = Clients(sdk, http)
        return {name: path(clients) for name, path in PATHS.items()}
