"""The HTTP face of the app: Slack requests on POST /slack/events and GET /healthz.

Bolt's sync App is dispatched on a thread pool so one slow listener never blocks the event
loop, except requests the caller marks `inline` (on SQLite: /feedback, a local write well under a
millisecond), which skip the hand-off; uvicorn gives keep-alive, concurrency and a graceful
SIGTERM (in-flight requests finish).
"""

from __future__ import annotations

import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio.to_thread
import uvicorn
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

logger = logging.getLogger(__name__)

WORKER_THREADS = 32


def build_asgi(
    app: App | None,
    *,
    health: Callable[[], dict[str, str]],
    inline: Callable[[BoltRequest], bool] | None = None,
) -> Starlette:
    """With `app` None (Socket Mode) only /healthz is served, for the orchestrator's probes.

    Requests for which `inline` says yes are dispatched on the event-loop thread itself: no
    hand-off to the pool and back, and no GIL contention with 32 worker threads. Only for
    listeners that never wait on the network before their ack.
    """

    async def slack_events(request: Request) -> Response:
        assert app is not None
        body = await request.body()
        try:
            bolt_request = to_bolt_request(request, body)
        except ValueError:  # malformed JSON or form payload; includes UnicodeDecodeError
            logger.warning("request with an unparsable body refused")
            return Response("unparsable body", status_code=400)
        if inline is not None and inline(bolt_request):
            bolt_response = app.dispatch(bolt_request)
        else:
            bolt_response = await run_in_threadpool(app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    async def healthz(request: Request) -> Response:
        report = await run_in_threadpool(health)
        ready = all(value == "ok" for value in report.values())
        return JSONResponse(
            {"status": "ok" if ready else "starting", **report}, status_code=200 if ready else 503
        )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        yield

    return Starlette(
        routes=[
            *([Route("/slack/events", slack_events, methods=["POST"])] if app else []),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def is_command(
    *names: str, unless: Callable[[], bool] = lambda: False
) -> Callable[[BoltRequest], bool]:
    """An `inline` predicate: slash commands with one of these names, while `unless()` is false."""
    wanted = frozenset(names)

    def check(request: BoltRequest) -> bool:
        body = request.body
        return isinstance(body, dict) and body.get("command") in wanted and not unless()

    return check


def serve(asgi: Starlette, *, port: int, host: str = "0.0.0.0") -> None:
    """Run until SIGTERM/SIGINT; uvicorn then stops accepting and lets requests finish."""
    config = uvicorn.Config(
        asgi,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=25,
        timeout_keep_alive=30,
    )
    # uvicorn drains in-flight requests on SIGTERM/SIGINT, then re-raises the signal to the
    # handler that was there before it; a no-op one lets app.py finish its own clean-up.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    uvicorn.Server(config).run()
