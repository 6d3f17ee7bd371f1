"""Split a note into front matter and body, and load the front matter safely.

We split ourselves instead of using python-frontmatter because we need the
line numbers of both parts, and we load with a YAML loader of our own making:

- the C loader (libyaml) when PyYAML has it, the pure-Python one otherwise;
- only `true`/`false`, `null` and plain decimal integers are resolved; every
  other plain scalar stays text. YAML 1.1 would turn `no` into False, `1:30`
  into 90, `012345` into 5349 and `1.10` into 1.1, and dates into `date`
  objects that raise on `2026-02-30`; we parse dates ourselves and report them;
- anchors and aliases are refused (a "billion laughs" note must not hang a
  digest), and the front matter's size is capped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import BaseResolver

try:
    from yaml.cyaml import CParser as _Parser

    _PARSER_IS_C = True
except ImportError:  # PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    _PARSER_IS_C = False

MAX_FRONT_MATTER_BYTES = 64 * 1024
# libyaml recurses once per level: 25,000 `[` crash the process. No note needs 64.
MAX_NESTING = 64


class _TextFirstResolver(BaseResolver):
    """Resolves plain scalars to bool, null and int only; everything else is text."""


_TextFirstResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_TextFirstResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_TextFirstResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)


class _NoteConstructor(SafeConstructor):
    """SafeConstructor, minus every way an explicit tag could crash or surprise us.

    `!!timestamp 2026-02-30` or `!!float abc` raise plain ValueErrors inside
    PyYAML, `!!bool maybe` a KeyError, and `!!binary` gives bytes no output
    can show. Dates and numbers are text to netnotes anyway, so these tags
    give text; sets and ordered maps are refused with their line.
    """


def _scalar_as_text(constructor: SafeConstructor, node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise ConstructorError(
            None, None, f"the tag {node.tag} needs a single value", node.start_mark
        )
    return constructor.construct_scalar(node)


def _checked(construct, what: str):
    def construct_or_refuse(constructor: SafeConstructor, node: yaml.Node):
        try:
            return construct(constructor, node)
        except (ValueError, TypeError, KeyError, OverflowError):
            raise ConstructorError(
                None, None, f"'{node.value}' is not {what}", node.start_mark
            ) from None

    return construct_or_refuse


def _refused(constructor: SafeConstructor, node: yaml.Node):
    raise ConstructorError(None, None, f"the tag {node.tag} is not allowed", node.start_mark)


for _tag in ("timestamp", "float", "binary"):
    _NoteConstructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _scalar_as_text)
for _tag in ("set", "omap", "pairs"):
    _NoteConstructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _refused)
_NoteConstructor.add_constructor(
    "tag:yaml.org,2002:int", _checked(SafeConstructor.construct_yaml_int, "a whole number")
)
_NoteConstructor.add_constructor(
    "tag:yaml.org,2002:bool", _checked(SafeConstructor.construct_yaml_bool, "true or false")
)


class NoteLoader(_Parser, _NoteConstructor, _TextFirstResolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _NoteConstructor.__init__(self)
        _TextFirstResolver.__init__(self)


class FrontMatterError(ValueError):
    """A front matter that cannot be trusted. `line` is 1-based in the whole file."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class SplitNote:
    yaml_text: str | None  # None: the note has no front matter
    yaml_first_line: int  # 1-based line of the first YAML line
    body: str
    body_first_line: int  # 1-based line of the first body line


# The fences of a front matter, for every module that splits notes.
OPENING_FENCE = re.compile(r"---[ \t]*")
CLOSING_FENCE = re.compile(r"(?:---|\.\.\.)[ \t]*")


def split_front_matter(text: str) -> SplitNote:
    """`text` has LF line endings and no BOM. The opening line must be exactly `---`."""
    first_end = text.find("\n")
    first_line = text if first_end < 0 else text[:first_end]
    if not OPENING_FENCE.fullmatch(first_line):
        return SplitNote(None, 1, text, 1)
    position = first_end + 1
    line_number = 2
    while first_end >= 0 and position <= len(text):
        end = text.find("\n", position)
        line = text[position:] if end < 0 else text[position:end]
        if CLOSING_FENCE.fullmatch(line):
            yaml_text = text[first_end + 1 : position]
            body = "" if end < 0 else text[end + 1 :]
            return SplitNote(yaml_text, 2, body, line_number + 1)
        if end < 0:
            break
        position = end + 1
        line_number += 1
    raise FrontMatterError(1, "front matter opened with '---' is never closed with '---'")


