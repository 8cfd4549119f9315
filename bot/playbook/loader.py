# Loading a playbook file and explaining every problem as `file:line: reason`.
#
# The YAML is composed once into a node tree (which remembers line numbers) and constructed from that
# tree, so each pydantic error location, e.g. ("stages", 2, "use_cases", 0, "why"), can be walked back to
# the line where that key is written. Reasons are sentences for the admin editing the file, not for us.

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.playbook.checks import playbook_issues
from bot.playbook.completion_paths import completion_warnings
from bot.playbook.paths import Path, describe, model_at, owner_of
from bot.playbook.schema import Playbook


@dataclass(frozen=True, order=True)
class PlaybookError:
    """One problem in a playbook file; prints as `file:line: reason`."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class PlaybookInvalid(Exception):
    """Raised by `load_playbook` with every problem found, so the admin can fix them in one pass."""

    def __init__(self, errors: list[PlaybookError]) -> None:
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


class _Loader(yaml.SafeLoader):
    """YAML 1.2-style scalars: `18:00` stays text (not 1080) and `no`/`on` stay text (not booleans)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":int", ":float", ":bool"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


def default_playbook_path() -> FsPath:
    """The bilingual (en/ja) playbook that ships inside the `bot` package."""
    return FsPath(__file__).with_name("default.yaml")


def load_playbook(path: str | FsPath) -> Playbook:
    """Read and validate a playbook; raise `PlaybookInvalid` listing every problem with its line."""
    playbook, errors = _load(path)
    if errors or playbook is None:
        raise PlaybookInvalid(errors)
    return playbook


def check_playbook(path: str | FsPath) -> list[PlaybookError]:
    """Every problem in a playbook file, sorted by line (empty when it is valid)."""
    return _load(path)[1]


def load_playbook_with_warnings(path: str | FsPath) -> tuple[Playbook, list[PlaybookError]]:
    """`load_playbook`, plus warnings (reason starting "warning:") that do not stop the playbook from loading."""
    playbook, errors, warnings = _load_checked(path)
    if errors or playbook is None:
        raise PlaybookInvalid(errors)
    return playbook, warnings


def _cycle_line(root: yaml.Node | None) -> int | None:
    """The 1-based line of an alias that points at one of its own ancestors (`a: &x [*x]`), or None.

    Such a document builds a self-containing value that validation would recurse into forever.
    """
    if root is None:
        return None
    on_path: set[int] = set()
    done: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            done.add(id(node))
            continue
        if id(node) in on_path:
            return int(node.start_mark.line) + 1
        if id(node) in done:
            continue
        on_path.add(id(node))
        stack.append((node, True))
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        for child in children:
            if id(child) in on_path:
                return int(child.start_mark.line) + 1
            stack.append((child, False))
    return None


def _load(path: str | FsPath) -> tuple[Playbook | None, list[PlaybookError]]:
    playbook, errors, _warnings = _load_checked(path)
    return playbook, errors


def _load_checked(path: str | FsPath) -> tuple[Playbook | None, list[PlaybookError], list[PlaybookError]]:
    playbook, errors, node = _load_node(path)
    if playbook is None or node is None:
        return playbook, errors, []
    file = str(path)
    warnings = [PlaybookError(file, line_of(node, p), r) for p, r in completion_warnings(playbook)]
    return playbook, errors, sorted(set(warnings))


def _load_node(path: str | FsPath) -> tuple[Playbook | None, list[PlaybookError], yaml.Node | None]:
    file = str(path)
    try:
        text = FsPath(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [PlaybookError(file, 1, f"cannot read the file: {exc}")], None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            cycle = _cycle_line(node)
            if cycle is not None:
                reason = "an alias refers to a node that contains it (recursive YAML); write the values out"
                return None, [PlaybookError(file, cycle, reason)], None
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(file, exc)], None
    except yaml.YAMLError as exc:
        return None, [PlaybookError(file, 1, f"the file is not valid YAML: {exc}")], None
    if not isinstance(data, dict) or node is None:
        reason = "the playbook must be a set of fields (version, locales, purpose, stages, …)"
        return None, [PlaybookError(file, 1, reason)], None
    errors = [PlaybookError(file, line, reason) for line, reason in _duplicate_keys(node, (), data)]
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as exc:
        errors += [PlaybookError(file, line_of(node, p), r) for p, r in _explain_all(exc, data)]
        return None, sorted(set(errors)), node
    errors += [PlaybookError(file, line_of(node, p), r) for p, r in playbook_issues(playbook)]
    return (None if errors else playbook), sorted(set(errors)), node


