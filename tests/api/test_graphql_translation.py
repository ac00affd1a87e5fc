# ruff: noqa: E501  (query strings are kept whole, as the v3 client writes them)
"""GraphQL text -> SearchRequest / AggregateRequest, and SearchResult -> GraphQL output, without a server.

The database here only records what it is asked and answers with the results each test gives it; the query
strings are the ones the v3 Python client writes (clients.md §2), quirks included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from vectordb.api.graphql.executor import GraphQLService, parse_lenient
from vectordb.api.graphql.vector_literals import extract_vectors
from vectordb.config import Settings
from vectordb.errors import UserError
from vectordb.query.request import AggregateRequest, SearchRequest, SearchResult

A1 = "00000000-0000-0000-0000-0000000000a1"
A2 = "00000000-0000-0000-0000-0000000000a2"
B1 = "00000000-0000-0000-0000-0000000000b1"
MISSING = "00000000-0000-0000-0000-00000000dead"

ARTICLE = {
    "class": "Article",
    "vectorizer": "none",
    "properties": [
        {"name": "title", "dataType": ["text"]},
        {"name": "tags", "dataType": ["text[]"]},
        {"name": "wordCount", "dataType": ["int"]},
        {"name": "price", "dataType": ["number"]},
        {"name": "inStock", "dataType": ["boolean"]},
        {"name": "published", "dataType": ["date"]},
        {"name": "location", "dataType": ["geoCoordinates"]},
        {"name": "phone", "dataType": ["phoneNumber"]},
        {
            "name": "meta",
            "dataType": ["object"],
            "nestedProperties": [
                {"name": "source", "dataType": ["text"]},
                {
                    "name": "inner",
                    "dataType": ["object"],
                    "nestedProperties": [{"name": "n", "dataType": ["int"]}],
                },
            ],
        },
        {"name": "hasAuthor", "dataType": ["Author"]},
        {"name": "related", "dataType": ["Article", "Author"]},
    ],
}
AUTHOR = {
    "class": "Author",
    "vectorizer": "text2vec-openai",
    "properties": [{"name": "name", "dataType": ["text"]}],
}
NAMED = {
    "class": "Named",
    "vectorConfig": {
        "title_vec": {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"},
        "body_vec": {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"},
    },
    "properties": [{"name": "title", "dataType": ["text"]}],
}


@dataclass
class RecordingDatabase:
    """Stands in for Database: records requests, answers with what the test queued."""

    classes: list[dict[str, Any]]
    settings: Settings = field(default_factory=Settings)
    schema_version: int = 1
    results: dict[str, list[SearchResult] | Exception] = field(default_factory=dict)
    groups: list[dict[str, Any]] = field(default_factory=list)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    searches: list[SearchRequest] = field(default_factory=list)
    aggregates: list[AggregateRequest] = field(default_factory=list)
    fetches: list[tuple[str | None, str, bool]] = field(default_factory=list)

    def schema(self) -> list[dict[str, Any]]:
        return self.classes

    def search(self, request: SearchRequest) -> list[SearchResult]:
        self.searches.append(request)
        answer = self.results.get(request.collection, [])
        if isinstance(answer, Exception):
            raise answer
        return answer

    def aggregate(self, request: AggregateRequest) -> list[dict[str, Any]]:
        self.aggregates.append(request)
        return self.groups

    def get_object(self, class_name: str | None, object_id: str, *, include_vector: bool = False):
        self.fetches.append((class_name, object_id, include_vector))
        obj = self.objects.get(object_id)
        if obj is None or (class_name and obj["class"] != class_name):
            return None
        out = {k: v for k, v in obj.items() if k != "vector"}
        if include_vector and "vector" in obj:
            out["vector"] = obj["vector"]
        return out


def result(object_id: str, collection: str = "Article", **kw: Any) -> SearchResult:
    props = kw.pop("properties", {"title": f"title {object_id[-2:]}"})
    return SearchResult(
        id=object_id,
        collection=collection,
        properties=props,
        creation_time_unix=kw.pop("creation_time_unix", 1700000000000),
        last_update_time_unix=kw.pop("last_update_time_unix", 1700000000001),
        **kw,
    )


@pytest.fixture
def db() -> RecordingDatabase:
    return RecordingDatabase([ARTICLE, AUTHOR, NAMED])


@pytest.fixture
def gql(db: RecordingDatabase) -> GraphQLService:
    return GraphQLService(db)  # type: ignore[arg-type]


def run(gql: GraphQLService, query: str, **body: Any) -> dict[str, Any]:
    return gql.execute({"query": query, **body})


def ok(gql: GraphQLService, query: str, **body: Any) -> dict[str, Any]:
    answer = run(gql, query, **body)
    assert "errors" not in answer, answer
    return answer["data"]


# ---- argument syntax the v3 client writes ----


def test_v3_glued_arguments_bm25_tenant_autocut(gql, db):
    ok(gql, '{Get{Article(bm25:{query: "food"}consistencyLevel: ONE tenant: "t"autocut: 1){title}}}')
    [req] = db.searches
    assert req.bm25 == {"query": "food"}
    assert req.tenant == "t"
    assert req.autocut == 1
    assert req.limit == db.settings.query_defaults_limit_graphql
    assert req.offset == 0


def test_v3_bm25_properties_with_boost_and_limit_offset(gql, db):
    ok(
        gql,
        '{Get{Article(limit: 5 offset: 2 bm25:{query: "a \\"quoted\\" word", properties: ["title^2","tags"]}){title}}}',
    )
    [req] = db.searches
    assert req.bm25 == {"query": 'a "quoted" word', "properties": ["title^2", "tags"]}
    assert (req.limit, req.offset) == (5, 2)


def test_v3_where_leaf_and_operands(gql, db):
    query = (
        '{Get{Article(where: {operator: And operands: [{path: ["wordCount"] operator: GreaterThan valueInt: 10}, '
        '{path: ["title"] operator: Like valueText: "foo*"}, {path: ["price"] operator: LessThanEqual valueNumber: 2.5}, '
        '{path: ["inStock"] operator: Equal valueBoolean: true}, '
        '{path: ["published"] operator: GreaterThanEqual valueDate: "2020-01-01T00:00:00Z"}, '
        '{path: ["id"] operator: NotEqual valueString: "x"}]} ){title}}}'
    )
    ok(gql, query)
    assert db.searches[0].where == {
        "operator": "And",
        "operands": [
            {"operator": "GreaterThan", "path": ["wordCount"], "valueInt": 10},
            {"operator": "Like", "path": ["title"], "valueText": "foo*"},
            {"operator": "LessThanEqual", "path": ["price"], "valueNumber": 2.5},
            {"operator": "Equal", "path": ["inStock"], "valueBoolean": True},
            {"operator": "GreaterThanEqual", "path": ["published"], "valueDate": "2020-01-01T00:00:00Z"},
            {"operator": "NotEqual", "path": ["id"], "valueText": "x"},
        ],
    }


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ('valueText: ["a","b"]', {"valueTextArray": ["a", "b"]}),
        ('valueString: ["a" "b"]', {"valueTextArray": ["a", "b"]}),
        ("valueInt: [1, 2, 3]", {"valueIntArray": [1, 2, 3]}),
        ("valueNumber: [1, 2.5]", {"valueNumberArray": [1.0, 2.5]}),
        ("valueBoolean: [true,false]", {"valueBooleanArray": [True, False]}),
        ('valueDate: ["2020-01-01T00:00:00Z"]', {"valueDateArray": ["2020-01-01T00:00:00Z"]}),
        # the v3 client writes a date list as the Python repr of the list inside one string
        (
            "valueDate: \"['2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z']\"",
            {"valueDateArray": ["2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z"]},
        ),
    ],
)
def test_where_list_values_become_rest_arrays(gql, db, literal, expected):
    ok(gql, '{Get{Article(where: {path: ["tags"] operator: ContainsAny ' + literal + "} ){title}}}")
    assert db.searches[0].where == {"operator": "ContainsAny", "path": ["tags"], **expected}


def test_where_geo_range_and_is_null(gql, db):
    ok(
        gql,
        '{Get{Article(where: {path: ["location"] operator: WithinGeoRange valueGeoRange: '
        "{ geoCoordinates: { latitude: 51.22 longitude: 6.77 } distance: { max: 200000.0 }}} ){title}}}",
    )
    ok(gql, '{Get{Article(where: {path: ["title"] operator: IsNull valueBoolean: false} ){title}}}')
    assert db.searches[0].where == {
        "operator": "WithinGeoRange",
        "path": ["location"],
        "valueGeoRange": {
            "geoCoordinates": {"latitude": 51.22, "longitude": 6.77},
            "distance": {"max": 200000.0},
        },
    }
    assert db.searches[1].where == {"operator": "IsNull", "path": ["title"], "valueBoolean": False}


def test_where_value_of_wrong_kind_is_a_graphql_error(gql, db):
    answer = run(gql, '{Get{Article(where: {path: ["wordCount"] operator: Equal valueInt: "ten"}){title}}}')
    assert answer["errors"] and "WhereValueInt" in answer["errors"][0]["message"]
    answer = run(gql, '{Get{Article(where: {path: ["wordCount"] operator: Equalish valueInt: 1}){title}}}')
    assert answer["errors"]
    assert db.searches == []


def test_v3_sort_list_without_commas(gql, db):
    ok(
        gql,
        '{Get{Article(sort: [{ path: ["wordCount"] order: desc } { path: ["title"] order: asc } ]){title}}}',
    )
    assert db.searches[0].sort == [
        {"path": ["wordCount"], "order": "desc"},
        {"path": ["title"], "order": "asc"},
    ]


def test_sort_single_object_is_coerced_to_a_list(gql, db):
    ok(gql, '{Get{Article(sort: {path: ["title"]}){title}}}')
    assert db.searches[0].sort == [{"path": ["title"]}]


def test_vector_literals_in_every_number_form(gql, db):
    # white space or commas between numbers, exponents, a leading zero (the slow path's), vectors in two places
    ok(gql, "{Get{Article(nearVector: {vector: [1 2,3e1 , -0.5,]}){title}} "
            "Get2: Get{Article(nearVector: {vector: [01, 2.50]}){title}}}")
    assert [r.near_vector for r in db.searches] == [{"vector": [1.0, 2.0, 30.0, -0.5]}, {"vector": [1.0, 2.5]}]


def test_the_internal_vector_scalar_cannot_be_used_by_a_query(gql, db):
    answer = run(gql, "query($v: LiteralVector!) {Get{Article(nearVector: {vector: $v}){title}}}",
                 variables={"v": [1.0, 2.0]})
    assert "LiteralVector" in answer["errors"][0]["message"]
    assert db.searches == []


def test_v3_near_vector_near_object(gql, db):
    ok(gql, "{Get{Article(nearVector: {vector: [0.1, 0.2, 3] certainty: 0.7} limit: 2 ){title}}}")
    ok(gql, f'{{Get{{Article(nearObject: {{id: "{A1}" distance: 0.3}} ){{title}}}}}}')
    ok(gql, f'{{Get{{Article(nearObject: {{beacon: "weaviate://localhost/Article/{A1}"}} ){{title}}}}}}')
    assert db.searches[0].near_vector == {"vector": [0.1, 0.2, 3.0], "certainty": 0.7}
    assert db.searches[1].near_object == {"id": A1, "distance": 0.3}
    assert db.searches[2].near_object == {"beacon": f"weaviate://localhost/Article/{A1}"}


def test_near_text_only_for_classes_with_a_vectorizer(gql, db):
    query = (
        '{Get{Author(nearText: {concepts: ["fashion"] distance: 0.6 moveTo: {force: 0.85 concepts: ["haute couture"]} '
        f'moveAwayFrom: {{force: 0.45 objects: [{{id: "{A1}"}} {{beacon: "weaviate://localhost/Author/{B1}"}} ]}}}} '
        "autocut: 2){name}}}"
    )
    ok(gql, query)
    assert db.searches[0].near_text == {
        "concepts": ["fashion"],
        "distance": 0.6,
        "moveTo": {"force": 0.85, "concepts": ["haute couture"]},
        "moveAwayFrom": {
            "force": 0.45,
            "objects": [{"id": A1}, {"beacon": f"weaviate://localhost/Author/{B1}"}],
        },
    }
    answer = run(gql, '{Get{Article(nearText: {concepts: ["x"]}){title}}}')
    assert "nearText" in answer["errors"][0]["message"]


def test_v3_hybrid_and_searches(gql, db):
    ok(
        gql,
        '{Get{Article(hybrid:{query: "food", vector: [1.0, 2.0], alpha: 0.5, properties: ["title^2","tags"], '
        "fusionType: rankedFusion}){title}}}",
    )
    ok(
        gql,
        '{Get{Article(hybrid:{query: "food" maxVectorDistance: 0.4 bm25SearchOperator: {operator: And} '
        'targetVectors: ["default"] searches: {nearVector: {vector: [1, 0]}}}){title}}}',
    )
    assert db.searches[0].hybrid == {
        "query": "food",
        "vector": [1.0, 2.0],
        "alpha": 0.5,
        "properties": ["title^2", "tags"],
        "fusionType": "rankedFusion",
    }
    second = db.searches[1].hybrid
    assert second["vector"] == [1.0, 0.0]
    assert second["maxVectorDistance"] == 0.4
    assert second["bm25SearchOperator"] == {"operator": "And"}
    assert second["targetVectors"] == ["default"]


def test_search_operator_accepts_quoted_and_unquoted(gql, db):
    ok(
        gql,
        '{Get{Article(bm25:{query: "a b", searchOperator: {operator: "Or", minimumOrTokensMatch: 2}}){title}}}',
    )
    ok(gql, '{Get{Article(bm25:{query: "a b", searchOperator: {operator: And}}){title}}}')
    assert db.searches[0].bm25["searchOperator"] == {"operator": "Or", "minimumOrTokensMatch": 2}
    assert db.searches[1].bm25["searchOperator"] == {"operator": "And"}


def test_v3_group_by_and_after(gql, db):
    ok(
        gql,
        '{Get{Article(nearVector: {vector: [1]} groupBy:{path:["title"], groups:2, objectsPerGroup:3}){title}}}',
    )
    ok(gql, f'{{Get{{Article(limit: 2 after: "{A1}"consistencyLevel: QUORUM ){{title}}}}}}')
    assert db.searches[0].group_by == {"path": ["title"], "groups": 2, "objectsPerGroup": 3}
    assert db.searches[1].after == A1


def test_v3_multi_get_with_aliases(gql, db):
    db.results = {
        "Article": [result(A1), result(A2)],
        "Author": [result(B1, "Author", properties={"name": "Ann"})],
    }
    data = ok(
        gql, "{Get{a: Article(limit: 1 ){title}b: Author(limit: 2 ){name}c: Article(offset: 1){title}}}"
    )
    assert [(r.collection, r.limit, r.offset) for r in db.searches] == [
        ("Article", 1, 0),
        ("Author", 2, 0),
        ("Article", 100, 1),
    ]
    assert data["Get"]["a"] == [{"title": "title a1"}, {"title": "title a2"}]
    assert data["Get"]["b"] == [{"name": "Ann"}]


# ---- _additional ----


def test_additional_fields_render_like_weaviate(gql, db):
    db.results = {
        "Article": [
            result(
                A1, distance=0.25, certainty=0.875, score=1.5, explain_score="bm25 stuff", vector=[1.0, 2.0]
            ),
            result(A2, score=None),
        ]
    }
    data = ok(
        gql,
        "{Get{Article{ _additional {certainty creationTimeUnix distance explainScore id isConsistent "
        "lastUpdateTimeUnix score vector } }}}",
    )
    first, second = data["Get"]["Article"]
    assert first["_additional"] == {
        "certainty": 0.875,
        "creationTimeUnix": "1700000000000",
        "distance": 0.25,
        "explainScore": "bm25 stuff",
        "id": A1,
        "isConsistent": True,
        "lastUpdateTimeUnix": "1700000000001",
        "score": "1.5",
        "vector": [1.0, 2.0],
    }
    assert second["_additional"]["score"] is None
    assert db.searches[0].include_vector is True


def test_vectors_selection_asks_for_named_vectors(gql, db):
    db.results = {"Named": [result(A1, "Named", vectors={"title_vec": [1.0], "body_vec": [2.0]})]}
    data = ok(gql, "{Get{Named{title _additional{vectors{title_vec}}}}}")
    assert db.searches[0].include_vector == ["title_vec"]
    assert data["Get"]["Named"][0]["_additional"] == {"vectors": {"title_vec": [1.0]}}
    ok(gql, "{Get{Named{title _additional{id}}}}")
    assert db.searches[1].include_vector is False


def test_generate_and_rerank_arguments_and_results(gql, db):
    db.results = {
        "Article": [
            result(
                A1, generate={"singleResult": "one", "groupedResult": "all", "error": None}, rerank_score=0.9
            ),
            result(
                A2, generate={"singleResult": "two", "groupedResult": None, "error": None}, rerank_score=0.1
            ),
        ]
    }
    query = (
        '{Get{Article(bm25:{query: "x"}){title _additional { generate(singleResult:{prompt:"Describe {title}"}'
        'groupedResult:{task:"summarize",properties:["title"]}){error groupedResult singleResult} '
        'rerank(property: "title" query: "food"){score} } }}}'
    )
    data = ok(gql, query)
    req = db.searches[0]
    assert req.generate == {
        "singleResult": {"prompt": "Describe {title}"},
        "groupedResult": {"task": "summarize", "properties": ["title"]},
    }
    assert req.rerank == {"property": "title", "query": "food"}
    rows = data["Get"]["Article"]
    assert rows[0]["_additional"]["generate"] == {
        "error": None,
        "groupedResult": "all",
        "singleResult": "one",
    }
    assert rows[1]["_additional"]["rerank"] == [{"score": 0.1}]


def test_generate_block_string_prompt_and_variables(gql, db):
    query = (
        "query Q($p: String!, $n: Int) { Get { Article(limit: $n) { _additional { "
        "generate(singleResult: {prompt: $p}) { singleResult } } } } }\n query Other { Get { Author { name } } }"
    )
    ok(gql, query, variables={"p": "Say {title}", "n": 3}, operationName="Q")
    assert db.searches[0].generate == {"singleResult": {"prompt": "Say {title}"}}
    assert db.searches[0].limit == 3
    ok(
        gql,
        '{Get{Article{_additional{generate(singleResult:{prompt:"""multi\nline {title}"""}){singleResult}}}}}',
    )
    assert db.searches[1].generate == {"singleResult": {"prompt": "multi\nline {title}"}}


def test_group_output_with_hits(gql, db):
    # as the core builds it: the leading result is also the group's first hit, group and all
    leader = result(A1, distance=0.1, vector=[1.0])
    leader.group = {
        "id": 0,
        "groupedBy": {"path": ["title"], "value": "x"},
        "count": 2,
        "maxDistance": 0.2,
        "minDistance": 0.1,
        "hits": [leader, {"title": "plain", "_additional": {"id": A2, "distance": 0.2}}],
    }
    db.results = {"Article": [leader], "Author": []}
    data = ok(
        gql,
        '{Get{Article(nearVector:{vector:[1]} groupBy:{path:["title"] groups:1 objectsPerGroup:2}){'
        "_additional{group{id count maxDistance minDistance groupedBy{path value} "
        "hits{title _additional{id distance vector group{id}}}}}}}}",
    )
    assert db.searches[0].include_vector is True
    out = data["Get"]["Article"][0]["_additional"]["group"]
    assert out["groupedBy"] == {"path": ["title"], "value": "x"}
    assert (out["id"], out["count"], out["maxDistance"], out["minDistance"]) == (0, 2, 0.2, 0.1)
    assert out["hits"] == [
        {"title": "title a1", "_additional": {"id": A1, "distance": 0.1, "vector": [1.0], "group": None}},
        {"title": "plain", "_additional": {"id": A2, "distance": 0.2, "vector": None, "group": None}},
    ]


# ---- property types ----


def test_property_types_render(gql, db):
    props = {
        "title": "t",
        "tags": ["a", "b"],
        "wordCount": 2**40,
        "price": 2.5,
        "inStock": True,
        "published": "2020-01-01T00:00:00Z",
        "location": {"latitude": 51.2, "longitude": 6.7},
        "phone": {
            "input": "020 1234567",
            "internationalFormatted": "+31 20 123 4567",
            "countryCode": 31,
            "national": 201234567,
            "nationalFormatted": "020 123 4567",
            "valid": True,
        },
        "meta": {"source": "web", "inner": {"n": 7}},
    }
    db.results = {"Article": [result(A1, properties=props)]}
    data = ok(
        gql,
        "{Get{Article{title tags wordCount price inStock published location{latitude longitude} "
        "phone{input internationalFormatted countryCode national nationalFormatted valid} meta{source inner{n}}}}}",
    )
    assert data["Get"]["Article"][0] == props


def test_missing_properties_are_null(gql, db):
    db.results = {"Article": [result(A1, properties={})]}
    data = ok(gql, "{Get{Article{title wordCount location{latitude}}}}")
    assert data["Get"]["Article"] == [{"title": None, "wordCount": None, "location": None}]


# ---- cross-references ----


def _ref(cls: str, object_id: str) -> dict[str, str]:
    return {"beacon": f"weaviate://localhost/{cls}/{object_id}"}


def test_references_resolve_through_inline_fragments(gql, db):
    db.objects = {
        B1: {
            "class": "Author",
            "id": B1,
            "properties": {"name": "Ann"},
            "creationTimeUnix": 5,
            "lastUpdateTimeUnix": 6,
            "vector": [0.5],
        },
        A2: {
            "class": "Article",
            "id": A2,
            "properties": {"title": "other", "hasAuthor": [_ref("Author", B1)]},
            "creationTimeUnix": 7,
            "lastUpdateTimeUnix": 8,
        },
    }
    props = {
        "title": "t",
        "hasAuthor": [_ref("Author", B1), _ref("Author", MISSING)],
        "related": [_ref("Article", A2), _ref("Author", B1)],
    }
    db.results = {"Article": [result(A1, properties=props)]}
    data = ok(
        gql,
        "{Get{Article{title hasAuthor {... on Author {name _additional { id creationTimeUnix vector }}} "
        "related { ... on Article { title hasAuthor { ... on Author { name } } } ... on Author { name } } }}}",
    )
    row = data["Get"]["Article"][0]
    assert row["hasAuthor"] == [
        {"name": "Ann", "_additional": {"id": B1, "creationTimeUnix": "5", "vector": [0.5]}}
    ]
    assert row["related"] == [{"title": "other", "hasAuthor": [{"name": "Ann"}]}, {"name": "Ann"}]
    assert ("Author", B1, True) in db.fetches


def test_reference_fragment_with_named_fragment_and_typename(gql, db):
    db.objects = {
        B1: {
            "class": "Author",
            "id": B1,
            "properties": {"name": "Ann"},
            "creationTimeUnix": 1,
            "lastUpdateTimeUnix": 1,
        }
    }
    db.results = {"Article": [result(A1, properties={"hasAuthor": [_ref("Author", B1)]})]}
    data = ok(
        gql,
        "fragment A on Author { name __typename } { Get { Article { hasAuthor { ...A } } } }",
    )
    assert data["Get"]["Article"][0]["hasAuthor"] == [{"name": "Ann", "__typename": "Author"}]
    assert db.fetches == [("Author", B1, False)]


def test_reference_property_without_value_is_null(gql, db):
    db.results = {"Article": [result(A1, properties={"title": "x"})]}
    data = ok(gql, "{Get{Article{hasAuthor{... on Author{name}}}}}")
    assert data["Get"]["Article"][0]["hasAuthor"] is None


# ---- errors ----


def test_core_errors_are_graphql_errors_and_other_fields_still_run(gql, db):
    db.results = {
        "Article": UserError("nearVector: vector lengths don't match"),
        "Author": [result(B1, "Author", properties={"name": "Ann"})],
    }
    answer = run(gql, "{Get{Article(nearVector:{vector:[1]}){title} Author{name}}}")
    assert answer["data"]["Get"]["Article"] is None
    assert answer["data"]["Get"]["Author"] == [{"name": "Ann"}]
    [error] = answer["errors"]
    assert error["message"] == "nearVector: vector lengths don't match"
    assert error["path"] == ["Get", "Article"]
    db.results = {"Article": ValueError("bad value")}
    assert run(gql, "{Get{Article{title}}}")["errors"][0]["message"] == "bad value"


def test_validation_errors(gql, db):
    for query in ("{Get{Nope{title}}}", "{Get{Article{nope}}}", "{Get{Article(bogus: 1){title}}}", "{Get{"):
        answer = run(gql, query)
        assert "data" not in answer and answer["errors"], query
    assert db.searches == []


def test_bad_variables_are_graphql_errors(gql):
    answer = run(gql, "query($n: Int){Get{Article(limit: $n){title}}}", variables=[1])
    assert answer["errors"][0]["message"] == "'variables' must be a JSON object"
    answer = run(gql, "query($n: Int){Get{Article(limit: $n){title}}}", variables={"n": "x"})
    assert answer["errors"]


# ---- caches ----


def test_documents_are_cached_per_schema_version(gql, db):
    query = "{Get{Article{title}}}"
    ok(gql, query)
    ok(gql, query)
    assert (gql.schema_builds, gql.document_builds) == (1, 1)
    db.classes = [
        ARTICLE,
        AUTHOR,
        NAMED,
        {"class": "Fresh", "properties": [{"name": "x", "dataType": ["text"]}]},
    ]
    assert run(gql, "{Get{Fresh{x}}}")["errors"]  # the cached schema does not know Fresh yet
    db.schema_version += 1
    ok(gql, query)
    ok(gql, "{Get{Fresh{x}}}")
    assert gql.schema_builds == 2
    assert gql.document_builds == 4


def test_document_cache_is_bounded(db):
    gql = GraphQLService(db, document_cache_size=3)  # type: ignore[arg-type]
    for limit in range(5):
        ok(gql, f"{{Get{{Article(limit: {limit}){{title}}}}}}")
    ok(gql, "{Get{Article(limit: 4){title}}}")
    assert gql.document_builds == 5
    ok(gql, "{Get{Article(limit: 0){title}}}")
    assert gql.document_builds == 6


def test_parse_lenient_separates_numbers_glued_to_names():
    doc = parse_lenient('{Aggregate{C(objectLimit: 100tenant: "t"limit: 5){meta{count}}}}')
    args = doc.definitions[0].selection_set.selections[0].selection_set.selections[0].arguments
    assert [(a.name.value, getattr(a.value, "value", None)) for a in args] == [
        ("objectLimit", "100"),
        ("tenant", "t"),
        ("limit", "5"),
    ]
    with pytest.raises(Exception, match="Syntax Error"):
        parse_lenient("{Get{C(limit: 1e){x}}}")


# ---- Aggregate ----


def test_v3_aggregate_request_and_output(gql, db):
    db.groups = [
        {
            "meta": {"count": 3},
            "groupedBy": {"path": ["title"], "value": "x"},
            "wordCount": {"count": 3, "sum": 6.0, "mean": 2.0, "maximum": 3.0, "minimum": 1.0},
            "title": {"topOccurrences": [{"value": "x", "occurs": 3}]},
            "inStock": {"totalTrue": 2, "percentageTrue": 0.6666},
            "published": {"minimum": "2020-01-01T00:00:00Z"},
            "hasAuthor": {"type": "cref", "pointingTo": ["Author"]},
        }
    ]
    query = (
        '{Aggregate{Article(where: {path: ["wordCount"] operator: GreaterThan valueInt: 0} groupBy: ["title"]'
        'nearVector: {vector: [1.0, 0.0]} objectLimit: 100tenant: "t"limit: 5){meta{count}'
        "wordCount { count sum mean maximum minimum }title{topOccurrences(limit: 3){value occurs}}"
        "inStock{totalTrue percentageTrue} published{minimum} hasAuthor{type pointingTo}"
        "groupedBy { path value }}}}"
    )
    data = ok(gql, query)
    [req] = db.aggregates
    assert req.collection == "Article"
    assert req.fields == {
        "wordCount": ["count", "sum", "mean", "maximum", "minimum"],
        "title": ["topOccurrences"],
        "inStock": ["totalTrue", "percentageTrue"],
        "published": ["minimum"],
        "hasAuthor": ["type", "pointingTo"],
    }
    assert req.top_occurrences_limit == {"title": 3}
    assert req.meta_count is True
    assert req.where == {"operator": "GreaterThan", "path": ["wordCount"], "valueInt": 0}
    assert (req.group_by, req.object_limit, req.tenant, req.limit) == (["title"], 100, "t", 5)
    assert req.near_vector == {"vector": [1.0, 0.0]}
    assert data["Aggregate"]["Article"] == db.groups


def test_aggregate_meta_only_and_type_checks(gql, db):
    db.groups = [{"meta": {"count": 0}}]
    assert ok(gql, "{Aggregate{Article{meta{count}}}}")["Aggregate"]["Article"] == [{"meta": {"count": 0}}]
    assert db.aggregates[0].fields == {}
    # metrics belong to their data type: text has no mean, geo cannot be aggregated at all
    assert run(gql, "{Aggregate{Article{title{mean}}}}")["errors"]
    assert run(gql, "{Aggregate{Article{location{count}}}}")["errors"]
    answer = run(gql, '{Aggregate{Author(nearText:{concepts:["x"]} objectLimit: 2){meta{count}}}}')
    assert "errors" not in answer
    assert db.aggregates[-1].near_text == {"concepts": ["x"]}


# ---- Explore refusals (search-free) ----


def test_explore_refuses_mixed_metrics_and_certainty_on_non_cosine(db):
    db.classes = [
        {"class": "A", "vectorIndexConfig": {"distance": "cosine"}, "properties": []},
        {"class": "B", "vectorIndexConfig": {"distance": "l2-squared"}, "properties": []},
    ]
    gql = GraphQLService(db)  # type: ignore[arg-type]
    answer = run(gql, "{Explore(nearVector:{vector:[1,0]}){className}}")
    assert "different distance metrics" in answer["errors"][0]["message"]
    db.classes = [db.classes[1]]
    db.schema_version += 1
    answer = run(gql, "{Explore(nearVector:{vector:[1,0] certainty: 0.5}){className}}")
    assert "certainty" in answer["errors"][0]["message"]
    assert db.searches == []
    answer = run(gql, "{Explore(limit: 1){className}}")
    assert "exactly one of" in answer["errors"][0]["message"]


def test_explore_merges_classes_by_distance(db):
    db.classes = [
        {"class": "A", "vectorIndexConfig": {"distance": "cosine"}, "properties": []},
        {"class": "B", "vectorIndexConfig": {"distance": "cosine"}, "properties": []},
        {"class": "C", "vectorConfig": {"v": {"vectorizer": {"none": {}}}}, "properties": []},
        {"class": "D", "vectorIndexConfig": {"distance": "cosine"}, "properties": []},
    ]
    db.results = {
        "A": [result(A1, "A", distance=0.1, certainty=0.95), result(A2, "A", distance=0.5, certainty=0.75)],
        "B": [result(B1, "B", distance=0.3, certainty=0.85)],
        "D": UserError("nearVector: vector lengths don't match: the query has 2 dimensions"),
    }
    gql = GraphQLService(db)  # type: ignore[arg-type]
    data = ok(
        gql, "{Explore(nearVector:{vector:[1,0]} limit: 2 offset: 1){className beacon distance certainty}}"
    )
    assert data["Explore"] == [
        {"className": "B", "beacon": f"weaviate://localhost/B/{B1}", "distance": 0.3, "certainty": 0.85},
        {"className": "A", "beacon": f"weaviate://localhost/A/{A2}", "distance": 0.5, "certainty": 0.75},
    ]
    assert sorted(r.collection for r in db.searches) == ["A", "B", "D"]
    assert all(r.limit == 3 and r.near_vector == {"vector": [1.0, 0.0]} for r in db.searches)


# ---- vector literals ----


def test_vector_literals_are_cut_out_outside_strings_and_comments():
    query = (
        '{Get{Article(nearVector:{vector:[0.1, -2, 3e-5] certainty: 0.7} bm25:{query: "vector: [1,2]"}){title}} # vector: [9]\n'
        'x: Get{Article(hybrid:{query:"""vector: [3]""" vector: [1 2 3,]}){title}}}'
    )
    reduced, vectors = extract_vectors(query)
    assert vectors == [[0.1, -2.0, 3e-05], [1.0, 2.0, 3.0]]
    assert reduced == (
        '{Get{Article(nearVector:{vector:$_vdbvec0 certainty: 0.7} bm25:{query: "vector: [1,2]"}){title}} # vector: [9]\n'
        'x: Get{Article(hybrid:{query:"""vector: [3]""" vector: $_vdbvec1}){title}}}'
    )
    assert extract_vectors("{Get{Article{_additional{vector}}}}") == (
        "{Get{Article{_additional{vector}}}}",
        [],
    )


def test_queries_differing_only_in_vectors_share_one_document(gql, db):
    for vector in ([0.5, 1.0], [2, 3, 4], [-1e-3]):
        ok(gql, f"{{Get{{Article(nearVector: {{vector: {vector} distance: 0.5}}){{title}}}}}}")
    assert [r.near_vector for r in db.searches] == [
        {"vector": [0.5, 1.0], "distance": 0.5},
        {"vector": [2.0, 3.0, 4.0], "distance": 0.5},
        {"vector": [-0.001], "distance": 0.5},
    ]
    assert gql.document_builds == 1


def test_vector_literals_with_user_variables_fragments_and_operations(gql, db):
    query = (
        "fragment F on GetObjectsObj { Article(limit: $n nearVector: {vector: [1, 2]}) { title } }\n"
        "query A($n: Int) { Get { ...F } }\n"
        'query B { Get { Author(hybrid: {query: "x" vector: [3]}) { name } } }'
    )
    ok(gql, query, variables={"n": 2}, operationName="A")
    ok(gql, query, operationName="B")
    assert (db.searches[0].limit, db.searches[0].near_vector) == (2, {"vector": [1.0, 2.0]})
    assert db.searches[1].hybrid == {"query": "x", "vector": [3.0]}