def load_front_matter(yaml_text: str, first_line: int) -> dict:
    """Load the YAML of a note's front matter; raise FrontMatterError with the file's line."""
    if len(yaml_text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(
            first_line, f"front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB"
        )
    simple = simple_front_matter(yaml_text)
    if simple is not None:
        return simple
    # Only documents that could hold an anchor or alias pay for the event scan.
    if "&" in yaml_text or "*" in yaml_text:
        _refuse_anchors(yaml_text, first_line)
    deep = _too_deep(yaml_text)
    if deep is not None:
        raise FrontMatterError(
            first_line + deep, f"front matter: nested deeper than {MAX_NESTING} levels"
        )
    loader = NoteLoader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _refuse_duplicate_keys(node, first_line)
        data = loader.construct_document(node) if node is not None else None
    except FrontMatterError:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        raise FrontMatterError(line, f"front matter: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise FrontMatterError(first_line, f"front matter: {error}") from None
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError) as error:
        raise FrontMatterError(first_line, f"front matter: cannot be read ({error})") from None
    finally:
        loader.dispose()
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise FrontMatterError(
            first_line, f"front matter must be a mapping of keys to values, not {kind}"
        )
    return {str(key): value for key, value in data.items()}


# -- the front matter most notes have, without YAML's machinery ---------------------------
# `key: value` lines whose values are plain words or a flow list of plain words: the
# shape of almost every contact note. Read here they give exactly what the loader gives
# (a differential test holds the two together); anything else, however harmless, goes to
# the loader. Cold runs read every note, and libyaml's events plus PyYAML's constructor
# cost more than the rest of a simple note's front matter.

_SIMPLE_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*?))?[ ]*")
# A plain scalar that means the same in block and flow context: no indicator first, no
# quote, bracket, brace, comma, comment, anchor, alias or tag anywhere, no `: `.
_PLAIN = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@`\s](?:[^,\[\]{}#&*!\"'`:\s]|:(?! |$)| (?![ #])|#)*")
_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_NULL = re.compile(r"~|null|Null|NULL")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_NOT_SIMPLE = object()


def simple_front_matter(yaml_text: str) -> dict | None:
    """The front matter as `load_front_matter` reads it, when every line is a simple
    `key: value`; None for anything else (the loader decides)."""
    data: dict = {}
    for line in yaml_text.split("\n"):
        if not line or line.startswith("#"):
            if line.startswith("#") and not line.startswith("# "):
                return None  # `#tag` lines: leave the odd ones to the loader
            continue
        if not line.isprintable():
            return None  # control characters (YAML refuses some), odd blanks: the loader
        match = _SIMPLE_KEY_LINE.fullmatch(line)
        if match is None or match.group(1) in data:
            return None
        value = _simple_value(match.group(2))
        if value is _NOT_SIMPLE:
            return None
        data[match.group(1)] = value
    return data


def _simple_value(raw: str | None):
    if not raw:
        return None
    if raw.startswith("["):
        if not raw.endswith("]"):
            return _NOT_SIMPLE
        inner = raw[1:-1].strip()
        if not inner:
            return []
        items = [item.strip() for item in inner.split(",")]
        values = [_scalar(item) for item in items]
        return _NOT_SIMPLE if any(v is _NOT_SIMPLE for v in values) else values
    return _scalar(raw)


def _scalar(text: str):
    if not _PLAIN.fullmatch(text):
        return _NOT_SIMPLE
    if _BOOL.fullmatch(text):
        return text.lower() == "true"
    if _NULL.fullmatch(text):
        return None
    if _INT.fullmatch(text):
        return int(text)
    return text


def load_front_matter_leniently(
    yaml_text: str, first_line: int
) -> tuple[dict, list[tuple[int, str, str, str]]]:
    """`load_front_matter`, recovering the values Obsidian users write that YAML refuses.

    `company: [[Flywheel]] [[Adbase]]`, `tags: [#person]` and a template's
    `met: {{date}}` make the whole front matter invalid YAML, which would drop
    the note. When the front matter fails to load, each top-level value of
    those shapes is read as text (a list of texts for a `[...]` list) and the
    load is tried again. Returns (data, [(line, key, value as written, as read)]).
    A front matter that loads as written is never touched.
    """
    try:
        return load_front_matter(yaml_text, first_line), []
    except FrontMatterError as error:
        original = error
    lines = yaml_text.split("\n")
    recovered = []
    for offset, line in enumerate(lines):
        if not line or line[0] in " \t#":
            continue
        match = KEY_LINE.match(line)
        if not match:
            continue
        value = line[match.end() :].strip()
        replacement = _as_text(value)
        if replacement is not None:
            lines[offset] = f"{line[: match.end()].rstrip()} {replacement}"
            recovered.append((first_line + offset, key_of(match), value, replacement))
    if not recovered:
        raise original
    try:
        return load_front_matter("\n".join(lines), first_line), recovered
    except FrontMatterError:
        raise original from None


_OBSIDIAN_VALUE = re.compile(r"\[\[.*\]\]|\{\{.*\}\}|<%.*%>")


def _as_text(value: str) -> str | None:
    """A YAML value that reads `value` as the note meant it, or None to leave it."""
    if (
        value.startswith("[")
        and not value.startswith("[[")
        and value.endswith("]")
        and "#" in value
    ):
        items = [item.strip() for item in value[1:-1].split(",") if item.strip()]
        return "[" + ", ".join(_double_quoted(item) for item in items) + "]"
    if _OBSIDIAN_VALUE.search(value) and not value.startswith(("'", '"')):
        return _double_quoted(value)
    return None


def _double_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _refuse_duplicate_keys(node: yaml.Node, first_line: int) -> None:
    """A top-level key written twice: YAML keeps the last, an edit would change the first.

    Neither reading can be trusted, so the note is treated like broken YAML.
    """
    if not isinstance(node, yaml.MappingNode):
        return
    seen: dict[str, int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        line = first_line + key_node.start_mark.line
        if key_node.value in seen:
            raise FrontMatterError(
                line,
                f"front matter: the key '{key_node.value}' is written twice (lines "
                f"{seen[key_node.value]} and {line}): delete one",
            )
        seen[key_node.value] = line


_BLOCK_PREFIX = re.compile(r"( *)((?:-[ \t]+)*)")


def _too_deep(yaml_text: str) -> int | None:
    """The 0-based line where nesting passes MAX_NESTING, or None. Linear, and cheap
    for ordinary notes: the full scan runs only when a quick look finds deep-looking text."""
    brackets = yaml_text.count("[") + yaml_text.count("{")
    if (
        brackets <= MAX_NESTING
        and " " * MAX_NESTING not in yaml_text
        and ("- " * (MAX_NESTING // 2) not in yaml_text)
    ):
        return None
    flow = 0
    indents: list[int] = []
    for number, line in enumerate(yaml_text.split("\n")):
        if flow == 0 and line.strip() and not line.lstrip().startswith("#"):
            prefix = _BLOCK_PREFIX.match(line)
            indent = len(prefix.group(1))
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            if len(indents) + prefix.group(2).count("-") > MAX_NESTING:
                return number
        if brackets > MAX_NESTING:
            for char in line:
                if char in "[{":
                    flow += 1
                    if flow > MAX_NESTING:
                        return number
                elif char in "]}" and flow:
                    flow -= 1
    return None


def _refuse_anchors(yaml_text: str, first_line: int) -> None:
    try:
        for event in yaml.parse(yaml_text, Loader=NoteLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise FrontMatterError(
                    first_line + event.start_mark.line,
                    "front matter: anchors and aliases (&name, *name) are not allowed",
                )
    except yaml.YAMLError:
        return  # the load that follows reports the syntax error with its line


# A top-level `key:` line (the key plain or quoted), as editors and the merge see keys.
KEY_LINE = re.compile(r"""(?:"([^"]+)"|'([^']+)'|([^\s#'"\-?:][^:]*|-[^\s:][^:]*)):(?:[ \t]|$)""")
# Greedy, not lazy: a lazy key followed by `[ \t]*:` retried the blanks at every
# character, which made a 60 KB line cost seconds. The key is stripped in `key_of`.


def key_of(match: re.Match[str]) -> str:
    """The key a KEY_LINE match found, without the blanks before its colon."""
    return next(group for group in match.groups() if group is not None).rstrip(" \t")


def key_lines(yaml_text: str, first_line: int) -> dict[str, int]:
    """The 1-based file line of each top-level key (the first time it appears)."""
    lines: dict[str, int] = {}
    for offset, line in enumerate(yaml_text.split("\n")):
        if not line or line[0] in " \t#":
            continue
        match = KEY_LINE.match(line)
        if match:
            lines.setdefault(key_of(match), first_line + offset)
    return lines
