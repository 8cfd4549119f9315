"""The baseline for the ingest benchmark: a bare Bolt app that only acks, on the same server and settings."""

from __future__ import annotations

import argparse
import logging

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress import serve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--signing-secret", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    app = App(
        client=WebClient(token=args.token, base_url=args.api_url),
        signing_secret=args.signing_secret,
        token_verification_enabled=False,
    )
    for name in ("message", "reaction_added", "member_joined_channel"):
        app.event(name)(lambda: None)
    serve(SlackRequestHandler(app), host="127.0.0.1", port=args.port, threads=args.threads)


if __name__ == "__main__":
    main()
