"""HTTP mode: Bolt's WSGI adapter at POST /slack/events plus GET /healthz, served by waitress.

Waitress is a production WSGI server (pure Python, threaded, no fork), so the scheduler can live in the
same process as the web threads; replicas behind a load balancer are stateless.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError
from waitress.server import create_server

from bot.db import schema_behind
from bot.deps import Deps
from bot.ingest.writer import IngestQueue
from bot.request_guard import MAX_BODY_BYTES, guard
from handlers.events import FastIngest
from models import ProcessedEvent

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_STATUS = {200: "200 OK", 503: "503 Service Unavailable"}


def make_wsgi_app(app: App, deps: Deps) -> WSGIApp:
    """Route Slack's requests to Bolt and answer health checks for the load balancer.

    Behind the guard (size, signature, shape, replays), a person's channel activity is committed and acked
    by `handlers.events.FastIngest` without Bolt's dispatch; everything else goes to Bolt.
    """
    bolt = SlackRequestHandler(app, path="/slack/events")
    ingest = getattr(app, "ingest", None)
    fast = FastIngest(deps, ingest) if isinstance(ingest, IngestQueue) else None

    def events(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"]
        if fast is not None and "json" in environ.get("CONTENT_TYPE", "") and isinstance(body, io.BytesIO):
            status = fast.ack(json.loads(body.getvalue()))  # the guard parsed it once already: it is JSON
            if status is not None:
                start_response(_STATUS[status], [("Content-Length", "0")])
                return [b""]
        return bolt(environ, start_response)

    slack = guard(events, signing_secret=deps.settings.signing_secret, first_time=lambda key: _first_time(deps, key))

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            return _health(deps, start_response)
        return slack(environ, start_response)

    return wsgi


def _first_time(deps: Deps, key: str) -> bool:
    """Record a replay key in processed_events (durable across replicas); False when it was there already."""
    try:
        with deps.engine.begin() as conn:
            conn.execute(insert(ProcessedEvent).values(event_id=key, received_at=deps.clock.now()))
    except IntegrityError:
        return False
    return True


def _health(deps: Deps, start_response: Callable[..., Any]) -> Iterable[bytes]:
    try:
        with deps.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            behind = schema_behind(conn, deps.settings.database_url)
        if behind:
            status, body = "503 Service Unavailable", {"ok": False, "database": "schema_behind_head"}
        else:
            status, body = "200 OK", {"ok": True, "database": "ok"}
    except Exception as exc:  # any database failure makes this replica unhealthy
        status, body = "503 Service Unavailable", {"ok": False, "database": type(exc).__name__}
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def create_http_server(app: App, deps: Deps, *, host: str, port: int, threads: int = 8) -> Any:
    """A waitress server bound to host:port (port 0 picks a free one: see `.effective_port`)."""
    return create_server(
        make_wsgi_app(app, deps),
        host=host,
        port=port,
        threads=threads,
        ident="adoption-coach",
        clear_untrusted_proxy_headers=True,
        max_request_body_size=MAX_BODY_BYTES,
    )
