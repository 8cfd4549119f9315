# Checks that need the whole playbook at once: translations against `locales`, unique keys, stage
# requirements, channels the bot must be in, help-topic references, and template placeholders.
# Each issue is (path, reason); the loader runs these on the validated model and turns each path into a
# file line.

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from bot.playbook.paths import Path, describe, locale_label
from bot.playbook.schema import (
    MAX_REQUIRED_USE_CASES,
    TEMPLATE_KINDS,
    TEMPLATE_PLACEHOLDERS,
    LocalizedKeywords,
    LocalizedText,
    Playbook,
)

Issue = tuple[Path, str]


def playbook_issues(pb: Playbook) -> list[Issue]:
    """Every cross-field problem in a structurally valid playbook, in file order where possible."""
    raw = pb.model_dump()
    return [
        *_locale_issues(pb),
        *_translation_issues(pb, raw),
        *_key_issues(pb),
        *_stage_issues(pb),
        *_capacity_issues(pb),
        *_channel_issues(pb),
        *_help_issues(pb),
        *_template_issues(pb),
    ]


def _locale_issues(pb: Playbook) -> Iterator[Issue]:
    if "en" not in pb.locales:
        yield ("locales",), 'the locales must include English ("en"); it is the fallback for every text'
    if pb.default_locale not in pb.locales:
        yield ("default_locale",), f'the default locale "{pb.default_locale}" is not one of the locales'
    for i, locale in enumerate(pb.locales):
        if locale in pb.locales[:i]:
            yield ("locales", i), f'the locale "{locale}" is listed twice'


