"""The face in the browser: `esafety serve`, for the people who never open a terminal. The same engine, record and
documents as the command line, served to this machine alone (see guard.py)."""
