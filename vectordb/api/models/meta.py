"""/v1/meta and /v1/nodes."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from vectordb.api.models.common import Model


class Meta(Model):
    hostname: str = Field(description="where the server listens, e.g. http://[::]:8080")
    version: str = Field(description="the Weaviate version whose API this server speaks")
    modules: dict[str, dict[str, Any]] = Field(description="the modules that are on, with their meta")
    grpcMaxMessageSize: int | None = None


class NodeStats(Model):
    shardCount: int
    objectCount: int


class BatchStats(Model):
    queueLength: int
    ratePerSecond: int


class NodeShardStatus(Model):
    name: str
    class_: str = Field(alias="class")
    objectCount: int
    vectorIndexingStatus: str | None = None
    compressed: bool | None = None
    vectorQueueLength: int | None = None
    loaded: bool | None = None


class NodeStatus(Model):
    name: str
    status: str
    version: str
    gitHash: str
    stats: NodeStats
    batchStats: BatchStats
    shards: list[NodeShardStatus] | None = Field(None, description="with ?output=verbose")
    operationalMode: str | None = None


class NodesStatusResponse(Model):
    nodes: list[NodeStatus]
