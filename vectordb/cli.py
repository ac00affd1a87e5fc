"""`vectordb serve` (the Weaviate-compatible server) and `vectordb inference` (a model container)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from vectordb import __version__
from vectordb.config import ConfigError, Settings
from vectordb.server_flags import add_weaviate_flags, uvicorn_options

log = logging.getLogger(__name__)


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from storage.errors import DataDirLocked
    from vectordb.api.app import create_app
    from vectordb.api.grpc.server import GrpcServer
    from vectordb.api.startup import listen_url, startup_report
    from vectordb.database import Database

    options = uvicorn_options(args)
    env = dict(os.environ)
    if args.data_dir:
        env["PERSISTENCE_DATA_PATH"] = args.data_dir
    try:
        settings = Settings.from_env(env)
        cluster = _join_cluster(args.ray_address, settings)
        db = Database(settings, cluster=cluster)
    except (ConfigError, DataDirLocked) as exc:
        log.error("refusing to start: %s", exc)
        raise SystemExit(1) from None
    grpc_server = GrpcServer(db, args.host, args.grpc_port).start()
    listening = {"REST": listen_url(args.host, args.port), "gRPC": listen_url(args.host, grpc_server.port, "grpc")}
    app = create_app(db, close_on_shutdown=True, listen_url=listening["REST"], before_close=grpc_server.stop)
    log.info("%s", startup_report(db, listening))
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, **options)
    finally:
        grpc_server.stop()


def _join_cluster(address: str | None, settings: Settings) -> Any:
    """The Ray cluster to shard collections over, or None (one node, Ray never imported)."""
    if not address:
        return None
    from vectordb.cluster.runtime import Cluster

    try:
        return Cluster(address, settings.data_path)
    except RuntimeError as exc:
        raise ConfigError(str(exc)) from exc


def _inference(args: argparse.Namespace) -> None:
    from vectordb.inference import run_inference_server

    run_inference_server(args.host, args.port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="vectordb", description=__doc__)
    parser.add_argument("--version", action="version", version=f"vectordb {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the Weaviate-compatible REST/GraphQL server")
    serve.add_argument("--host", default=os.environ.get("VECTORDB_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("VECTORDB_PORT", "8080")))
    serve.add_argument("--grpc-port", type=int, default=int(os.environ.get("GRPC_PORT", "50051")),
                       help="port of the gRPC API (weaviate.v1) on the same host (default: GRPC_PORT or 50051)")
    serve.add_argument("--data-dir", default=None, help="data directory (default: PERSISTENCE_DATA_PATH or ./data)")
    serve.add_argument("--ray-address", default=os.environ.get("RAY_ADDRESS") or None,
                       help="join this Ray cluster (host:port of its head) to shard and replicate collections "
                            "(default: RAY_ADDRESS; unset: one node without Ray)")
    serve.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "info").lower())
    add_weaviate_flags(serve)
    serve.set_defaults(run=_serve)

    inference = sub.add_parser("inference", help="serve the local model over Weaviate's inference-container API")
    inference.add_argument("--host", default="127.0.0.1")
    inference.add_argument("--port", type=int, default=8081)
    inference.set_defaults(run=_inference)

    args = parser.parse_args(argv)
    logging.basicConfig(level=getattr(args, "log_level", "info").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    args.run(args)


if __name__ == "__main__":
    main()
