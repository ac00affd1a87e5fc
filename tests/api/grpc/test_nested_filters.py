"""Filters on sub-properties of object / object[] properties through the official v4 client (gRPC Search).

Weaviate's nested filtering: leaves are existential over array elements, leaves under one operator correlate at
their common object path, `name[N]` pins an element, Not inverts at the correlated element.
"""

from __future__ import annotations

import pytest
from weaviate.classes.config import Configure, DataType, Property, Tokenization
from weaviate.classes.query import Filter
from weaviate.exceptions import WeaviateQueryError

CAR = [
    Property(name="make", data_type=DataType.TEXT, tokenization=Tokenization.FIELD),
    Property(name="model", data_type=DataType.TEXT, tokenization=Tokenization.WORD),
    Property(name="color", data_type=DataType.TEXT, tokenization=Tokenization.FIELD),
    Property(name="year", data_type=DataType.INT),
    Property(name="delivered", data_type=DataType.DATE),
    Property(name="codes", data_type=DataType.TEXT_ARRAY, tokenization=Tokenization.FIELD),
    Property(name="tags", data_type=DataType.TEXT_ARRAY, tokenization=Tokenization.WORD),
    Property(name="tires", data_type=DataType.OBJECT_ARRAY,
             nested_properties=[Property(name="width", data_type=DataType.INT)]),
]  # fmt: skip
GARAGE = [
    Property(name="city", data_type=DataType.TEXT, tokenization=Tokenization.FIELD),
    Property(name="cars", data_type=DataType.OBJECT_ARRAY, nested_properties=CAR),
]


def car(make: str = "Toyota", color: str = "red", **more: object) -> dict:
    return {"make": make, "color": color, "model": "Camry Hybrid", "year": 2020,
            "delivered": "2020-03-15T00:00:00Z", "codes": ["A", "B"], "tags": ["family car"],
            "tires": [{"width": 215}], **more}  # fmt: skip


@pytest.fixture
def garages(client):
    coll = client.collections.create(
        "Garages",
        properties=[
            Property(name="category", data_type=DataType.TEXT, tokenization=Tokenization.FIELD),
            Property(name="cars", data_type=DataType.OBJECT_ARRAY, nested_properties=CAR),
            Property(name="garages", data_type=DataType.OBJECT_ARRAY, nested_properties=GARAGE),
            Property(name="garage", data_type=DataType.OBJECT, nested_properties=GARAGE),
        ],
        vector_config=Configure.Vectors.self_provided(),
    )
    return coll


def ids(coll, filters) -> set:
    return {o.uuid for o in coll.query.fetch_objects(filters=filters, limit=100).objects}


def test_a_leaf_is_existential_over_the_elements(garages) -> None:
    toyota = garages.data.insert({"cars": [car("Honda"), car("Toyota")]})
    honda = garages.data.insert({"cars": [car("Honda")]})
    empty = garages.data.insert({"cars": []})
    assert ids(garages, Filter.by_property("cars.make").equal("Toyota")) == {toyota}
    assert ids(garages, Filter.by_property("cars.make").not_equal("Toyota")) == {toyota, honda}
    assert ids(garages, Filter.by_property("cars.year").greater_than(2019)) == {toyota, honda}
    before_2021 = Filter.by_property("cars.delivered").less_than("2021-01-01T00:00:00Z")
    assert ids(garages, before_2021) == {toyota, honda}
    assert empty not in ids(garages, Filter.by_property("cars.make").is_none(True))


def test_and_correlates_at_the_common_element(garages) -> None:
    same = garages.data.insert({"garages": [{"city": "A", "cars": [car("Toyota", "red")]}]})
    split_cars = garages.data.insert({"garages": [{"city": "A", "cars": [car("Toyota", "blue"),
                                                                         car("Honda", "green")]}]})  # fmt: skip
    split_garages = garages.data.insert({"garages": [{"city": "A", "cars": [car("Toyota", "blue")]},
                                                     {"city": "B", "cars": [car("Honda", "red")]}]})  # fmt: skip
    both = Filter.all_of([Filter.by_property("garages.cars.make").equal("Toyota"),
                          Filter.by_property("garages.cars.color").equal("red")])  # fmt: skip
    assert ids(garages, both) == {same}
    # Not inverts at the same element: some car is not a red Toyota.
    assert ids(garages, Filter.not_(both)) == {split_cars, split_garages}
    # Correlated at the garage: city A with a red car.
    city = Filter.all_of([Filter.by_property("garages.city").equal("A"),
                          Filter.by_property("garages.cars.color").equal("red")])  # fmt: skip
    assert ids(garages, city) == {same}
    # A flat leaf makes the AND document-level.
    flat = garages.data.insert({"category": "x", "cars": [car("Toyota")]})
    mixed = Filter.all_of([Filter.by_property("category").equal("x"),
                           Filter.by_property("cars.make").equal("Toyota")])  # fmt: skip
    assert ids(garages, mixed) == {flat}


def test_pins_select_one_element(garages) -> None:
    first = garages.data.insert({"cars": [car("Toyota", "red"), car("Honda", "blue")]})
    second = garages.data.insert({"cars": [car("Honda", "blue"), car("Toyota", "red")]})
    assert ids(garages, Filter.by_property("cars[0].make").equal("Toyota")) == {first}
    assert ids(garages, Filter.by_property("cars[1].make").equal("Toyota")) == {second}
    assert ids(garages, Filter.by_property("cars[2].make").is_none(True)) == set()


def test_text_and_array_leaves(garages) -> None:
    one_tag = garages.data.insert({"cars": [car(tags=["family hybrid car"], codes=["A", "B"])]})
    split = garages.data.insert({"cars": [car(tags=["family sedan", "hybrid"], codes=["A"]), car(codes=["B"])]})
    assert ids(garages, Filter.by_property("cars.tags").contains_any(["family hybrid"])) == {one_tag}
    assert ids(garages, Filter.by_property("cars.codes").contains_all(["A", "B"])) == {one_tag}
    assert ids(garages, Filter.by_property("cars.codes").contains_none(["A"])) == {one_tag, split}
    assert ids(garages, Filter.by_property("cars.model").like("Hyb*")) == {one_tag, split}
    assert ids(garages, Filter.by_property("garage.cars.make").equal("Toyota")) == set()


def test_invalid_nested_filters_are_refused(garages) -> None:
    for path, message in [
        ("nothing.make", "no such prop"), ("cars", "dot notation"), ("cars.nothing", "sub-property .* not found"),
        ("cars.make[0]", "indexing requires an array type"), ("cars.tires", "filtering on object types"),
        ("cars.make.x", r"must be object or object\[\]"),
    ]:  # fmt: skip
        with pytest.raises(WeaviateQueryError, match=message):
            garages.query.fetch_objects(filters=Filter.by_property(path).equal("X"))
    with pytest.raises(WeaviateQueryError, match="property length filtering is not supported"):
        garages.query.fetch_objects(filters=Filter.by_property("cars", length=True).equal(1))
