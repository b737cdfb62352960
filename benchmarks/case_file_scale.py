"""Does a school's years of incidents slow down the daily work? Case-file commands at scale, timed side by side.

Issue 12's targets, each measured against a floor in the same run:

1. Work on one incident (`log show ID`, `log done`, `log note`, `log export ID --format html`) on a store of
   10,000 incidents and 200,000 events, against the same command on a store holding that incident alone:
   median ratio at most 1.5.
2. `log list`, `log verify` and `log report` over every incident grow at most linearly: 1,000 incidents
   (20,000 events) against 10,000 (200,000): ratio at most about 10 (more means worse than linear).
3. `log verify` of everything runs at >= 50% of the speed of hashing the same stored bytes with hashlib.
4. Evidence: fingerprinting a 1 GB file runs at >= 0.9x the speed of `openssl dgst -sha256` on it.

Stores are written directly with the store's own hashing (as `esafety` writes them, in one transaction, so
making 200,000 events takes seconds, not the hours of 200,000 separate fsyncs). Commands run as real
processes, interleaved, so start-up is included as a user sees it.

Run: .venv/bin/python benchmarks/case_file_scale.py [ROUNDS]
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from esafety_wizard import cases, loader
from esafety_wizard.store import DB_NAME, Store, canonical, event_hash

ESAFETY = str(Path(sys.executable).with_name("esafety"))
EVENTS_PER_INCIDENT = 20
ANSWERS = {"head_involved": "no", "can_report_to_head": "yes", "instigator": "pupil", "child_at_risk": "no",
           "refuses_removal": "not_yet", "under_13": "not_sure", "serious": "not_sure", "persistent": "no"}  # fmt: skip


def make_store(home: Path, incidents: int) -> None:
    """A store of `incidents` ordinary incidents of 20 events each: opened, answered, 18 notes and steps done."""
    fc = loader.load()
    with Store(home):  # creates the schema
        pass
    answered = cases.answered_data(fc, ANSWERS)
    step_ids = [s["id"] for s in answered["steps"]]
    db = sqlite3.connect(home / DB_NAME, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    for i in range(1, incidents + 1):
        at = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00+00:00"
        db.execute("INSERT INTO incidents (id, created_at) VALUES (?, ?)", (i, at))
        prev = ""
        kinds = [("opened", {"flowchart": answered["flowchart"]}), ("answered", answered)]
        for k in range(EVENTS_PER_INCIDENT - 2):
            if k % 2:
                kinds.append(("note", {"text": f"Note {k}: parent phoned back about the posts; meeting arranged."}))
            else:
                kinds.append(("step_done", {"step": step_ids[k % len(step_ids)], "note": "Done as agreed."}))
        for n, (kind, data) in enumerate(kinds, 1):
            h = event_hash(i, n, at, "Jo Bloggs", kind, data, prev)
            stored = canonical(data)  # as the store writes it
            db.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (i, n, at, "Jo Bloggs", kind, stored, prev, h)
            )
            prev = h
    db.execute("COMMIT")
    db.close()


def run(args: list[str], home: Path) -> float:
    env = {**os.environ, "ESAFETY_HOME": str(home), "COLUMNS": "100", "NO_COLOR": "1"}
    start = time.perf_counter()
    subprocess.run([ESAFETY, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def compare(label: str, args_a, home_a: Path, args_b, home_b: Path, rounds: int) -> tuple[float, float]:
    a, b = [], []
    for _ in range(rounds):  # interleaved, so a drift of the machine's speed touches both alike
        a.append(run(args_a, home_a))
        b.append(run(args_b, home_b))
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"  {label:<34} {mb * 1000:8.0f} ms {ma * 1000:9.0f} ms   {ma / mb:5.2f}x")
    return ma, mb


def verify_against_hashlib(home: Path) -> None:
    with Store(home, create=False, readonly=True) as st:
        rows = st.db.execute("SELECT incident_id, n, at, actor, kind, data, prev FROM events").fetchall()
        start = time.perf_counter()
        for r in rows:  # the floor: SHA-256 of the same stored bytes, nothing else
            hashlib.sha256(("\n".join(map(str, r))).encode()).hexdigest()
        floor = time.perf_counter() - start
        start = time.perf_counter()
        for r in rows:  # a second floor: what any verify that also reads each event must do (hash, then decode)
            hashlib.sha256(("\n".join(map(str, r))).encode()).hexdigest()
            json.loads(r[5])
        floor_read = time.perf_counter() - start
        start = time.perf_counter()
        results = cases.verify(st)
        ours = time.perf_counter() - start
    assert all(v.ok for v in results)
    print(f"  verify {len(rows):,} events: {ours:.2f} s; hashlib on the same bytes: {floor:.2f} s;"
          f" speed {floor / ours:.0%} of hashlib (target >= 50%)")  # fmt: skip
    print(f"  hashlib and json.loads of the same bytes (reading each event, as verify must): {floor_read:.2f} s;"
          f" that floor alone is {floor / floor_read:.0%} of hashlib; verify runs at {floor_read / ours:.0%} of it")  # fmt: skip


def evidence_against_openssl(size_mb: int) -> None:
    from esafety_wizard import evidence

    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "big.bin"
        block = os.urandom(1 << 20)
        with open(f, "wb") as out:
            for _ in range(size_mb):
                out.write(block)
        ours, theirs = [], []
        for _ in range(3):
            start = time.perf_counter()
            evidence.fingerprint(f)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run(["openssl", "dgst", "-sha256", str(f)], check=True, stdout=subprocess.DEVNULL)
            theirs.append(time.perf_counter() - start)
    o, t = min(ours), min(theirs)
    print(f"  fingerprint {size_mb} MB: {o:.2f} s; openssl dgst -sha256: {t:.2f} s; speed {t / o:.2f}x (target >= 0.9x)")  # fmt: skip


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    if os.environ.get("ONLY_VERIFY"):  # part 3 alone, quickly
        with tempfile.TemporaryDirectory() as d:
            make_store(Path(d), 10000)
            verify_against_hashlib(Path(d))
        return
    with tempfile.TemporaryDirectory() as d:
        homes = {n: Path(d) / f"h{n}" for n in (1, 1000, 10000)}
        for n, home in homes.items():
            start = time.perf_counter()
            make_store(home, n)
            print(
                f"store of {n:,} incidents ({n * EVENTS_PER_INCIDENT:,} events) made in {time.perf_counter() - start:.1f} s"
            )
        print(f"\n1. One incident, in a store of 10,000 incidents vs alone (median of {rounds}; target <= 1.5x)")
        print(f"  {'command':<34} {'alone':>11} {'10,000':>12}   ratio")
        big, one = homes[10000], homes[1]
        tmp = Path(d) / "out.html"
        for label, args in (
            ("log show ID", ["log", "show", "{id}"]),
            ("log done ID STEP", ["log", "done", "{id}", "1", "--as", "Jo"]),
            ("log note ID TEXT", ["log", "note", "{id}", "Phoned back", "--as", "Jo"]),
            ("log export ID --format html", ["log", "export", "{id}", "-o", str(tmp), "--force"]),
        ):
            compare(
                label,
                [a.replace("{id}", "5000") for a in args],
                big,
                [a.replace("{id}", "1") for a in args],
                one,
                rounds,
            )
        print(f"\n2. Over every incident: 1,000 vs 10,000 incidents (median of {max(3, rounds // 2)}; linear is 10x)")
        print(f"  {'command':<34} {'1,000':>11} {'10,000':>12}   ratio")
        for label, args in (("log list", ["log", "list"]), ("log verify", ["log", "verify"]),
                            ("log report --format json", ["log", "report", "--format", "json", "-o", "-"])):  # fmt: skip
            compare(label, args, homes[10000], args, homes[1000], max(3, rounds // 2))
        print("\n3. log verify against hashlib (in process, 200,000 events)")
        verify_against_hashlib(big)
    print("\n4. Evidence hashing against openssl")
    evidence_against_openssl(int(os.environ.get("EVIDENCE_MB", "1024")))


if __name__ == "__main__":
    main()
