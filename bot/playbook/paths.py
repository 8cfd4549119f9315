# Turning a location inside the playbook (a path like ("stages", 2, "use_cases", 0, "why")) into words a
# non-programmer understands: 'use case "react-to-news"', '"why"'. Works on plain YAML data so it can
# describe a file that failed validation.

from __future__ import annotations

import types
import typing
from typing import Any, Union

from pydantic import BaseModel, RootModel

Path = tuple[str | int, ...]

LOCALE_NAMES = {
    "en": "English",
    "ja": "Japanese",
    "de": "German",
    "es": "Spanish",
    "fr": "French",
    "ko": "Korean",
    "pt": "Portuguese",
    "zh": "Chinese",
}


def locale_label(locale: str) -> str:
    """'the Japanese ("ja")' style label for a locale code."""
    name = LOCALE_NAMES.get(locale)
    return f'the {name} ("{locale}")' if name else f'the "{locale}"'


def _item(data: Any, step: str | int) -> Any:
    if isinstance(data, dict):
        return data.get(step)
    if isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
        return data[step]
    return None


def _key_of(data: Any, path: Path, noun: str) -> str:
    node = data
    for step in path:
        node = _item(node, step)
    key = node.get("key") if isinstance(node, dict) else None
    if isinstance(key, str) and key:
        return f'{noun} "{key}"'
    index = path[-1]
    return f"{noun} {index + 1}" if isinstance(index, int) else noun


def _owner(path: Path, data: Any) -> tuple[str, Path]:
    """The innermost named thing a path lies in, and the path prefix that names it."""
    p = path
    if p[:1] == ("stages",) and len(p) >= 4 and p[2] == "use_cases" and isinstance(p[3], int):
        return _key_of(data, p[:4], "use case"), p[:4]
    if p[:1] == ("stages",) and len(p) >= 2 and isinstance(p[1], int):
        return _key_of(data, p[:2], "stage"), p[:2]
    if p[:2] == ("help", "topics") and len(p) >= 3 and isinstance(p[2], int):
        topic = _key_of(data, p[:3], "help topic")
        if len(p) >= 5 and p[3] == "contacts" and isinstance(p[4], int):
            return f"contact {p[4] + 1} of {topic}", p[:5]
        return topic, p[:3]
    if p[:2] == ("help", "faq") and len(p) >= 3 and isinstance(p[2], int):
        return f"FAQ entry {p[2] + 1}", p[:3]
    if p[:1] == ("templates",) and len(p) >= 2:
        return f'template "{p[1]}"', p[:2]
    if p[:1] == ("phases",) and len(p) >= 2:
        return f'phase "{p[1]}"', p[:2]
    named = {
        "help": "the help settings",
        "cadence": "the cadence settings",
        "purpose": "the purpose",
        "departments": "the departments setting",
        "channels": "the channel list",
    }
    if p and str(p[0]) in named:
        return named[str(p[0])], p[:1]
    return "the playbook", ()


def owner_of(path: Path, data: Any) -> str:
    """Describe the innermost named thing a path lies in, e.g. 'use case "react-to-news"'."""
    return _owner(path, data)[0]


def describe(path: Path, data: Any) -> str:
    """'"channel" of "criteria" in use case "x"': the field, its parents, then the named owner."""
    owner, prefix = _owner(path, data)
    tail = [f'"{s}"' if isinstance(s, str) else f"item {s + 1}" for s in reversed(path[len(prefix) :])]
    return " of ".join(tail) + f" in {owner}" if tail else owner


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _step(annotation: Any, step: str | int) -> Any:
    for candidate in _unwrap(annotation):
        origin = typing.get_origin(candidate)
        if isinstance(step, int) and origin is list:
            return typing.get_args(candidate)[0]
        if isinstance(step, str) and origin is dict:
            return typing.get_args(candidate)[1]
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            if issubclass(candidate, RootModel):
                return _step(candidate.model_fields["root"].annotation, step)
            field = candidate.model_fields.get(str(step))
            if field is not None:
                return field.annotation
    return None


def model_at(root: type[BaseModel], path: Path) -> type[BaseModel] | None:
    """The model class that sits at `path` (used to suggest field names for typos)."""
    annotation: Any = root
    for step in path:
        annotation = _step(annotation, step)
        if annotation is None:
            return None
    for candidate in _unwrap(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None
