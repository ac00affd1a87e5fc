"""A Ray cluster of several nodes on this machine, on loopback addresses, for tests and benchmarks.

Ray rewrites 127.0.0.1 into the machine's external address, so the nodes use 127.0.0.2, 127.0.0.3, ...
Each node is one `ray start --block` in its own process group with its own temp dir, and is stopped by killing
that group: never `ray stop`, which stops every Ray process on the machine.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vectordb.cluster.runtime import NAMESPACE

log = logging.getLogger(__name__)

START_TIMEOUT = 90.0
_PORT_FLAGS = ("node-manager-port", "object-manager-port", "runtime-env-agent-port", "dashboard-agent-grpc-port",
               "dashboard-agent-listen-port", "metrics-export-port")


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class LocalNode:
    def __init__(self, ip: str, head_address: str | None, port: int, temp_dir: Path) -> None:
        self.ip = ip
        self.head_address = head_address
        self.port = port
        self.temp_dir = temp_dir
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [sys.executable, "-m", "ray.scripts.scripts", "start", "--block", f"--node-ip-address={self.ip}",
               "--num-cpus=1", "--object-store-memory=100000000", "--disable-usage-stats"]
        # Ports Ray would otherwise take at fixed defaults: two clusters on one address would collide.
        cmd += [f"--{flag}={_free_port(self.ip)}" for flag in _PORT_FLAGS]
        if self.head_address is None:
            cmd += ["--head", f"--port={self.port}", "--include-dashboard=false", f"--temp-dir={self.temp_dir}"]
        else:
            cmd += [f"--address={self.head_address}"]
        env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
        env.pop("RAY_ADDRESS", None)
        log_file = open(self.temp_dir.parent / f"node-{self.ip}.log", "ab")  # noqa: SIM115 (lives with the node)
        self.proc = subprocess.Popen(cmd, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
        log_file.close()

    def kill(self) -> None:
        """SIGKILL the node's whole process group (raylet, its workers and actors; GCS too on the head)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
        self.proc = None


class LocalCluster:
    """`nodes` loopback addresses; the first is the head. Use as a context manager."""

    def __init__(self, ips: list[str]) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="vdbray-"))
        port = _free_port(ips[0])
        self.address = f"{ips[0]}:{port}"
        self.nodes = [LocalNode(ip, None if i == 0 else self.address, port, self.root / f"t{i}")
                      for i, ip in enumerate(ips)]

    def __enter__(self) -> LocalCluster:
        """Start the nodes and connect this process to the cluster as its driver."""
        try:
            for node in self.nodes:
                node.temp_dir.mkdir(parents=True, exist_ok=True)
                self.start(node)
        except BaseException:
            self.close()
            raise
        return self

    def start(self, node: LocalNode) -> None:
        """Start a node and wait until the cluster lists it alive (one at a time: raylets started together
        have crashed on a port already in use)."""
        node.start()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if node.proc is not None and node.proc.poll() is not None:
                tail = (self.root / f"node-{node.ip}.log").read_text(errors="replace").splitlines()[-12:]
                raise RuntimeError(f"Ray node {node.ip} exited:\n" + "\n".join(tail))
            if node.ip in self.alive():
                return
            time.sleep(0.2)
        raise RuntimeError(f"Ray node {node.ip} did not join within {START_TIMEOUT:.0f} s")

    def alive(self) -> set[str]:
        """The nodes the head lists alive; the first call, once the head listens, connects the driver."""
        import ray

        if not ray.is_initialized():
            # `ray start` says so once the head's processes all run; connecting earlier can fail
            head_log = self.root / f"node-{self.nodes[0].ip}.log"
            if b"Ray runtime started" not in head_log.read_bytes():
                return set()
            try:
                ray.init(address=self.address, _node_ip_address=self.nodes[0].ip, namespace=NAMESPACE,
                         logging_level=logging.WARNING, log_to_driver=False)
            except ConnectionError:
                return set()
        return {n["NodeManagerAddress"] for n in ray.nodes() if n.get("Alive")}

    def close(self) -> None:
        import ray

        ray.shutdown()
        for node in reversed(self.nodes):
            node.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def __exit__(self, *exc: object) -> None:
        self.close()
