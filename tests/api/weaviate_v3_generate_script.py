"""The official Weaviate Python client v3's `with_generate`, unchanged, against a server whose generative-openai
talks to a fake OpenAI (which embeds by counting words and answers `<prompt>`): every search mode, with rerank and
with group_by. Run in the v3 client's own venv.

Usage: python weaviate_v3_generate_script.py <server url> <fake openai url>. Exits non-zero on the first failure.
"""

from __future__ import annotations

import sys
import warnings

import weaviate

TITLES = ["red cat", "blue dog", "green fish"]


def setup(client: weaviate.Client, fake: str) -> list[str]:
    client.schema.create_class({
        "class": "Pet", "vectorizer": "text2vec-openai",
        "moduleConfig": {"text2vec-openai": {"baseURL": fake, "vectorizeClassName": False},
                         "generative-openai": {"baseURL": fake}, "reranker-dummy": {}},
        "properties": [{"name": "title", "dataType": ["text"]}, {"name": "kind", "dataType": ["text"]}],
    })
    return [client.data_object.create({"title": t, "kind": t.split()[1]}, "Pet") for t in TITLES]


def rows(result: dict) -> list[dict]:
    assert "errors" not in result, result
    return result["data"]["Get"]["Pet"]


def every_mode(client: weaviate.Client, ids: list[str]) -> None:
    modes = {
        "fetch": lambda q: q,
        "nearVector": lambda q: q.with_near_vector({"vector": [1.0, 0.0, 0.0, 0.1]}),
        "nearObject": lambda q: q.with_near_object({"id": ids[0]}),
        "nearText": lambda q: q.with_near_text({"concepts": ["cat"]}),
        "bm25": lambda q: q.with_bm25(query="cat dog fish"),
        "hybrid": lambda q: q.with_hybrid(query="cat"),
    }
    for mode, search in modes.items():
        query = search(client.query.get("Pet", ["title", "kind"])).with_limit(3).with_generate(
            single_prompt="Describe {title}", grouped_task="Summarize", grouped_properties=["kind"])
        got = rows(query.do())
        generated = sorted(r["_additional"]["generate"]["singleResult"] for r in got)
        assert generated == sorted(f"<Describe {t}>" for t in TITLES), (mode, got)
        kinds = ",".join(f'{{"kind":"{r["kind"]}"}}' for r in got)
        assert got[0]["_additional"]["generate"]["groupedResult"] == f"<Summarize: [{kinds}]>", (mode, got)
        assert all(r["_additional"]["generate"]["error"] is None for r in got), (mode, got)


def with_rerank_and_group_by(client: weaviate.Client) -> None:
    reranked = rows(client.query.get("Pet", ["title"]).with_near_text({"concepts": ["cat"]}).with_limit(3)
                    .with_additional('rerank(property: "title", query: "x") { score }')
                    .with_generate(single_prompt="Name {title}").do())
    scores = [r["_additional"]["rerank"][0]["score"] for r in reranked]
    assert scores == sorted(scores, reverse=True), reranked
    assert all(r["_additional"]["generate"]["singleResult"] == f"<Name {r['title']}>" for r in reranked), reranked
    grouped = rows(client.query.get("Pet", ["title", "kind"]).with_near_text({"concepts": ["cat"]})
                   .with_group_by(["kind"], groups=3, objects_per_group=1)
                   .with_additional("group { groupedBy { value } }")
                   .with_generate(single_prompt="About {kind}", grouped_task="All").do())
    assert len(grouped) == 3, grouped
    for row in grouped:
        value = row["_additional"]["group"]["groupedBy"]["value"]
        assert row["_additional"]["generate"]["singleResult"] == f"<About {value}>", grouped
    assert grouped[0]["_additional"]["generate"]["groupedResult"].startswith("<All: ["), grouped


def a_failing_prompt_is_that_objects_error(client: weaviate.Client) -> None:
    got = rows(client.query.get("Pet", ["title"]).with_limit(2).with_generate(single_prompt="Tell {nope}").do())
    assert all(r["_additional"]["generate"]["singleResult"] is None for r in got), got
    assert all("'nope'" in r["_additional"]["generate"]["error"] for r in got), got


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v3 = weaviate.Client(sys.argv[1], startup_period=5, additional_headers={"X-OpenAI-Api-Key": "sk-v3"})
    assert weaviate.__version__.startswith("3."), weaviate.__version__
    pets = setup(v3, sys.argv[2])
    every_mode(v3, pets)
    with_rerank_and_group_by(v3)
    a_failing_prompt_is_that_objects_error(v3)
    print("ok")
