"""Unexpected errors: a 500 in OpenAI's error JSON, and nothing of the request in any log."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from router.api.error_handlers import ContainUnexpectedErrors, install_error_handlers
from router.phi import Classifier
from tests.conftest import RouterFactory

SECRET = "Jonathan Q. Patientname, MRN 99887766"


def _failing_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(ContainUnexpectedErrors)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError(f"could not handle {SECRET}")

    return app


async def test_an_unexpected_error_is_answered_and_ends_there(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Without the middleware Starlette re-raises after answering, and the server logs the
    # traceback with the exception's message; here the transport would raise it.
    transport = httpx.ASGITransport(app=_failing_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert response.json()["error"]["message"] == "The router failed to handle the request."
    assert "Patientname" not in response.text
    assert "RuntimeError" in caplog.text
    assert "Patientname" not in caplog.text


def test_a_failing_classifier_refuses_without_logging_content(
    make_router: RouterFactory,
    llama_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def failing(self: Classifier, body: object, *, partition: str = "") -> None:
        raise ValueError(f"cannot read {SECRET}")

    monkeypatch.setattr(Classifier, "classify_chat", failing)
    with make_router(local_model={"url": llama_url}) as running:
        response = httpx.post(
            f"{running.base_url}/chat/completions",
            headers={"Authorization": f"Bearer {running.key('general')}"},
            json={"model": "chat", "messages": [{"role": "user", "content": SECRET}]},
            timeout=30,
        )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "classification_failed"
    assert "ValueError" in caplog.text
    assert "Patientname" not in caplog.text
    assert "Patientname" not in response.text
