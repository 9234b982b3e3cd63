"""The soak's upstream: the tests' fake OpenAI-compatible backend, with a fault switch.

`POST /fault/error-500?seconds=N` makes every chat request answer 500 for N seconds, so the
soak can inject upstream failures without the router or its clients knowing.

    python -m benchmarks.soak_upstream --port 9000
"""

from __future__ import annotations

import argparse
import time

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from tests.support.fake_backend import FakeBackend


class FaultyUpstream:
    def __init__(self) -> None:
        self._fake = FakeBackend()
        self._failing_until = 0.0
        self.app = Starlette(
            routes=[
                Route("/fault/error-500", self.fail_for, methods=["POST"]),
                Route("/v1/chat/completions", self.chat, methods=["POST"]),
                Mount("/", app=self._fake.app),
            ]
        )

    async def fail_for(self, request: Request) -> Response:
        self._failing_until = time.monotonic() + float(request.query_params.get("seconds", "30"))
        return JSONResponse({"failing_for": request.query_params.get("seconds", "30")})

    async def chat(self, request: Request) -> Response:
        if time.monotonic() < self._failing_until:
            await request.body()
            return JSONResponse({"error": {"message": "injected failure"}}, status_code=500)
        return await self._fake.chat(request)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(FaultyUpstream().app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
