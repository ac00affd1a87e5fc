"""Queries on 3 shards x 3 replicas give one node's answers on the same data: near*, bm25, hybrid, filters,
sort, paging, groupBy, Aggregate, object listing."""

from __future__ import annotations

import pytest

from tests.cluster.conftest import CLASS, objects
from vectordb.database import Database
from vectordb.query.request import AggregateRequest, SearchRequest

QUERY_VECTOR = objects(7, 1)[0]["vector"]
FILTER = {"path": ["n"], "operator": "GreaterThan", "valueInt": 100}


def _ranked(results, value) -> list:
    """(value, ids sharing it) in order: hits that tie may come in any order, on one node as on many."""
    out: list = []
    for r in results:
        v = round(value(r), 5)
        if out and out[-1][0] == v:
            out[-1][1].add(r.id)
        else:
            out.append((v, {r.id}))
    return out


def _same_ranking(many, one, value) -> None:
    """Equal values in order, and equal ids wherever a page holds a whole group of equal values: which of a
    group cut by the page's edge makes it in is arbitrary on one node as on many."""
    assert many
    a, b = _ranked(many, value), _ranked(one, value)
    assert [v for v, _ in a] == [v for v, _ in b]
    assert [ids for _, ids in a][1:-1] == [ids for _, ids in b][1:-1]
    assert sum(len(ids) for _, ids in a) == sum(len(ids) for _, ids in b)


def _both(cluster_db: Database, one_node: Database, article: str, **query) -> tuple[list, list]:
    many = cluster_db.search(SearchRequest(collection=article, **query))
    one = one_node.search(SearchRequest(collection=article, **query))
    return many, one


def _plain(results) -> list:
    return [(r.id, r.properties, r.creation_time_unix > 0) for r in results]


@pytest.mark.parametrize("query", [
    {"limit": 10, "near_vector": {"vector": QUERY_VECTOR}},
    {"limit": 7, "offset": 5, "near_vector": {"vector": QUERY_VECTOR}},
    {"limit": 10, "near_vector": {"vector": QUERY_VECTOR}, "where": FILTER},
    {"limit": 50, "near_vector": {"vector": QUERY_VECTOR, "distance": 0.05}},
    {"limit": 10, "near_object": {"id": objects(3, 1)[0]["id"]}},
    {"limit": 10, "near_vector": {"vector": QUERY_VECTOR}, "autocut": 1},
], ids=["near", "paged", "filtered", "distance", "nearObject", "autocut"])
def test_vector_searches_match_one_node(cluster_db, one_node, article, query):
    many, one = _both(cluster_db, one_node, article, include_vector=True, **query)
    _same_ranking(many, one, lambda r: r.distance)
    assert [r.certainty for r in many] == pytest.approx([r.certainty for r in one])
    assert {r.id: r.vector for r in many} == {r.id: r.vector for r in one}


@pytest.mark.parametrize("query", [
    {"limit": 15, "bm25": {"query": "apple banana"}},
    {"limit": 10, "offset": 4, "bm25": {"query": "grape", "properties": ["title^2"]}},
    {"limit": 10, "bm25": {"query": "fig jungle"}, "where": FILTER},
    {"limit": 10, "bm25": {"query": "apple fig", "searchOperator": {"operator": "And"}}},
], ids=["plain", "paged-boosted", "filtered", "and"])
def test_bm25_scores_as_one_collection(cluster_db, one_node, article, query):
    many, one = _both(cluster_db, one_node, article, **query)
    _same_ranking(many, one, lambda r: r.score)


@pytest.mark.parametrize("hybrid", [
    {"query": "apple cherry", "vector": QUERY_VECTOR, "alpha": 0.5},
    {"query": "echo", "vector": QUERY_VECTOR, "alpha": 0.75, "maxVectorDistance": 0.2},
], ids=["relative", "cutoff"])
def test_hybrid_fuses_as_one_node(cluster_db, one_node, article, hybrid):
    # Fewer matches than the side's depth (QUERY_HYBRID_MAXIMUM_RESULTS): no tie is cut at its end, where
    # which of the tied hits make the side is arbitrary, and would change their fused scores.
    where = {"path": ["n"], "operator": "LessThan", "valueInt": 90}
    many, one = _both(cluster_db, one_node, article, limit=12, hybrid=hybrid, where=where)
    _same_ranking(many, one, lambda r: r.score)


