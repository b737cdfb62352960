"""Small flowcharts for tests."""

GOOD = """\
title: Test
start: q1
questions:
  q1:
    text: First?
    choices:
      yes: {next: q2, due: [s1]}
      no: {next: end}
  q2:
    text: Second?
    choices:
      a: {next: end, conditional: [s2]}
      b: {next: end}
sections:
  main: {title: Main}
steps:
  s1: {section: main, text: Do one., source: one, contacts: [c1]}
  s2: {section: main, text: Do two., condition: If two, added: a test}
  s3: {section: main, text: Always., always: true, source: three}
contacts:
  c1: {name: Someone, phone: 01629 531940, source: the source}
"""


def yaml_quoted(text: str) -> str:
    """Any text as a YAML double-quoted scalar: printable characters as they are, the rest as escapes."""
    import yaml

    out = []
    for c in text:
        if c in '"\\' or yaml.reader.Reader.NON_PRINTABLE.match(c) or c in "\x85\u2028\u2029\ufeff":
            code = ord(c)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'
