"""langchain-weaviate against a vectordb server, run in its own venv: python langchain_script.py <http> <grpc>.

Exits non-zero on the first failed check.
"""

from __future__ import annotations

import sys

import weaviate
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_weaviate.vectorstores import WeaviateVectorStore
from weaviate.classes.query import Filter

TEXTS = ["the cat sat on the mat", "dogs bark at night", "fish swim in the sea", "a cat and a dog play"]
SOURCES = ["pets", "pets", "sea", "pets"]


def main(http_port: int, grpc_port: int) -> None:
    client = weaviate.connect_to_custom(http_host="127.0.0.1", http_port=http_port, http_secure=False,
                                        grpc_host="127.0.0.1", grpc_port=grpc_port, grpc_secure=False)
    try:
        store = WeaviateVectorStore(client=client, index_name="LangDocs", text_key="text",
                                    embedding=DeterministicFakeEmbedding(size=16))
        ids = store.add_texts(TEXTS, metadatas=[{"source": s} for s in SOURCES])
        assert len(ids) == 4, ids
        found = store.similarity_search(TEXTS[2], k=1)
        assert found[0].page_content == TEXTS[2], found
        assert found[0].metadata["source"] == "sea", found[0].metadata
        scored = store.similarity_search_with_score(TEXTS[1], k=2)
        assert scored[0][0].page_content == TEXTS[1] and scored[0][1] >= scored[1][1], scored
        diverse = store.max_marginal_relevance_search(TEXTS[0], k=2, fetch_k=4)
        assert len(diverse) == 2 and diverse[0].page_content == TEXTS[0], diverse
        only_sea = store.similarity_search(TEXTS[0], k=4, filters=Filter.by_property("source").equal("sea"))
        assert [d.page_content for d in only_sea] == [TEXTS[2]], only_sea
        store.delete(ids=[ids[0]])
        left = store.similarity_search(TEXTS[0], k=4)
        assert TEXTS[0] not in [d.page_content for d in left] and len(left) == 3, left
    finally:
        client.close()
    print("ok")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
