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
