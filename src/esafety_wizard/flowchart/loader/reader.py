"""Read YAML safely into plain dicts, lists and strings that remember their line numbers.

Scalars stay the text that was written (`yes` stays "yes", `01629 531940` stays a string), so YAML 1.1's
booleans and octal numbers never change what a local authority typed. Duplicate keys, which PyYAML would
silently overwrite, are reported.
"""

from __future__ import annotations

import yaml

from ...errors import Problem

try:  # libyaml is several times faster; the pure-Python parser gives the same events.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class YMap(dict):
    """A mapping with the line of the mapping and of each key."""

    __slots__ = ("line", "key_lines")  # no per-object __dict__: a large file makes tens of thousands of these
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):
    """A sequence with its line and the line of each item."""

    __slots__ = ("line", "item_lines")
    line: int
    item_lines: list[int]


_NULLS = {"", "~", "null", "Null", "NULL"}
_EVENTS = (
    yaml.ScalarEvent,
    yaml.AliasEvent,
    yaml.MappingStartEvent,
    yaml.MappingEndEvent,
    yaml.SequenceStartEvent,
    yaml.SequenceEndEvent,
)
_NO_KEY = object()  # a mapping waiting for its next key
_DROP = object()  # the value of a key that was refused: build it, then leave it out


def load(text: str, file: str) -> tuple[object, list[Problem]]:
    """Parse YAML text into YMap/YList/str/None, with problems for syntax errors and duplicate keys."""
    problems: list[Problem] = []
    loader = None
    try:
        loader = _Loader(text)  # the pure-Python reader checks the characters here
        return _build(loader.get_event, file, problems), problems
    except yaml.reader.ReaderError:
        return None, [bad_character(text, file)]
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        what = " ".join(x for x in (e.context, e.problem) if x)
        return None, [Problem(file, line, f"this is not valid YAML: {what}. Check indentation, colons and quotes.")]
    except yaml.YAMLError as e:
        return None, [Problem(file, 0, f"this is not valid YAML: {e}")]
    finally:
        if loader is not None:
            loader.dispose()


def bad_character(text: str, file: str) -> Problem:
    """A control character, often invisible (pasted from a web page or a word processor)."""
    found = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if found is None:
        return Problem(file, 0, "this is not valid YAML: it contains a character YAML does not allow.")
    line = text.count("\n", 0, found.start()) + 1
    return Problem(
        file,
        line,
        f"this line contains a control character (#x{ord(found.group()):04x}) that YAML does not allow. "
        "It is often invisible: retype the line.",
    )


def _build(get_event, file: str, problems: list[Problem]) -> object:
    """Build the document straight from the parser's events, in one pass and without recursion.

    This does what PyYAML's composer and a conversion would do in two passes, in less time (it matters for
    `esafety validate` on a large file). Scalars are taken as written; nothing is constructed. The loop runs
    once per event, so it keeps its names local and reads a line number only where one is kept.
    """
    scalar, alias, map_start, map_end, seq_start, seq_end = _EVENTS
    get_event()  # the start of the stream
    if get_event().__class__ is yaml.StreamEndEvent:
        return None  # an empty file
    root: object = None
    stack: list[tuple[YMap | YList | None, object, int]] = []
    cur: YMap | YList | None = None  # the collection being filled; None at the top level
    in_map = False  # cur is a YMap
    key: object = _NO_KEY  # in a mapping: the pending key (a str), _NO_KEY, or _DROP
    key_line = line = 0
    while True:
        ev = get_event()
        cls = ev.__class__
        if cls is scalar:
            if in_map and key is _NO_KEY:  # a key, taken exactly as written
                key, key_line = ev.value, ev.start_mark.line + 1
                if key in cur or key == "<<":
                    key = _refuse_key(cur, key, file, key_line, problems)
                continue
            value = None if not ev.style and ev.value in _NULLS else ev.value
            line = ev.start_mark.line + 1
        elif cls is map_start or cls is seq_start:
            line = ev.start_mark.line + 1
            if in_map and key is _NO_KEY:
                problems.append(Problem(file, line, "a key must be a plain word, not a list or mapping"))
                _skip(get_event, 1)
                key = _DROP
                continue
            stack.append((cur, key, key_line))
            if cls is map_start:
                cur = YMap()
                cur.key_lines = {}
            else:
                cur = YList()
                cur.item_lines = []
            cur.line, in_map, key = line, cls is map_start, _NO_KEY
            continue
        elif cls is map_end or cls is seq_end:
            value, line = cur, cur.line
            cur, key, key_line = stack.pop()
            in_map = type(cur) is YMap
        elif cls is alias:
            line = ev.start_mark.line + 1
            problems.append(Problem(file, line, "aliases (*name) are not supported: write the value out in full"))
            if in_map and key is _NO_KEY:
                key = _DROP
                continue
            value = None
        else:  # the end of the document
            break
        # A value is complete: put it where it belongs.
        if in_map:
            if key is not _DROP:
                cur[key] = value
                cur.key_lines[key] = key_line
            key = _NO_KEY
        elif cur is None:
            root = value
        else:
            cur.append(value)
            cur.item_lines.append(line)
    ev = get_event()
    if ev.__class__ is not yaml.StreamEndEvent:
        line = ev.start_mark.line + 1
        problems.append(Problem(file, line, "a second YAML document starts here ('---'): keep only one"))
    return root


def _refuse_key(m: YMap, key: str, file: str, line: int, problems: list[Problem]) -> object:
    if key == "<<":
        problems.append(Problem(file, line, "merge keys (<<) are not supported: write the keys out"))
    else:
        problems.append(Problem(file, line, f"'{key}' is given twice (first at line {m.key_lines[key]}): remove one"))
    return _DROP


def _skip(get_event, depth: int) -> None:
    """Read past the rest of a list or mapping that is being refused whole."""
    _, _, map_start, map_end, seq_start, seq_end = _EVENTS
    while depth:
        cls = get_event().__class__
        if cls is map_start or cls is seq_start:
            depth += 1
        elif cls is map_end or cls is seq_end:
            depth -= 1


def safe_load_any(text: str) -> object:
    """Plain `safe_load` (YAML 1.1 types: `yes` is True) for answers files, which JSON also satisfies."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