def _syntax_error(file: str, exc: yaml.MarkedYAMLError) -> PlaybookError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    detail = " ".join(part for part in (exc.context, exc.problem) if part)
    hint = " (tabs are not allowed for indentation; use spaces)" if "\\t" in detail or "tab" in detail else ""
    return PlaybookError(file, line, f"the file is not valid YAML: {detail}{hint}")


def _duplicate_keys(node: yaml.Node, path: Path, data: Any) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in first_line:
                where = owner_of((*path, key), data)
                reason = (
                    f'the field "{key}" appears twice in {where} (first on line {first_line[key]}); '
                    "only the last one would count"
                )
                found.append((key_node.start_mark.line + 1, reason))
            first_line.setdefault(key, key_node.start_mark.line + 1)
            found += _duplicate_keys(value_node, (*path, key), data)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicate_keys(item, (*path, i), data)
    return found


def line_of(root: yaml.Node, path: Sequence[str | int]) -> int:
    """1-based line of the deepest part of `path` present in the file (the key's line for mappings)."""
    node, line = root, root.start_mark.line
    for step in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if str(k.value) == str(step)), None)
            if pair is None:
                break
            node, line = pair[1], pair[0].start_mark.line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line
        else:
            break
    return line + 1


def _explain_all(exc: ValidationError, data: Any) -> list[tuple[Path, str]]:
    return [(tuple(error["loc"]), _explain(error, data)) for error in exc.errors()]


_SIMPLE = {
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "string_type": "must be text (put it in quotes if it looks like a number or a date)",
    "list_type": 'must be a list (lines starting with "-")',
    "dict_type": "must be a set of fields",
    "model_type": "must be a set of fields",
    "model_attributes_type": "must be a set of fields",
    "date_parsing": "must be a date like 2025-01-01",
    "date_type": "must be a date like 2025-01-01",
    "date_from_datetime_parsing": "must be a date like 2025-01-01",
}


def _explain(error: ErrorDetails, data: Any) -> str:
    loc: Path = tuple(error["loc"])
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _unknown_field(loc, data)
    if kind == "missing":
        return f'{describe(loc[:-1], data)} is missing the field "{loc[-1]}"'
    if kind == "unobservable_event":
        return f'{owner_of(loc, data)} waits for event "{ctx["event"]}", which Coach does not listen to'
    return f"{describe(loc, data)}: {_detail(error)}"


def _detail(error: ErrorDetails) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "coach":
        return error["msg"]
    if value is None and kind in _SIMPLE:
        return 'is empty (a value starting with "#" must be in quotes, or YAML reads it as a comment)'
    if kind in _SIMPLE:
        return f"{_SIMPLE[kind]}, not {value!r}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, not {value!r}"
    if kind in ("greater_than", "greater_than_equal"):
        return f"must be more than {ctx.get('gt', ctx.get('ge'))}, not {value!r}"
    if kind == "too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        if str(ctx.get("pattern", "")).startswith("^[UW]"):
            return f'{value!r} is not a Slack user id (it looks like "U0123ABCD")'
        return f'{value!r} is not a valid key: use lower-case letters, digits and "-", like "react-to-news"'
    message = error["msg"]
    return message[:1].lower() + message[1:]


def _unknown_field(loc: Path, data: Any) -> str:
    name = str(loc[-1])
    model = model_at(Playbook, loc[:-1])
    known = list(model.model_fields) if model is not None else []
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return f'unknown field "{name}" in {describe(loc[:-1], data)}{hint}'
