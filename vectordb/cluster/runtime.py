"""The connection to a Ray cluster: its nodes, the replica actors placed on them, and calls with deadlines.

A node is named by its IP address (Ray's `node:<ip>` resource pins an actor to it, and the name survives the node
being restarted). Replica actors are detached and named `<class>/<shard>/<node>`, so a restarted server finds
them again. A replica is `up` (read and written), `syncing` (written, catching up from a peer, not read) or `down`.
A health thread pings every replica each second, marks the silent ones down, and brings a replica back, once its
node is alive again, by catching up from an up peer before it serves reads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from vectordb.errors import UserError

if TYPE_CHECKING:
    from vectordb.cluster.sharded import ShardedCollection

log = logging.getLogger(__name__)

NAMESPACE = "vectordb"
CALL_TIMEOUT = 10.0  # seconds a replica has to answer a read or acknowledge a write
PING_TIMEOUT = 2.0
OPEN_TIMEOUT = 120.0  # a new replica starts a Python worker and opens its store; slow on a loaded machine
CATCH_UP_TIMEOUT = 600.0
HEALTH_INTERVAL = 1.0
UP, SYNCING, DOWN = "up", "syncing", "down"


class Unavailable(UserError):
    """Too few replicas answered for the consistency level asked."""

    status = 500


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError('Ray is not installed: pip install "vectordb[cluster]" to join a Ray cluster') from exc
    return ray


def _driver_ip(address: str) -> str | None:
    """The IP the driver announces: the head's own when it is a loopback address other than 127.0.0.1 (Ray
    rewrites 127.0.0.1 into the external interface's address, which would take traffic off loopback)."""
    host = urlsplit(address if "://" in address else f"ray://{address}").hostname or ""
    return host if host.startswith("127.") and host != "127.0.0.1" else None


