"""Reliability: a writer killed with SIGKILL at random points loses no event it reported as saved."""

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from esafety_wizard.casefile.store import Store

WRITER = r"""
import sys
from esafety_wizard.casefile.store import Store
st = Store(sys.argv[1])
start = int(sys.argv[2])
if start == 0:
    st.new_incident("2026-11-26T09:00:00+00:00", "writer", [("opened", {"flowchart": {}})])
i = start
while True:
    st.append(1, "2026-11-26T09:00:00+00:00", "writer", "note", {"text": f"note {i}"})
    print(i, flush=True)  # reported only after the commit returned
    i += 1
"""


def kill_writer_many_times(home, rounds, seed):
    rng = random.Random(seed)
    acknowledged: list[int] = []
    nxt = 0
    for _ in range(rounds):
        p = subprocess.Popen([sys.executable, "-c", WRITER, str(home), str(nxt)], stdout=subprocess.PIPE, text=True)
        # Past start-up, into the writing loop (its first event saved: start-up takes seconds on a loaded machine,
        # and a kill before it tests nothing), then at a random point.
        first = p.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.45))
        os.kill(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        out = first + out
        acked = [int(x) for x in out.split()]
        acknowledged += acked
        with Store(home, create=False) as st:  # the database opens after every kill
            texts = {e.data["text"] for e in st.events(1) if e.kind == "note"}
            assert {f"note {i}" for i in acknowledged} <= texts
            assert st.verify(1) == []
            nxt = len(texts)
    return acknowledged


def test_sigkill_a_few_times(tmp_path):
    acked = kill_writer_many_times(tmp_path / "home", 4, seed=1)
    assert acked  # the writer did get to write


@pytest.mark.slow
def test_sigkill_at_random_points_100_times(tmp_path):
    acked = kill_writer_many_times(tmp_path / "home", 100, seed=2026)
    assert len(acked) > 100
    print(f"\n100 kills, {len(acked)} acknowledged events, all present, chain intact")
