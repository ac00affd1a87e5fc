"""Collections, objects, batches and errors through the Client, embedded and over HTTP alike."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pytest

from vectordb.client import (
    Client,
    DataObject,
    DataType,
    Filter,
    NamedVector,
    Property,
    ReferenceProperty,
    VectordbError,
)


def _articles(client: Client):
    return client.collections.create(
        "Article",
        properties=[
            Property("title", DataType.TEXT),
            Property("words", DataType.INT),
            Property("published", DataType.DATE),
        ],
        vectorizer="none",
    )


# collections -----------------------------------------------------------------------------------------


def test_create_get_list_delete(client: Client) -> None:
    articles = _articles(client)
    assert articles.name == "Article"
    assert client.collections.exists("Article")
    assert client.collections.exists("article")  # names are capitalized like the server does
    assert not client.collections.exists("Nope")

    config = articles.config.get()
    assert config["class"] == "Article"
    assert config["vectorizer"] == "none"
    types = {p["name"]: p["dataType"] for p in config["properties"]}
    assert types == {"title": ["text"], "words": ["int"], "published": ["date"]}

    client.collections.create_from_dict(
        {"class": "Author", "properties": [{"name": "name", "dataType": ["text"]}]}
    )
    assert sorted(client.collections.list_all()) == ["Article", "Author"]
    assert client.collections.list_all()["Author"]["properties"][0]["name"] == "name"

    client.collections.delete("Author")
    assert sorted(client.collections.list_all()) == ["Article"]
    client.collections.delete_all()
    assert client.collections.list_all() == {}
    assert not articles.exists()


def test_create_duplicate_is_refused(client: Client) -> None:
    _articles(client)
    with pytest.raises(VectordbError) as err:
        _articles(client)
    assert err.value.status == 422
    assert "already exists" in err.value.message


def test_config_of_missing_collection(client: Client) -> None:
    with pytest.raises(VectordbError) as err:
        client.collections.get("Ghost").config.get()
    assert err.value.status == 404


def test_add_property_and_update(client: Client) -> None:
    articles = _articles(client)
    added = articles.config.add_property(Property("tags", DataType.TEXT_ARRAY))
    assert added["dataType"] == ["text[]"]
    assert "tags" in {p["name"] for p in articles.config.get()["properties"]}

    updated = articles.config.update(description="news", vector_index_config={"ef": 77})
    assert updated["description"] == "news"
    assert updated["vectorIndexConfig"]["ef"] == 77
    # the rest of the index config is kept
    assert updated["vectorIndexConfig"]["distance"] == articles.config.get()["vectorIndexConfig"]["distance"]
    assert articles.config.get()["vectorIndexConfig"]["ef"] == 77


def test_immutable_update_is_refused(client: Client) -> None:
    articles = _articles(client)
    with pytest.raises(VectordbError) as err:
        articles.config.update(vector_index_config={"distance": "dot"})
    assert err.value.status == 422


# objects ---------------------------------------------------------------------------------------------


def test_insert_get_update_replace_delete(client: Client) -> None:
    articles = _articles(client)
    when = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
    oid = articles.data.insert({"title": "Hello", "words": 3, "published": when}, vector=[0.1, 0.2, 0.3])
    assert uuid.UUID(oid)

    got = articles.data.get(oid, include_vector=True)
    assert got is not None
    assert got.uuid == oid and got.collection == "Article"
    assert got.properties["title"] == "Hello" and got.properties["words"] == 3
    assert dt.datetime.fromisoformat(got.properties["published"].replace("Z", "+00:00")) == when
    assert got.vector == pytest.approx([0.1, 0.2, 0.3], rel=1e-6)
    assert got.creation_time is not None and got.update_time is not None
    assert articles.data.get(oid).vectors == {}
    assert articles.data.exists(oid)

    articles.data.update(oid, {"words": 5})  # merge keeps the other properties
    merged = articles.data.get(oid, include_vector=True)
    assert merged.properties["title"] == "Hello" and merged.properties["words"] == 5
    assert merged.vector == pytest.approx([0.1, 0.2, 0.3], rel=1e-6)

    articles.data.replace(oid, {"title": "Bye"}, vector=[1.0, 0.0, 0.0])
    replaced = articles.data.get(oid, include_vector=True)
    assert replaced.properties == {"title": "Bye"}
    assert replaced.vector == [1.0, 0.0, 0.0]

    assert articles.data.delete(oid) is True
    assert articles.data.delete(oid) is False
    assert articles.data.get(oid) is None
    assert not articles.data.exists(oid)


def test_insert_with_given_uuid_and_numpy_vector(client: Client) -> None:
    articles = _articles(client)
    given = uuid.uuid4()
    oid = articles.data.insert({"title": "x"}, uuid=given, vector=np.array([0.5, 0.25], dtype=np.float64))
    assert oid == str(given)
    assert articles.data.get(given, include_vector=True).vector == [0.5, 0.25]


def test_insert_wrong_type_fails_the_same_way(client: Client) -> None:
    articles = _articles(client)
    with pytest.raises(VectordbError) as err:
        articles.data.insert({"words": "many"})
    assert err.value.status == 422
    assert "words" in err.value.message


def test_update_of_missing_object(client: Client) -> None:
    articles = _articles(client)
    with pytest.raises(VectordbError) as err:
        articles.data.update(uuid.uuid4(), {"words": 1})
    assert err.value.status == 404


def test_objects_of_missing_collection(client: Client) -> None:
    ghost = client.collections.get("Ghost")
    with pytest.raises(VectordbError) as err:
        ghost.data.get(uuid.uuid4())
    assert err.value.status == 404
    with pytest.raises(VectordbError) as err:
        ghost.query.fetch_objects()
    assert err.value.status == 404


def test_named_vectors(client: Client) -> None:
    docs = client.collections.create(
        "Doc",
        properties=[Property("title", DataType.TEXT)],
        vector_config=[NamedVector("a"), NamedVector("b", vector_index_config={"distance": "l2-squared"})],
    )
    oid = docs.data.insert({"title": "t"}, vector={"a": [1.0, 0.0], "b": [0.0, 1.0, 0.0]})
    got = docs.data.get(oid, include_vector=True)
    assert got.vectors == {"a": [1.0, 0.0], "b": [0.0, 1.0, 0.0]}
    assert got.vector is None  # two named vectors: no single default


def test_reference_add(client: Client) -> None:
    authors = client.collections.create(
        "Author", properties=[Property("name", DataType.TEXT)], vectorizer="none"
    )
    books = client.collections.create(
        "Book",
        properties=[Property("title", DataType.TEXT), ReferenceProperty("writtenBy", "Author")],
        vectorizer="none",
    )
    ann = authors.data.insert({"name": "Ann"})
    bob = authors.data.insert({"name": "Bob"})
    book = books.data.insert({"title": "B"})
    books.data.reference_add(book, "writtenBy", ann)
    books.data.reference_add(book, "writtenBy", [bob], to_collection="Author")
    refs = books.data.get(book).properties["writtenBy"]
    assert [r["beacon"] for r in refs] == [
        f"weaviate://localhost/Author/{ann}",
        f"weaviate://localhost/Author/{bob}",
    ]
    with pytest.raises(VectordbError):
        books.data.reference_add(book, "writtenBy", uuid.uuid4())


# batches ---------------------------------------------------------------------------------------------


def test_insert_many_with_one_bad_object(client: Client) -> None:
    articles = _articles(client)
    rng = np.random.default_rng(7)
    objects = [
        {"properties": {"title": f"t{i}", "words": i}, "vector": rng.random(4).astype(np.float32)}
        for i in range(10)
    ]
    objects[4] = {"properties": {"title": "bad", "words": "not a number"}, "vector": rng.random(4)}
    result = articles.data.insert_many(objects, batch_size=3)

    assert result.has_errors
    assert list(result.errors) == [4]
    assert "words" in result.errors[4]
    assert sorted(result.uuids) == [i for i in range(10) if i != 4]
    assert result.elapsed > 0
    for index, oid in result.uuids.items():
        stored = articles.data.get(oid, include_vector=True)
        assert stored.properties["words"] == index
        assert stored.vector == pytest.approx(objects[index]["vector"].tolist(), rel=1e-6)
    assert len(articles.query.fetch_objects(limit=100).objects) == 9


def test_insert_many_input_forms(client: Client) -> None:
    articles = _articles(client)
    given = str(uuid.uuid4())
    result = articles.data.insert_many(
        [
            {"title": "plain dict", "words": 1},
            DataObject(properties={"title": "data object"}, uuid=given, vector=[0.0, 1.0]),
            {"properties": {"title": "wrapped"}, "vector": [1.0, 0.0]},
        ]
    )
    assert not result.has_errors
    assert result.uuids[1] == given
    assert articles.data.get(result.uuids[0]).properties == {"title": "plain dict", "words": 1}
    assert articles.data.get(given, include_vector=True).vector == [0.0, 1.0]
    assert articles.data.get(result.uuids[2]).properties == {"title": "wrapped"}


def test_insert_many_dimension_mismatch_fails_only_that_object(client: Client) -> None:
    articles = _articles(client)
    result = articles.data.insert_many(
        [DataObject({"title": "a"}, vector=[1.0, 0.0]), DataObject({"title": "b"}, vector=[1.0, 0.0, 0.0])]
    )
    assert list(result.errors) == [1]
    assert list(result.uuids) == [0]


def test_insert_many_progress_bar(client: Client) -> None:
    articles = _articles(client)
    result = articles.data.insert_many([{"title": str(i)} for i in range(5)], batch_size=2, progress=True)
    assert sorted(result.uuids) == [0, 1, 2, 3, 4]


def test_delete_many(client: Client) -> None:
    articles = _articles(client)
    result = articles.data.insert_many([{"title": f"t{i}", "words": i} for i in range(20)])
    assert not result.has_errors

    dry = articles.data.delete_many(Filter.by_property("words").less_than(5), dry_run=True)
    assert dry["matches"] == 5 and dry["successful"] == 0
    assert len(articles.query.fetch_objects(limit=100).objects) == 20

    done = articles.data.delete_many(
        Filter.by_property("words").less_than(5) | Filter.by_property("words").greater_or_equal(18)
    )
    assert (done["matches"], done["successful"], done["failed"]) == (7, 7, 0)
    left = sorted(o.properties["words"] for o in articles.query.fetch_objects(limit=100).objects)
    assert left == list(range(5, 18))
    # raw WhereFilter dicts work too
    raw = articles.data.delete_many({"operator": "Equal", "path": ["words"], "valueInt": 10})
    assert raw["successful"] == 1


def test_client_lifecycle(client: Client) -> None:
    assert client.is_ready()
    assert "version" in client.get_meta()