class Cluster:
    def __init__(self, address: str, root: Path) -> None:
        self.ray = _import_ray()
        self.root = str(Path(root).resolve() / "shards")
        if not self.ray.is_initialized():
            self.ray.init(address=address, namespace=NAMESPACE, logging_level=logging.WARNING,
                          log_to_driver=False, _node_ip_address=_driver_ip(address))
        from vectordb.cluster.replica import ShardReplica
        from vectordb.cluster.tenant_host import TenantHost

        self._actor_class = self.ray.remote(ShardReplica)
        self._host_class = self.ray.remote(TenantHost)
        self.collections: dict[str, ShardedCollection] = {}
        # down replicas being asked for, by (collection key, shard, node): (actor, its ping, until when to wait)
        self._pending: dict[tuple[str, str, str], tuple[Any, Any, float]] = {}
        self._stop = threading.Event()
        self._health = threading.Thread(target=self._health_loop, name="vectordb-cluster-health", daemon=True)
        self._health.start()
        log.info("joined the Ray cluster at %s: nodes %s", address, ", ".join(self.nodes()))

    # nodes -----------------------------------------------------------------------------------------
    def nodes(self) -> list[str]:
        """The alive nodes' names (IP addresses), sorted."""
        return sorted({n["NodeManagerAddress"] for n in self.ray.nodes() if n.get("Alive")})

    def close(self) -> None:
        """Stop watching and disconnect; the replicas (detached actors) go on serving for the next server."""
        self._stop.set()
        self._health.join(timeout=5)
        self.ray.shutdown()

    # replicas --------------------------------------------------------------------------------------
    def replica(self, coll: ShardedCollection, shard: str, node: str) -> Any:
        """The replica's actor: the running one, else a new one on its node (which opens the store left there)."""
        return self._actor_class.options(
            name=f"{coll.name}/{shard}/{node}", **self._placed(node),
        ).remote(self.root, node, coll.class_def, shard, coll.max_results)

    def tenant_host(self, class_def: dict[str, Any], node: str, max_results: int) -> Any:
        """The actor on `node` that holds the replicas of a multi-tenant class's tenants placed there."""
        return self._host_class.options(
            name=f"{class_def['class']}/tenants/{node}", **self._placed(node),
        ).remote(self.root, node, class_def, max_results)

    @staticmethod
    def _placed(node: str) -> dict[str, Any]:
        """Actor options: detached (a restarted server finds it by name), pinned to its node, never restarted
        by Ray (the health loop brings it back once it caught up)."""
        return {"namespace": NAMESPACE, "lifetime": "detached", "get_if_exists": True,
                "resources": {f"node:{node}": 0.001}, "num_cpus": 0, "max_restarts": 0, "max_concurrency": 8}

    def gather(self, calls: dict[Any, Any], need: int, on_fail: Callable[[Any], None],
               timeout: float = CALL_TIMEOUT) -> dict[Any, Any]:
        """Wait until `need` of the calls ({key: ObjectRef}) answered or the deadline passed; answers by key.
        A call that fails, then or later, reports its key to `on_fail`. An error the replica's code raised
        on purpose (bad input) is raised here."""
        ray = self.ray
        pending = {ref: key for key, ref in calls.items()}
        answers: dict[Any, Any] = {}
        deadline = time.monotonic() + timeout
        while pending and len(answers) < need:
            # all the answers still needed in one wait (one round, not one per call)
            ready, _ = ray.wait(list(pending), num_returns=min(need - len(answers), len(pending)),
                                timeout=max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            keys = [pending.pop(ref) for ref in ready]
            try:
                answers.update(zip(keys, ray.get(ready), strict=True))
                continue
            except ray.exceptions.RayError:
                pass  # one of them failed: taken one by one below
            for ref, key in zip(ready, keys, strict=True):
                try:
                    answers[key] = ray.get(ref)
                except ray.exceptions.RayTaskError as exc:
                    if isinstance(exc.cause, UserError):
                        raise exc.cause from None
                    log.warning("replica %s failed: %s", key, exc)
                    on_fail(key)
                except ray.exceptions.RayError as exc:
                    log.warning("replica %s is unreachable: %s", key, type(exc).__name__)
                    on_fail(key)
        for ref, key in pending.items():
            ref.future().add_done_callback(_report_failure(key, on_fail))
        return answers

    # health ----------------------------------------------------------------------------------------
    def _health_loop(self) -> None:
        while not self._stop.wait(HEALTH_INTERVAL):
            try:
                alive = set(self.nodes())
                for coll in list(self.collections.values()):
                    self._check(coll, alive)
            except Exception:
                log.exception("cluster health check failed; retrying")

    def _check(self, coll: ShardedCollection, alive: set[str]) -> None:
        pings = {key: handle.ping.remote() for key, handle in coll.handles.items() if coll.state[key] == UP}
        answered = self.gather(pings, len(pings), coll.mark_down, timeout=PING_TIMEOUT) if pings else {}
        for key in pings:
            if key not in answered:
                coll.mark_down(key)
        for key in [k for k, s in coll.state.items() if s == DOWN and k[1] in alive]:
            self._bring_back(coll, key)

    def _bring_back(self, coll: ShardedCollection, key: tuple[str, str]) -> None:
        """One step of bringing a down replica back, never blocking the loop for long: ask for its actor (the
        one running, else a new one that opens the store left on the node) and ping it; once it answers, it
        catches up from an up peer while it is already written to, then it serves reads again."""
        shard, node = key
        ray = self.ray
        asked = (coll.key, shard, node)
        waiting = self._pending.get(asked)
        if waiting is None:
            handle = coll.new_handle(shard, node)
            self._pending[asked] = (handle, handle.ping.remote(), time.monotonic() + OPEN_TIMEOUT)
            return
        handle, ref, deadline = waiting
        ready, _ = ray.wait([ref], timeout=0)
        if not ready:
            if time.monotonic() > deadline:
                del self._pending[asked]
            return
        del self._pending[asked]
        try:
            ray.get(ref)
        except ray.exceptions.RayError:
            return  # dead or not placed yet: asked afresh next round
        coll.handles[key] = handle
        coll.state[key] = SYNCING  # written from now on, so nothing sent after the digest is missed
        threading.Thread(target=self._catch_up, args=(coll, key, handle), daemon=True,
                         name=f"vectordb-catch-up-{coll.name}-{shard}-{node}").start()

    def _catch_up(self, coll: ShardedCollection, key: tuple[str, str], handle: Any) -> None:
        """Copy from an up peer what the returning replica missed, in this thread of its own so that the health
        loop goes on watching the other replicas; the replica serves reads once it is done."""
        shard, node = key
        ray = self.ray
        peers = [k for k in coll.replicas_of(shard) if coll.state[k] == UP]
        if peers:
            try:
                copied, dropped = ray.get(handle.catch_up.remote(coll.handles[peers[0]]), timeout=CATCH_UP_TIMEOUT)
            except ray.exceptions.RayError as exc:
                log.warning("replica %s of %s on %s could not catch up: %s", shard, coll.name, node, exc)
                coll.state[key] = DOWN
                return
            log.info("replica %s of %s on %s caught up from %s: %d copied, %d deleted",
                     shard, coll.name, node, peers[0][1], copied, dropped)
        if coll.state[key] == SYNCING:  # not marked down meanwhile
            coll.state[key] = UP

def _report_failure(key: Any, on_fail: Callable[[Any], None]) -> Callable[[Future], None]:
    def done(future: Future) -> None:
        if future.exception() is not None:
            on_fail(key)

    return done


def join(address: str, root: Path) -> Cluster:
    return Cluster(address, root)