def _localized(value: Any, path: Path) -> Iterator[tuple[Path, dict[str, Any], bool]]:
    """Yield (path, per-locale mapping, is_text) for every localized value inside a model tree."""
    if isinstance(value, LocalizedText | LocalizedKeywords):
        yield path, value.root, isinstance(value, LocalizedText)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _localized(getattr(value, name), (*path, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _localized(item, (*path, i))
    elif isinstance(value, dict):  # e.g. `tracks`, keyed by role
        for key, item in value.items():
            yield from _localized(item, (*path, key))


def _translation_issues(pb: Playbook, raw: dict[str, Any]) -> Iterator[Issue]:
    wanted = list(dict.fromkeys(pb.locales))
    for path, texts, is_text in _localized(pb, ()):
        if is_text:
            missing = f"text of {describe(path, raw)} is missing"
        else:  # keyword lists may be empty, but each locale must be there
            missing = f"keywords of {describe(path[:-1], raw)} are missing"
        for locale in wanted:
            if locale not in texts:
                yield path, f"{locale_label(locale)} {missing}"
            elif is_text and not texts[locale].strip():
                yield (*path, locale), f"{locale_label(locale)} text of {describe(path, raw)} is empty"
        for locale in texts:
            if locale not in wanted:
                where = describe(path, raw)
                reason = f'{where} has a "{locale}" translation, but "{locale}" is not listed in "locales"'
                yield (*path, locale), reason


def _duplicates(keys: list[tuple[Path, str]], noun: str) -> Iterator[Issue]:
    seen: set[str] = set()
    for path, key in keys:
        if key in seen:
            yield path, f'the {noun} key "{key}" is used more than once; keys must be unique'
        seen.add(key)


def _key_issues(pb: Playbook) -> Iterator[Issue]:
    stage_keys: list[tuple[Path, str]] = [(("stages", s, "key"), st.key) for s, st in enumerate(pb.stages)]
    use_case_keys: list[tuple[Path, str]] = [
        (("stages", s, "use_cases", u, "key"), uc.key)
        for s, st in enumerate(pb.stages)
        for u, uc in enumerate(st.use_cases)
    ]
    topic_keys: list[tuple[Path, str]] = [
        (("help", "topics", t, "key"), topic.key) for t, topic in enumerate(pb.help.topics)
    ]
    yield from _duplicates(stage_keys, "stage")
    yield from _duplicates(use_case_keys, "use case")
    yield from _duplicates(topic_keys, "help topic")


def _stage_issues(pb: Playbook) -> Iterator[Issue]:
    for s, stage in enumerate(pb.stages):
        keys = {uc.key for uc in stage.use_cases}
        if not stage.use_cases:
            yield ("stages", s, "use_cases"), f'stage "{stage.key}" has no use cases'
        if stage.required is None:
            continue
        if not stage.required and stage.use_cases:
            yield ("stages", s, "required"), f'stage "{stage.key}" requires no use cases, so it means nothing'
        for r, key in enumerate(stage.required):
            if key not in keys:
                yield (
                    ("stages", s, "required", r),
                    f'stage "{stage.key}" requires use case "{key}", which is not one of its use cases',
                )
            elif key in stage.required[:r]:
                yield ("stages", s, "required", r), f'stage "{stage.key}" lists "{key}" twice in "required"'


def _capacity_issues(pb: Playbook) -> Iterator[Issue]:
    """More required use cases than the planner's bit mask holds: the first one past the limit is refused."""
    seen: set[str] = set()
    for s, stage in enumerate(pb.stages):
        listed = stage.required is not None
        for i, key in enumerate(stage.required_keys):
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_REQUIRED_USE_CASES:
                path: Path = ("stages", s, "required", i) if listed else ("stages", s, "use_cases", i, "key")
                total = len(pb.required_use_case_keys)
                yield (
                    path,
                    f'"{key}" is required use case {len(seen)} of {total}, but Coach supports at most '
                    f"{MAX_REQUIRED_USE_CASES} required use cases (the planner keeps one bit per required use case "
                    'in a 64-bit number); make some optional by listing fewer in the stages\' "required"',
                )
                return


def _channel_issues(pb: Playbook) -> Iterator[Issue]:
    listed = set(pb.channels)
    hint = 'add it under "channels" (Coach only sees channels it is in)'
    for s, stage in enumerate(pb.stages):
        for u, uc in enumerate(stage.use_cases):
            base = ("stages", s, "use_cases", u, "criteria")
            crit = uc.criteria
            if crit.channel and crit.channel not in listed:
                yield (
                    (*base, "channel"),
                    f'use case "{uc.key}" watches "{crit.channel}", which is not listed; {hint}',
                )
            member = crit.verify.channel_member if crit.verify else None
            if member and member not in listed:
                path = (*base, "verify", "channel_member")
                yield (
                    path,
                    f'use case "{uc.key}" checks membership of "{member}", which is not listed; {hint}',
                )
    if pb.help.admin_channel not in listed:
        yield ("help", "admin_channel"), f'the admin channel "{pb.help.admin_channel}" is not listed; {hint}'
    if "champions" in pb.model_fields_set and pb.champions.channel not in listed:
        yield (
            ("champions", "channel"),
            f'the champions channel "{pb.champions.channel}" is not listed; add it under "channels" (Coach must be '
            "in it to add the champions who accept)",
        )


def _help_issues(pb: Playbook) -> Iterator[Issue]:
    topics = {t.key for t in pb.help.topics}
    for i, key in enumerate(pb.help.ambassador_default_for):
        if key not in topics:
            yield (
                ("help", "ambassador_default_for", i),
                f'"ambassador_default_for" names unknown help topic "{key}"',
            )
    for i, entry in enumerate(pb.help.faq):
        if entry.topic not in topics:
            yield (
                ("help", "faq", i, "topic"),
                f'FAQ entry {i + 1} belongs to unknown help topic "{entry.topic}"',
            )
    for t, topic in enumerate(pb.help.topics):
        departments = [c.department for c in topic.contacts]
        if None not in departments:
            yield (
                ("help", "topics", t, "contacts"),
                f'help topic "{topic.key}" has no contact for everyone (a contact without "department"), '
                "so some questions would reach nobody",
            )
        for c, dept in enumerate(departments):
            if dept in departments[:c]:
                who = f'department "{dept}"' if dept else "everyone"
                yield (
                    ("help", "topics", t, "contacts", c),
                    f'help topic "{topic.key}" has two contacts for {who}',
                )


def placeholders(template: str) -> list[str]:
    """Names used as {placeholders} in a template (raises ValueError on broken braces)."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def _template_issues(pb: Playbook) -> Iterator[Issue]:
    for kind in TEMPLATE_KINDS:
        allowed = TEMPLATE_PLACEHOLDERS[kind]
        for locale, text in pb.templates.of(kind).root.items():
            path = ("templates", kind, locale)
            try:
                names = placeholders(text)
            except ValueError:
                yield (
                    path,
                    f'template "{kind}" ({locale}) has an unmatched "{{" or "}}"; write "{{{{" for a brace',
                )
                continue
            for name in names:
                if kind == "feedback_question" and name == "use_case":
                    yield (
                        path,
                        f'template "feedback_question" ({locale}) uses {{use_case}}, but the feedback gate asks '
                        "about the whole wave, not one use case, so it would read empty; use {wave} and {goal}",
                    )
                elif name not in allowed:
                    options = ", ".join(f"{{{a}}}" for a in sorted(allowed))
                    yield (
                        path,
                        f'template "{kind}" ({locale}) uses unknown placeholder {{{name}}}; use {options}',
                    )
