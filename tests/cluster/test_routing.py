"""Weaviate's routing of objects to shards and of shard replicas to nodes (no Ray needed)."""

from __future__ import annotations

import random
import uuid

import pytest

pytest.importorskip("mmh3", reason="the cluster extra is not installed")

from vectordb.cluster.routing import ShardingState, token  # noqa: E402


def test_token_is_murmur3_x64_128_first_half_seed_0():
    # MurmurHash3_x64_128("hello", seed 0) = cbd8a7b341bd9b02 5b1e906a48ae1d19; Go's Sum64 is the first half.
    assert token(b"hello") == 0xCBD8A7B341BD9B02
    assert token(b"") == 0


def test_an_object_goes_to_the_first_virtual_shard_whose_upper_is_not_below_its_token():
    state = ShardingState.create(["n1", "n2", "n3"], 3, 16, 1, random.Random(7))
    uppers = [u for u, _ in state.virtual]
    assert uppers == sorted(uppers) and len(uppers) == 48
    for i in range(200):
        object_id = str(uuid.UUID(int=i * 7919 + 3))
        t = token(uuid.UUID(object_id).bytes)
        owner = next((s for u, s in state.virtual if u >= t), state.virtual[0][1])
        assert state.shard_for(object_id) == owner


def test_a_token_above_every_upper_wraps_to_the_first_virtual_shard():
    state = ShardingState([(10, "a"), (20, "b")], {"a": ["n1"], "b": ["n1"]})
    tokens = {}
    for i in range(2000):
        object_id = str(uuid.UUID(int=i))
        tokens[object_id] = token(uuid.UUID(object_id).bytes)
    assert all(state.shard_for(i) == "a" for i, t in tokens.items() if t > 20 or t <= 10)


def test_virtual_shards_are_dealt_evenly_and_replicas_sit_on_different_nodes():
    state = ShardingState.create(["n1", "n2", "n3"], 3, 128, 3, random.Random(1))
    owners = [s for _, s in state.virtual]
    assert sorted(owners.count(s) for s in state.physical) == [128, 128, 128]
    for nodes in state.physical.values():
        assert sorted(nodes) == ["n1", "n2", "n3"]
    assert len({nodes[0] for nodes in state.physical.values()}) == 3  # first replicas rotate over the nodes
    assert all(len(name) == 12 and name.isalnum() for name in state.physical)


def test_a_factor_above_the_node_count_is_refused_as_weaviate_words_it():
    with pytest.raises(ValueError, match="could not find enough weaviate nodes for replication: 2 available, 3"):
        ShardingState.create(["n1", "n2"], 1, 128, 3)


def test_the_state_survives_json():
    state = ShardingState.create(["n1", "n2"], 2, 8, 2, random.Random(3))
    again = ShardingState.from_json(state.to_json())
    assert again == state


def test_tenants_are_placed_by_rendezvous_hashing_on_factor_distinct_nodes():
    from vectordb.cluster.routing import place

    nodes = ["n1", "n2", "n3", "n4"]
    placed = {t: place(f"Docs/t{t}", nodes, 2) for t in range(400)}
    assert all(len(set(p)) == 2 for p in placed.values())
    assert placed == {t: place(f"Docs/t{t}", list(reversed(nodes)), 2) for t in range(400)}  # order-free
    load = {n: sum(n in p for p in placed.values()) for n in nodes}
    assert all(150 < c < 250 for c in load.values()), load  # 200 each when even
    # a node leaving moves only the tenants it held
    without = {t: place(f"Docs/t{t}", nodes[:3], 2) for t in range(400)}
    assert all(without[t] == p for t, p in placed.items() if "n4" not in p)
    with pytest.raises(ValueError, match="could not find enough weaviate nodes"):
        place("Docs/x", nodes, 5)
