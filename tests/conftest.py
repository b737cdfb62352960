import os
import tempfile

import pytest
from hypothesis import configuration, settings

from esafety_wizard import loader

# Nothing is written into the work tree by a test run: Hypothesis keeps no example database, and its other
# files (a Unicode table cache) go to a temporary folder instead of ./.hypothesis.
configuration.set_hypothesis_home_dir(tempfile.mkdtemp(prefix="esafety-hypothesis-"))
settings.register_profile("esafety", database=None)
settings.load_profile("esafety")

# Nothing is written outside a temporary folder either, not even by session fixtures that run before the
# per-test home below (the built-in procedure's cache, for one): every folder the tool or a library could write
# to points into this run's own temporary tree, for this process and every `esafety` it starts.
_RUN = tempfile.mkdtemp(prefix="esafety-tests-")
for _var, _sub in (
    ("ESAFETY_HOME", "home"),
    ("XDG_CACHE_HOME", "cache"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_CONFIG_HOME", "config"),
):
    os.environ[_var] = os.path.join(_RUN, _sub)


@pytest.fixture(scope="session")
def fc():
    return loader.load(loader.builtin_path())


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    # Drafts and files never land in the real user's data folder during tests.
    monkeypatch.setenv("ESAFETY_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ESAFETY_FLOWCHART", raising=False)
