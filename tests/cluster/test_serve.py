"""`vectordb serve` joins a running Ray cluster (RAY_ADDRESS); a restarted server finds its replicas again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.cluster.conftest import IPS, objects
from tests.conftest import free_port, wait_ready

ROOT = Path(__file__).resolve().parents[2]


def _serve(ray_cluster, data: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_ADDRESS": ray_cluster.address, "GRPC_PORT": str(free_port())}
    proc = subprocess.Popen([sys.executable, "-m", "vectordb", "serve", "--port", str(port), "--data-dir", str(data),
                             "--log-level", "warning"], env=env, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, proc)
    return proc, url


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)


def test_serve_joins_the_cluster_from_ray_address_and_reopens_its_sharded_class(ray_cluster, tmp_path):
    data = tmp_path / "data"
    body = {"class": "Served", "vectorizer": "none", "shardingConfig": {"desiredCount": 2}}
    batch = [{**o, "class": "Served"} for o in objects(0, 30, "Served")]
    tenanted = {"class": "Held", "vectorizer": "none", "multiTenancyConfig": {"enabled": True},
                "replicationConfig": {"factor": 2}}
    held = [{**o, "class": "Held", "tenant": "t1"} for o in objects(0, 5, "Held")]
    proc, url = _serve(ray_cluster, data)
    try:
        with httpx.Client(base_url=url, timeout=120) as http:
            assert http.post("/v1/schema", json=body).status_code == 200
            answer = http.post("/v1/batch/objects", json={"objects": batch}).json()
            assert not [r for r in answer if r["result"].get("errors")]
            assert http.post("/v1/schema", json=tenanted).status_code == 200
            assert http.post("/v1/schema/Held/tenants", json=[{"name": "t1"}]).status_code == 200
            answer = http.post("/v1/batch/objects", json={"objects": held}).json()
            assert not [r for r in answer if r["result"].get("errors")]
            nodes = http.get("/v1/nodes", params={"output": "verbose"}).json()["nodes"]
            assert sorted(n["name"] for n in nodes) == IPS
            served = [s for n in nodes for s in n["shards"] or [] if s["class"] == "Served"]
            assert len(served) == 2 and sum(s["objectCount"] for s in served) == 30
    finally:
        _stop(proc)
    proc, url = _serve(ray_cluster, data)
    try:
        with httpx.Client(base_url=url, timeout=120) as http:
            assert http.get("/v1/objects", params={"class": "Served", "limit": 100}).json()["totalResults"] == 30
            assert http.get(f"/v1/objects/Served/{batch[3]['id']}").json()["properties"] == batch[3]["properties"]
            # the tenant list and each tenant's nodes were kept: its objects are found again on them
            assert [t["name"] for t in http.get("/v1/schema/Held/tenants").json()] == ["t1"]
            found = http.get(f"/v1/objects/Held/{held[2]['id']}", params={"tenant": "t1"}).json()
            assert found["properties"] == held[2]["properties"] and found["tenant"] == "t1"
            assert http.delete("/v1/schema/Held").status_code == 200
            assert http.delete("/v1/schema/Served").status_code == 200
            nodes = http.get("/v1/nodes", params={"output": "verbose"}).json()["nodes"]
            assert not [s for n in nodes for s in n["shards"] or [] if s["class"] == "Served"]
    finally:
        _stop(proc)
