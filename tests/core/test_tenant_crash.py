"""kill -9 while tenants are added, filled, evicted, made cold and deleted: every acknowledged tenant and object
is there after a restart, every acknowledged deletion stays done, and no store is left half made."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.conftest import make_settings
from vectordb.database import Database

PER = 20

# A line is printed only after the call it reports returned: "+ t" tenant t holds PER objects, "- t" deleted;
# "? t" before a deletion, which a kill may cut short on either side of its commit.
CHILD = textwrap.dedent(
    f"""
    import sys
    from vectordb.config import Settings
    from vectordb.database import Database

    path, start = sys.argv[1], int(sys.argv[2])
    db = Database(Settings.from_env({{"PERSISTENCE_DATA_PATH": path, "VECTORDB_TENANT_STORES_OPEN": "3"}}))
    if not db.has_collection("Crash"):
        db.create_collection({{"class": "Crash", "vectorizer": "none", "multiTenancyConfig": {{"enabled": True}},
                               "properties": [{{"name": "n", "dataType": ["int"]}}]}})
    t = start
    while True:
        name = f"t{{t}}"
        db.add_tenants("Crash", [{{"name": name}}])
        results = db.batch_objects([{{"class": "Crash", "tenant": name, "properties": {{"n": i}},
                                     "vector": [1.0, float(i)]}} for i in range({PER})])
        assert not any(r.get("error") for r in results), results
        print("+", name, flush=True)
        if t % 3 == 0 and t > start:
            print("?", f"t{{t - 1}}", flush=True)
            db.delete_tenants("Crash", [f"t{{t - 1}}"])
            print("-", f"t{{t - 1}}", flush=True)
        if t % 4 == 0:
            db.update_tenants("Crash", [{{"name": name, "activityStatus": "COLD"}}])
            db.update_tenants("Crash", [{{"name": name, "activityStatus": "HOT"}}])
        t += 1
    """
)


def _run_child(path: Path, start: int, kill_after: float) -> tuple[list[str], list[str], list[str], int]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(start)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None
    # Killed a while after its first acknowledgement: starting (imports) takes seconds on a loaded machine.
    out = [proc.stdout.readline()]
    time.sleep(kill_after)
    os.kill(proc.pid, signal.SIGKILL)
    rest, err = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, err
    lines = [line.split() for line in (out[0] + rest).splitlines() if line.strip()]
    added = [name for op, name in lines if op == "+"]
    deleted = [name for op, name in lines if op == "-"]
    pending = [lines[-1][1]] if lines and lines[-1][0] == "?" else []
    last = max((int(name[1:]) for name in added), default=start - 1)
    return added, deleted, pending, last + 2  # past the tenant that may have been cut short


def test_sigkill_while_tenants_change_keeps_every_acknowledged_change(tmp_path: Path) -> None:
    path = tmp_path / "data"
    added: set[str] = set()
    deleted: set[str] = set()
    start = 0
    for kill_after in (1.3, 0.4, 2.1, 0.9):
        got, gone, pending, start = _run_child(path, start, kill_after)
        added.update(got)
        deleted.update(gone)
        with Database(make_settings(path)) as db:
            tenants = {t["name"]: t["activityStatus"] for t in db.tenants("Crash")}
            for name in added - deleted:
                if name in pending and name not in tenants:  # its deletion was committed before the kill
                    deleted.add(name)
                    continue
                assert name in tenants, name
                if tenants[name] == "COLD":  # cut between going cold and back
                    db.update_tenants("Crash", [{"name": name, "activityStatus": "HOT"}])
                listed = db.list_objects("Crash", tenant=name, limit=100)["objects"]
                assert sorted(o["properties"]["n"] for o in listed) == list(range(PER)), name
            for name in deleted:
                assert name not in tenants, name
            on_disk = {p.name for p in (path / "collections" / "Crash" / "tenants").iterdir()}
            assert not {n for n in on_disk if n.startswith(".")}
            assert on_disk <= set(tenants)
    assert len(added) > 8
