"""llama-index-vector-stores-weaviate against a vectordb server, in its own venv: python llamaindex_script.py
<http port> <grpc port>. Nodes carry their own embeddings, so no model (or tokenizer download) is needed.

Exits non-zero on the first failed check.
"""

from __future__ import annotations

import sys

import weaviate
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.types import (
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
    VectorStoreQuery,
    VectorStoreQueryMode,
)
from llama_index.vector_stores.weaviate import WeaviateVectorStore

ROWS = [("the cat sat on the mat", "pets", [1.0, 0.0, 0.0]), ("dogs bark at night", "pets", [0.0, 1.0, 0.0]),
        ("fish swim in the sea", "sea", [0.0, 0.0, 1.0])]


def main(http_port: int, grpc_port: int) -> None:
    client = weaviate.connect_to_custom(http_host="127.0.0.1", http_port=http_port, http_secure=False,
                                        grpc_host="127.0.0.1", grpc_port=grpc_port, grpc_secure=False)
    try:
        store = WeaviateVectorStore(weaviate_client=client, index_name="LlamaDocs")
        nodes = []
        for i, (text, source, vector) in enumerate(ROWS):
            node = TextNode(text=text, metadata={"source": source}, embedding=vector)
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=f"doc-{i}")
            nodes.append(node)
        ids = store.add(nodes)
        assert len(ids) == 3, ids
        found = store.query(VectorStoreQuery(query_embedding=[0.1, 0.0, 0.9], similarity_top_k=1))
        assert found.nodes[0].get_content() == ROWS[2][0], found
        only_pets = MetadataFilters(filters=[MetadataFilter(key="source", value="pets", operator=FilterOperator.EQ)])
        pets = store.query(VectorStoreQuery(query_embedding=[0.0, 0.0, 1.0], similarity_top_k=3, filters=only_pets))
        assert sorted(n.get_content() for n in pets.nodes) == sorted([ROWS[0][0], ROWS[1][0]]), pets
        hybrid = store.query(VectorStoreQuery(query_str="bark", query_embedding=[0.0, 1.0, 0.0], similarity_top_k=1,
                                              mode=VectorStoreQueryMode.HYBRID, alpha=0.5))
        assert hybrid.nodes[0].get_content() == ROWS[1][0], hybrid
        store.delete("doc-0")
        left = store.query(VectorStoreQuery(query_embedding=[1.0, 0.0, 0.0], similarity_top_k=3))
        assert ROWS[0][0] not in [n.get_content() for n in left.nodes] and len(left.nodes) == 2, left
    finally:
        client.close()
    print("ok")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
