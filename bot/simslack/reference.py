"""Read-only access to the copied Slack reference data in bot/simslack/data (see SOURCE.md there)."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

# Error codes Slack can return from any method; each appears in the `errors` tables of many
# methods in web-api/docs-slack-dev-methods.json (e.g. invalid_auth 54x, internal_error 54x,
# invalid_arguments 31x, ratelimited 11x), so the fake accepts them for every method.
GENERIC_ERRORS = frozenset(
    {
        "not_authed",
        "invalid_auth",
        "token_revoked",
        "missing_scope",
        "no_permission",
        "not_allowed_token_type",
        "invalid_arguments",
        "missing_argument",
        "ratelimited",
        "internal_error",
        "fatal_error",
        "ekm_access_denied",
    }
)

# Rate-limit tier names (java-slack-sdk metadata) and docs `rate_limits` codes -> (requests, seconds).
# Floors per REPORT.md §1.1: Tier1 1/min, Tier2 20/min, Tier3 50/min, Tier4 100/min; the special
# tiers for auth.test / chat.getPermalink are 600/min in java-slack-sdk's model.
TIER_LIMITS: dict[str, tuple[int, float]] = {
    "Tier1": (1, 60.0),
    "Tier2": (20, 60.0),
    "Tier3": (50, 60.0),
    "Tier4": (100, 60.0),
    "SpecialTier_auth_test": (600, 60.0),
    "SpecialTier_chat_getPermalink": (600, 60.0),
    "SpecialTier_assistant_threads_setStatus": (600, 60.0),
}
DOCS_TIER_NAMES = {"t1": "Tier1", "t2": "Tier2", "t3": "Tier3", "t4": "Tier4"}


@functools.cache
def _text(relative_path: str) -> str:
    return (DATA_DIR / relative_path).read_text(encoding="utf-8")


def load_json(relative_path: str) -> Any:
    """Return a fresh (deep-copied) parse of a data file so callers may mutate it."""
    return json.loads(_text(relative_path))


@functools.cache
def _methods() -> dict[str, dict[str, Any]]:
    raw = json.loads(_text("web-api/docs-slack-dev-methods.json"))
    # The file also holds a "methods" index list; only dict values are method entries.
    return {name: entry for name, entry in raw.items() if isinstance(entry, dict)}


def is_known_method(method: str) -> bool:
    """True when docs.slack.dev documents the method (the fake answers unknown_method otherwise)."""
    return method in _methods()


def method_spec(method: str) -> dict[str, Any]:
    """A deep copy of one method's docs metadata (args, errors, examples...)."""
    return copy.deepcopy(_methods()[method])


def required_args(method: str) -> list[str]:
    """Required arguments per the docs, without `token` (it travels in the Authorization header)."""
    args = _methods()[method].get("args") or {}
    return [name for name in args.get("required") or [] if name != "token"]


def arg_property(method: str, name: str) -> dict[str, Any]:
    """The docs schema of one argument, or {} when undocumented."""
    args = _methods()[method].get("args") or {}
    return dict((args.get("properties") or {}).get(name) or {})


@functools.cache
def documented_errors(method: str) -> frozenset[str]:
    """The error codes docs.slack.dev lists for the method."""
    return frozenset(_methods()[method].get("errors") or {})


def allowed_errors(method: str) -> frozenset[str]:
    """Errors the fake may inject for a method: its documented ones plus the generic ones."""
    return documented_errors(method) | GENERIC_ERRORS


@functools.cache
def java_tiers() -> dict[str, str]:
    """Method -> tier name from java-slack-sdk's rate_limit_tiers.json."""
    return dict(json.loads(_text("web-api/rate_limit_tiers.java-slack-sdk.json")))


def tier_of(method: str) -> str:
    """The method's tier: java-slack-sdk first, then the docs `rate_limits` code, else Tier2."""
    if method in java_tiers():
        return java_tiers()[method]
    docs_code = _methods().get(method, {}).get("rate_limits")
    return DOCS_TIER_NAMES.get(str(docs_code), "Tier2")


def docs_example(method: str, name: str = "success") -> dict[str, Any]:
    """A docs example response saved under api-responses/docs-examples."""
    return dict(load_json(f"api-responses/docs-examples/{method}.{name}.json"))


def metadata_example(method: str, name: str = "success") -> dict[str, Any]:
    """The example response in the method metadata (web-api/docs-slack-dev-methods.json `examples`)."""
    return copy.deepcopy(dict(_methods()[method]["examples"][name]["example"]))


def bot_scopes_of(method: str) -> list[str]:
    """The bot-token scopes the docs list for a method (`scope.bot`), [] when none are listed."""
    scope = _methods()[method].get("scope") or {}
    return list(scope.get("bot") or []) if isinstance(scope, dict) else []
