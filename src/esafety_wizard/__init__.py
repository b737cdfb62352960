"""esafety-wizard: a guided terminal wizard for the e-safety flowchart 'staff as victims'."""

__version__ = "0.1.0"
