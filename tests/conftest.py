import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import configuration, settings

from esafety_wizard.flowchart import loader

PACK_FOLDER = Path(__file__).parent / "procedures" / "pack"
SECRET = "SECRET-TOKEN-3f9a: do not print me\nroot:$6$saltsalt$hashhashhash:19000:0:99999:7:::\n"

# Nothing is written outside a temporary folder, not even by session fixtures that run before the per-test home
# below (the built-in procedure's cache, for one): every folder the tool or a library could write to points into
# this run's own temporary tree, for this process and every `esafety` it starts. The tree goes when the run ends.
_RUN = tempfile.mkdtemp(prefix="esafety-tests-")
atexit.register(shutil.rmtree, _RUN, ignore_errors=True)

# Nor into the work tree: Hypothesis keeps no example database, and its other files (a Unicode table cache) go to
# the run's temporary tree instead of ./.hypothesis.
configuration.set_hypothesis_home_dir(os.path.join(_RUN, "hypothesis"))
settings.register_profile("esafety", database=None)
settings.load_profile("esafety")

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


@pytest.fixture
def pack(tmp_path):
    """A copy of the test pack of procedures, with a secret file beside it that no message may ever print."""
    folder = tmp_path / "pack"
    shutil.copytree(PACK_FOLDER, folder)
    (tmp_path / "secret.txt").write_text(SECRET)
    return folder
