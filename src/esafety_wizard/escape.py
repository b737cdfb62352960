"""Text leaving the program, made safe for where it goes: one function per destination.

Anything from a file, an argument or the database may hold control characters (an escape sequence that
clears the screen or retitles the window), invisible format characters (a right-to-left override, a zero-width
space that makes two ids look alike), or markup. None of it may reach a terminal raw or change the structure of
a file we write:

    terminal(s)        control and format characters shown visibly, as \\x1b or \\u202e (newline and tab kept)
    markdown(s)        terminal-safe, and escaped so that it cannot start a heading, a list, a table or HTML
    markdown_cell(s)   the same on one line, for a table cell
    html(s)            terminal-safe and HTML-escaped
    json_text(obj)     JSON whose strings carry no raw control or format character (escaped as \\uXXXX)

Every pass is one regular-expression scan: linear in the text.
"""

from __future__ import annotations

import html as _html
import json
import re

# C0 and C1 controls (but newline and tab), DEL, surrogates, line and paragraph separators, and Unicode's
# format characters (category Cf: bidirectional overrides, zero-width spaces and joiners, soft hyphen, tags).
# tests/test_escape.py checks this list against the unicodedata of the running Python.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_FORMAT}]")


def _visible(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" if c < 0x10000 else f"\\U{c:08x}"


def terminal(s: str) -> str:
    """`s` with every control and format character but newline and tab shown as a visible escape."""
    return UNSAFE.sub(_visible, s) if UNSAFE.search(s) else s


def _lines(s: str) -> str:
    """A carriage return is a line break too (Windows' CRLF, old Macs' CR), before terminal() would show it as
    \x0d: a bare one on a terminal moves back to the start of the line and hides what was written before."""
    return s.replace("\r\n", "\n").replace("\r", "\n") if "\r" in s else s


def one_line(s: str) -> str:
    """Terminal-safe, on one line: line breaks become spaces (for names, table cells and messages)."""
    s = _lines(s)
    return " ".join(terminal(s).split()) if ("\n" in s or "\t" in s) else terminal(s)


# Characters that start inline structure anywhere (emphasis, code, links, HTML, table cells, headings' marks),
# and those that start a block at the beginning of a line (list items, quotes, setext underlines). CommonMark
# reads a backslash-escaped punctuation character as itself, always.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|#~!&])")
_MD_LINE_START = re.compile(r"^(?:([-+=:>])|(\d+)([.)]))")


def _md_line(line: str) -> str:
    line = _MD_INLINE.sub(r"\\\1", line.strip())
    return _MD_LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), line)


def markdown(s: str, indent: str = "    ") -> str:
    """Data inside a Markdown paragraph or list item. A line break stays a line break (a backslash at the end of
    the line), and the next line is indented under the item, so it can never start a block of its own."""
    lines = [_md_line(line) for line in terminal(_lines(s)).split("\n")]
    return ("\\\n" + indent).join(line for line in lines if line)


def markdown_cell(s: str) -> str:
    """Data inside a Markdown table cell: one line, escaped."""
    return _md_line(one_line(s))


def html(s: object) -> str:
    return _html.escape(terminal(str(s)))


def json_text(obj: object, indent: int | None = 2) -> str:
    """JSON with non-ASCII text kept readable, but every control and format character escaped as \\uXXXX."""
    text = json.dumps(obj, indent=indent, ensure_ascii=False)
    return UNSAFE.sub(lambda m: "".join(f"\\u{u:04x}" for u in _utf16(m.group())), text)


def write_json_array(items, out=None) -> None:
    """A JSON array written one item at a time, one item a line (escaped as json_text): memory holds one item,
    whatever the number of items, and a line-oriented tool can take it an item at a time."""
    import sys

    out = out or sys.stdout
    first = True
    for item in items:
        out.write(("[\n" if first else ",\n") + json_text(item, indent=None))
        first = False
    out.write("[]\n" if first else "\n]\n")


def _utf16(c: str) -> list[int]:
    code = ord(c)
    if code < 0x10000:
        return [code]
    code -= 0x10000
    return [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]
