"""Which shard an object lives in, and which nodes hold each shard: Weaviate's sharding state.

Facts from Weaviate (usecases/sharding/state.go): a collection has `desiredCount` physical shards and
`desiredCount * virtualPerPhysical` virtual ones. Each virtual shard has a random 12-character name and owns the
token range that ends at `murmur3_64(name)` (its `upper`); an object's token is murmur3_64 (spaolacci's Sum64:
the first half of MurmurHash3 x64_128, seed 0) of its UUID's 16 bytes, and it goes to the first virtual shard
whose upper is >= the token, wrapping round to the first. Virtual shards are dealt to physical shards round robin
in a shuffled order. Each physical shard has `factor` replica nodes; the first nodes rotate over the node list.
Because names and the deal are random, the state is made once and stored with the collection.
"""

from __future__ import annotations

import bisect
import random
import string
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any

import mmh3

_NAME_CHARS = string.ascii_lowercase + string.ascii_uppercase + string.digits
_NAME_LENGTH = 12


def token(data: bytes) -> int:
    return int(mmh3.hash64(data, seed=0, x64arch=True, signed=False)[0])


def _check_factor(nodes: list[str], factor: int) -> None:
    if factor > len(nodes):
        raise ValueError(
            f"could not find enough weaviate nodes for replication: {len(nodes)} available, {factor} requested"
        )


def place(key: str, nodes: list[str], factor: int) -> list[str]:
    """The `factor` nodes a tenant (`key`: class/tenant) is placed on: rendezvous hashing, the nodes whose
    murmur3 of key/node is highest. Deterministic, spread evenly, and a node joining or leaving moves only the
    tenants it wins or held."""
    _check_factor(nodes, factor)
    return sorted(nodes, key=lambda node: token(f"{key}/{node}".encode()), reverse=True)[:factor]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_NAME_CHARS) for _ in range(_NAME_LENGTH))


@dataclass
class ShardingState:
    virtual: list[tuple[int, str]]  # (upper, physical shard), sorted by upper
    physical: dict[str, list[str]]  # shard name -> the nodes holding a replica, in order

    @classmethod
    def create(cls, nodes: list[str], desired: int, virtual_per_physical: int, factor: int,
               rng: random.Random | None = None) -> ShardingState:
        _check_factor(nodes, factor)
        rng = rng or random.Random()
        shards = [_name(rng) for _ in range(desired)]
        physical = {name: [nodes[(i + j) % len(nodes)] for j in range(factor)] for i, name in enumerate(shards)}
        uppers = sorted(token(_name(rng).encode()) for _ in range(desired * virtual_per_physical))
        order = list(range(len(uppers)))
        rng.shuffle(order)
        owner = {index: shards[i % desired] for i, index in enumerate(order)}
        return cls([(upper, owner[i]) for i, upper in enumerate(uppers)], physical)

    @classmethod
    def single(cls, shard: str, nodes: list[str]) -> ShardingState:
        """One shard that owns every token (a tenant of a multi-tenant class), on `nodes`."""
        return cls([(2**64 - 1, shard)], {shard: list(nodes)})

    def shard_for(self, object_id: str) -> str:
        t = token(uuidlib.UUID(object_id).bytes)
        i = bisect.bisect_left(self.virtual, (t, ""))
        return self.virtual[i if i < len(self.virtual) else 0][1]

    def to_json(self) -> dict[str, Any]:
        return {"virtual": [[str(u), s] for u, s in self.virtual], "physical": self.physical}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ShardingState:
        return cls([(int(u), s) for u, s in raw["virtual"]], {k: list(v) for k, v in raw["physical"].items()})
