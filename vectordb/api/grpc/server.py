"""Running the gRPC server beside the REST one: same process, same Database, its own thread pool."""

from __future__ import annotations

import logging
import os
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2_grpc

from vectordb.api.grpc.pb import weaviate_pb2_grpc
from vectordb.api.grpc.service import WeaviateService
from vectordb.database import Database

log = logging.getLogger(__name__)

DEFAULT_PORT = 50051
# Weaviate's default GRPC_MAX_MESSAGE_SIZE; /v1/meta advertises the same number as grpcMaxMessageSize and the
# client sizes its channel by it (grpcio's own default would refuse anything above 4 MiB).
MAX_MESSAGE_SIZE = 104858000


def default_workers(db: Database) -> int:
    """Threads serving calls. On one node a call is mostly Python holding the GIL: measured on 2 cores with 8
    clients, a pool of 3-6 threads costs the server about a quarter less CPU per query than 8 or 16 (fewer threads
    passing the GIL around), and 2 did worse again; so two per core. Calls of a Ray cluster mostly wait for
    remote replicas, so there more of them run at once. Calls beyond the pool wait in gRPC's queue."""
    return 16 if db.cluster is not None else 2 * max(2, os.cpu_count() or 2)


class GrpcServer:
    """`weaviate.v1.Weaviate` and `grpc.health.v1.Health` on host:port (port 0 picks a free one)."""

    def __init__(self, db: Database, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 workers: int | None = None) -> None:
        self.db = db
        self.host = host
        self.requested_port = port
        self.port = port
        self.server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=workers or default_workers(db), thread_name_prefix="vectordb-grpc"),
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_SIZE),
                ("grpc.max_send_message_length", MAX_MESSAGE_SIZE),
                ("grpc.so_reuseport", 0),
            ],
        )
        weaviate_pb2_grpc.add_WeaviateServicer_to_server(WeaviateService(db), self.server)
        # The default status of the overall service "" is SERVING, which is what the client's check asks.
        health_pb2_grpc.add_HealthServicer_to_server(health.HealthServicer(), self.server)

    def start(self) -> GrpcServer:
        address = f"{self.host}:{self.requested_port}"
        try:
            self.port = self.server.add_insecure_port(address)
        except RuntimeError as exc:
            raise RuntimeError(f"gRPC: could not listen on {address} ({exc}); is the port in use?") from exc
        self.server.start()
        log.debug("gRPC (weaviate.v1) listening on %s:%d", self.host, self.port)
        return self

    def stop(self, grace: float = 5.0) -> None:
        self.server.stop(grace).wait()

    def __enter__(self) -> GrpcServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
