"""Read YAML safely into plain dicts, lists and strings that remember their line numbers.

Scalars stay the text that was written (`yes` stays "yes", `01629 531940` stays a string), so YAML 1.1's
booleans and octal numbers never change what a local authority typed. Duplicate keys, which PyYAML would
silently overwrite, are reported.
"""

from __future__ import annotations

import yaml

from .errors import Problem

try:  # libyaml is several times faster; the pure-Python loader gives the same nodes.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.MappingNode: "tag:yaml.org,2002:map",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
}


class _TextLoader(_Loader):
    """Every plain scalar is text: we never want YAML 1.1's guesses, and skipping them is faster."""

    def resolve(self, kind, value, implicit):  # noqa: ARG002 - the signature PyYAML calls
        return _TAGS[kind]

    # Path-based resolvers are never used here; skipping them saves two calls per node.
    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


class YMap(dict):
    """A mapping with the line of the mapping and of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):
    """A sequence with its line and the line of each item."""

    line: int = 0
    item_lines: list[int]


_NULLS = {"", "~", "null", "Null", "NULL"}


def load(text: str, file: str) -> tuple[object, list[Problem]]:
    """Parse YAML text into YMap/YList/str/None, with problems for syntax errors and duplicate keys."""
    try:
        node = yaml.compose(text, Loader=_TextLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        what = " ".join(x for x in (e.context, e.problem) if x)
        return None, [Problem(file, line, f"this is not valid YAML: {what}. Check indentation, colons and quotes.")]
    except yaml.YAMLError as e:
        return None, [Problem(file, 0, f"this is not valid YAML: {e}")]
    problems: list[Problem] = []
    if node is None:
        return None, problems
    return _convert(node, file, problems), problems


def _convert(root: yaml.Node, file: str, problems: list[Problem]) -> object:
    # Iterative, so a 10,000-node file cannot exhaust Python's recursion limit.
    def make(node: yaml.Node) -> object:
        if isinstance(node, yaml.MappingNode):
            m = YMap()
            m.line = node.start_mark.line + 1
            m.key_lines = {}
            return m
        if isinstance(node, yaml.SequenceNode):
            s = YList()
            s.line = node.start_mark.line + 1
            s.item_lines = []
            return s
        if not node.style and node.value in _NULLS:
            return None
        return node.value

    result = make(root)
    stack = [(root, result)]
    while stack:
        node, out = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                line = k.start_mark.line + 1
                if not isinstance(k, yaml.ScalarNode):
                    problems.append(Problem(file, line, "a key must be a plain word, not a list or mapping"))
                    continue
                key = k.value
                if key == "<<":
                    problems.append(Problem(file, line, "merge keys (<<) are not supported: write the keys out"))
                    continue
                if key in out:
                    problems.append(
                        Problem(file, line, f"'{key}' is given twice (first at line {out.key_lines[key]}): remove one")
                    )
                    continue
                child = make(v)
                out[key] = child
                out.key_lines[key] = line
                if isinstance(child, (YMap, YList)):
                    stack.append((v, child))
        elif isinstance(node, yaml.SequenceNode):
            for v in node.value:
                child = make(v)
                out.append(child)
                out.item_lines.append(v.start_mark.line + 1)
                if isinstance(child, (YMap, YList)):
                    stack.append((v, child))
    return result


def safe_load_any(text: str) -> object:
    """Plain `safe_load` (YAML 1.1 types: `yes` is True) for answers files, which JSON also satisfies."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
