import pytest

from esafety_wizard import flowchart


@pytest.fixture(scope="session")
def fc():
    return flowchart.load(flowchart.builtin_path())


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    # Drafts and files never land in the real user's data folder during tests.
    monkeypatch.setenv("ESAFETY_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ESAFETY_FLOWCHART", raising=False)
