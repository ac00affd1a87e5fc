"""The official weaviate-client 4 against a real server: REST (uvicorn) and gRPC on 127.0.0.1, one Database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import weaviate

from tests.conftest import Server, free_port, make_settings
from vectordb.api.app import create_app
from vectordb.api.grpc.server import GrpcServer
from vectordb.database import Database


class Servers:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.rest = Server(create_app(db))
        self.grpc = GrpcServer(db, "127.0.0.1", free_port())

    def __enter__(self) -> Servers:
        self.rest.__enter__()
        self.grpc.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.grpc.stop(0)
        self.rest.__exit__(*exc)

    def client(self, **kwargs) -> weaviate.WeaviateClient:
        return weaviate.connect_to_custom(
            http_host="127.0.0.1", http_port=self.rest.port, http_secure=False,
            grpc_host="127.0.0.1", grpc_port=self.grpc.port, grpc_secure=False, **kwargs,
        )


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """connect() also asks pypi.org for the latest client version (best effort, errors ignored): route that
    through a closed loopback port so the tests never leave the machine."""
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def servers(db: Database) -> Iterator[Servers]:
    with Servers(db) as running:
        yield running


@pytest.fixture
def client(servers: Servers) -> Iterator[weaviate.WeaviateClient]:
    with servers.client() as connected:
        yield connected


@pytest.fixture(scope="module")
def module_servers(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Servers]:
    """One server for a whole test module; the module sets its environment in SERVER_ENV."""
    env = getattr(request.module, "SERVER_ENV", {})
    database = Database(make_settings(tmp_path_factory.mktemp("grpc"), **env))
    with Servers(database) as running:
        yield running
    database.close()
