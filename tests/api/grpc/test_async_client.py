"""The async v4 client: insert_many, fetch by ids, near_vector and aggregate over the same gRPC server."""

from __future__ import annotations

import asyncio

import weaviate
import weaviate.classes as wvc
from weaviate.classes.config import Configure, DataType, Property


def test_async_client_round_trip(servers):
    async def run() -> None:
        async with weaviate.use_async_with_custom(
            http_host="127.0.0.1", http_port=servers.rest.port, http_secure=False,
            grpc_host="127.0.0.1", grpc_port=servers.grpc.port, grpc_secure=False,
        ) as client:
            coll = await client.collections.create(
                "Async", properties=[Property(name="k", data_type=DataType.INT)],
                vector_config=Configure.Vectors.self_provided())
            result = await coll.data.insert_many(
                [wvc.data.DataObject(properties={"k": i}, vector=[float(i), 1.0]) for i in range(5)])
            assert not result.has_errors
            some = await coll.query.fetch_objects_by_ids([result.uuids[1], result.uuids[3]])
            assert sorted(o.properties["k"] for o in some.objects) == [1, 3]
            near = await coll.query.near_vector([4.0, 1.0], limit=1)
            assert near.objects[0].properties["k"] == 4
            assert (await coll.aggregate.over_all(total_count=True)).total_count == 5

    asyncio.run(run())
