"""tools/mutation.py: the report's figures and lines from mutmut's results and the triage (mutmut itself is not
run here: see README, Mutation testing)."""

import importlib.util
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "mutation.py"


@pytest.fixture
def tool(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("mutation_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    triage = tmp_path / "triage.yaml"
    triage.write_text(
        "# header\n"
        "- {module: casefile.store, function: Store.append, change: 'x = None', equivalent: never read}\n"
        "- {module: casefile.store, function: canonical, change: 'y  =  1', killed_by: tests/test_a.py::test_b}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(module, "TRIAGE", triage)
    return module


@pytest.mark.parametrize(
    "name, function",
    [
        ("esafety_wizard.record.incident.x_replay__mutmut_12", "replay"),
        ("esafety_wizard.casefile.store.xǁStoreǁappend__mutmut_2", "Store.append"),
        ("esafety_wizard.casefile.store.x__hash__mutmut_1", "_hash"),
    ],
)
def test_a_mutants_function_is_named_as_the_source_spells_it(tool, name, function):
    assert tool._function(name) == function


def test_the_score_leaves_out_equivalents_and_counts_what_was_not_checked_against_it(tool):
    M = tool.Mutant
    found = [
        *(M(f"esafety_wizard.casefile.store.x_f__mutmut_{i}", "casefile.store", "f", "killed", "") for i in range(6)),
        M(
            "esafety_wizard.casefile.store.xǁStoreǁappend__mutmut_1",
            "casefile.store",
            "Store.append",
            "survived",
            "x = None",
        ),
        M("esafety_wizard.casefile.store.x_g__mutmut_1", "casefile.store", "g", "survived", "z = 2"),
        M("esafety_wizard.casefile.store.x_g__mutmut_2", "casefile.store", "g", "timeout", ""),
        M("esafety_wizard.casefile.store.x_g__mutmut_3", "casefile.store", "g", "not checked", ""),
    ]
    text = tool.report(found)
    # 7 killed (a timeout counts) of 9 not equivalent
    assert "| casefile.store | 10 | 7 | 2 | 1 | 0 | 1 | 77.8% | not met |" in text
    assert (
        "- `esafety_wizard.casefile.store.xǁStoreǁappend__mutmut_1` (`Store.append`): `x = None`. "
        "equivalent: never read" in text
    )
    assert "- `esafety_wizard.casefile.store.x_g__mutmut_1` (`g`): `z = 2`. not yet triaged" in text
    # a survivor of an earlier run that a test now kills: matched whatever the spacing of its change
    assert "- casefile.store `canonical`: `y  =  1`. Killed by `tests/test_a.py::test_b`" in text


def test_the_pytest_options_are_read_from_pyproject_as_whole_arguments(tool):
    selection = tool._selection()
    assert "tests/casefile/test_meaning.py" in selection
    assert selection[selection.index("-m") + 1] == "not slow and not mutation_slow"