def test_ranked_fusion_matches_one_node_where_no_keyword_hits_tie(cluster_db, one_node, article):
    # A rank is a position, and tied bm25 hits take their positions in any order; so this query is one whose
    # keyword hits are all distinct (checked first, or the test would prove nothing).
    where = {"path": ["n"], "operator": "LessThan", "valueInt": 12}
    keyword = one_node.search(SearchRequest(collection=article, limit=50, bm25={"query": "cherry echo"},
                                            where=where))
    scores = [round(r.score, 6) for r in keyword]
    assert len(scores) > 3 and len(set(scores)) == len(scores)
    hybrid = {"query": "cherry echo", "vector": QUERY_VECTOR, "alpha": 0.4, "fusionType": "rankedFusion"}
    many, one = _both(cluster_db, one_node, article, limit=10, hybrid=hybrid, where=where)
    assert [(r.id, round(r.score, 6)) for r in many] == [(r.id, round(r.score, 6)) for r in one]
    assert [r.explain_score for r in many] == [r.explain_score for r in one]


@pytest.mark.parametrize("query", [
    {"limit": 12, "offset": 30, "sort": [{"path": ["price"], "order": "desc"}]},
    {"limit": 9, "sort": [{"path": ["category"]}, {"path": ["n"], "order": "desc"}], "where": FILTER},
    {"limit": 20, "offset": 7},
    {"limit": 15, "after": objects(11, 1)[0]["id"]},
    {"limit": 25, "where": {"path": ["category"], "operator": "Equal", "valueText": "tech"}},
], ids=["sorted", "sorted-filtered", "paged", "cursor", "filtered"])
def test_listings_match_one_node(cluster_db, one_node, article, query):
    many, one = _both(cluster_db, one_node, article, **query)
    assert many and _plain(many) == _plain(one)


def test_group_by_matches_one_node(cluster_db, one_node, article):
    group = {"path": ["category"], "groups": 3, "objectsPerGroup": 4}
    many, one = _both(cluster_db, one_node, article, limit=40, near_vector={"vector": QUERY_VECTOR}, group_by=group)
    assert len(many) == 3

    def shape(results):
        return [(r.group["groupedBy"], r.group["count"], [h.id for h in r.group["hits"]],
                 round(r.group["minDistance"], 5), round(r.group["maxDistance"], 5)) for r in results]

    assert shape(many) == shape(one)


@pytest.mark.parametrize("query", [
    {"fields": {"n": ["count", "sum", "mean", "maximum", "minimum", "median"], "price": ["mean", "mode"],
                "category": ["topOccurrences"]}},
    {"fields": {"n": ["sum"]}, "where": FILTER, "group_by": ["category"]},
    {"fields": {"price": ["mean"]}, "near_vector": {"vector": QUERY_VECTOR}, "object_limit": 20},
], ids=["all", "grouped-filtered", "near"])
def test_aggregate_matches_one_node(cluster_db, one_node, article, query):
    many = cluster_db.aggregate(AggregateRequest(collection=article, **query))
    one = one_node.aggregate(AggregateRequest(collection=article, **query))
    assert many == one


def test_object_listing_and_reads_match_one_node(cluster_db, one_node, article):
    for kwargs in ({"limit": 25, "offset": 10}, {"limit": 5, "after": objects(20, 1)[0]["id"]},
                   {"limit": 8, "sort": [{"path": ["n"], "order": "desc"}]}):
        many = cluster_db.list_objects(CLASS, **kwargs)["objects"]
        one = one_node.list_objects(CLASS, **kwargs)["objects"]
        assert [o["id"] for o in many] == [o["id"] for o in one] and len(many) > 0
    some = objects(42, 1)[0]["id"]
    found = cluster_db.get_object(CLASS, some, include_vector=True)
    expected = one_node.get_object(CLASS, some, include_vector=True)
    assert found is not None and expected is not None
    assert (found["properties"], found["vector"]) == (expected["properties"], expected["vector"])
    assert cluster_db.collection(CLASS).count() == one_node.collection(CLASS).count()
