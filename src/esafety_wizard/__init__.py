"""esafety-wizard: a guided terminal wizard for a school's online-safety procedure, kept as data."""

__version__ = "0.1.0"
