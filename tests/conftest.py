import tempfile

import pytest
from hypothesis import configuration, settings

from esafety_wizard import loader

# Nothing is written into the work tree by a test run: Hypothesis keeps no example database, and its other
# files (a Unicode table cache) go to a temporary folder instead of ./.hypothesis.
configuration.set_hypothesis_home_dir(tempfile.mkdtemp(prefix="esafety-hypothesis-"))
settings.register_profile("esafety", database=None)
settings.load_profile("esafety")


@pytest.fixture(scope="session")
def fc():
    return loader.load(loader.builtin_path())


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    # Drafts and files never land in the real user's data folder during tests.
    monkeypatch.setenv("ESAFETY_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ESAFETY_FLOWCHART", raising=False)
