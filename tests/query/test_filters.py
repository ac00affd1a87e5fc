"""Where filters end to end: REST WhereFilter JSON over real LMDB indexes, checked against brute force."""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import uuid
from typing import Any

import pytest
from pyroaring import BitMap

from storage.inverted import ONLY_STOPWORDS, InvertedIndex
from storage.kv import KV
from storage.tokenize import Stopwords, tokenize, tokenize_with_wildcards
from vectordb.query.filters import evaluate, validate

FLAGS = {"indexNullState": True, "indexPropertyLength": True, "indexTimestamps": True}
COUNTRY = {
    "class": "Country",
    "properties": [{"name": "name", "dataType": ["text"]}],
    "invertedIndexConfig": FLAGS,
}
CITY = {
    "class": "City",
    "properties": [
        {"name": "name", "dataType": ["text"]},
        {"name": "population", "dataType": ["int"]},
        {"name": "location", "dataType": ["geoCoordinates"]},
        {"name": "inCountry", "dataType": ["Country"]},
    ],
    "invertedIndexConfig": FLAGS,
}
TOKENIZATION = {"title": "word", "tags": "word", "category": "field", "notes": "word", "code": "lowercase"}
ARTICLE = {
    "class": "Article",
    "properties": [
        {"name": "title", "dataType": ["text"], "tokenization": "word"},
        {"name": "tags", "dataType": ["text[]"], "tokenization": "word"},
        {"name": "category", "dataType": ["text"], "tokenization": "field"},
        {"name": "code", "dataType": ["text"], "tokenization": "lowercase"},
        {"name": "notes", "dataType": ["text"], "indexFilterable": False},
        {"name": "hidden", "dataType": ["text"], "indexFilterable": False, "indexSearchable": False},
        {"name": "wordCount", "dataType": ["int"]},
        {"name": "counts", "dataType": ["int[]"]},
        {"name": "rating", "dataType": ["number"]},
        {"name": "scores", "dataType": ["number[]"]},
        {"name": "isDraft", "dataType": ["boolean"]},
        {"name": "flags", "dataType": ["boolean[]"]},
        {"name": "published", "dataType": ["date"]},
        {"name": "dates", "dataType": ["date[]"]},
        {"name": "source", "dataType": ["uuid"]},
        {"name": "sources", "dataType": ["uuid[]"]},
        {"name": "location", "dataType": ["geoCoordinates"]},
        {"name": "ofCity", "dataType": ["City"]},
        {"name": "phone", "dataType": ["phoneNumber"]},
        {"name": "meta", "dataType": ["object"], "nestedProperties": [{"name": "a", "dataType": ["text"]}]},
    ],
    "invertedIndexConfig": {**FLAGS, "stopwords": {"preset": "en"}},
}
STOP = Stopwords({"preset": "en"})
WORDS = ["the", "Quick", "brown", "fox", "New", "York", "to", "be", "apple", "banana", "café", "Straße", "x"]
CATEGORIES = ["News", "news", "Sports Cars", "Opinion piece", "Science"]
DATES = ["2020-01-01T00:00:00Z", "2020-01-01T02:00:00+02:00", "2021-06-15T12:30:00Z", "1999-12-31T23:59:59Z",
         "2024-02-29T08:00:00.25Z"]  # fmt: skip
UUIDS = [str(uuid.UUID(int=i * 104729 + 3)) for i in range(6)]
COUNTRIES = ["Germany", "Netherlands", "France"]
CITIES = [  # name, population, lat, lon, country index (None: no reference)
    ("Dusseldorf", 600000, 51.225556, 6.782778, 0),
    ("Berlin", 3470000, 52.520008, 13.404954, 0),
    ("Amsterdam", 1800000, 52.366667, 4.9, 1),
    ("Rotterdam", 600000, 51.9225, 4.47917, 1),
    ("Paris", 2100000, 48.8566, 2.3522, 2),
    ("Atlantis", 0, 0.0, 0.0, None),
]


class Coll:
    """One collection: an LMDB environment, its index, and the objects as dicts for brute force."""

    def __init__(self, path, class_def: dict) -> None:
        self.class_def = class_def
        self.kv = KV(path)
        self.index = InvertedIndex(self.kv, class_def)
        self.docs: dict[int, dict[str, Any]] = {}
        self.uuids: dict[int, str] = {}

    def add(self, objects: list[tuple[str, dict[str, Any]]], ms: int = 1_600_000_000_000) -> None:
        changes = []
        for uid, props in objects:
            docid = len(self.uuids)
            self.uuids[docid] = uid
            full = {
                **props,
                "_id": uid,
                "_creationTimeUnix": ms + docid,
                "_lastUpdateTimeUnix": ms + 2 * docid,
            }
            self.docs[docid] = full
            changes.append((docid, None, full))
        self.kv.write(lambda txn: self.index.write(txn, changes))


@pytest.fixture(scope="module")
def colls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Coll]:
    rng = random.Random(99)
    out = {c["class"]: Coll(tmp_path_factory.mktemp(c["class"]), c) for c in (COUNTRY, CITY, ARTICLE)}
    country_ids = [str(uuid.UUID(int=1000 + i)) for i in range(len(COUNTRIES))]
    out["Country"].add([(u, {"name": n}) for u, n in zip(country_ids, COUNTRIES, strict=True)])
    city_ids = [str(uuid.UUID(int=2000 + i)) for i in range(len(CITIES))]
    cities = []
    for uid, (name, pop, lat, lon, country) in zip(city_ids, CITIES, strict=True):
        props: dict[str, Any] = {
            "name": name,
            "population": pop,
            "location": {"latitude": lat, "longitude": lon},
        }
        if country is not None:
            props["inCountry"] = [{"beacon": f"weaviate://localhost/Country/{country_ids[country]}"}]
        cities.append((uid, props))
    out["City"].add(cities)
    articles = [(str(uuid.UUID(int=rng.getrandbits(128))), random_article(rng, city_ids)) for _ in range(250)]
    out["Article"].add(articles[:120])
    out["Article"].add(articles[120:])
    yield out
    for c in out.values():
        c.kv.close()


def sentence(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def random_article(rng: random.Random, city_ids: list[str]) -> dict[str, Any]:
    makers = {
        "title": lambda: sentence(rng, 0, 5),
        "tags": lambda: [sentence(rng, 1, 2) for _ in range(rng.randint(0, 3))],
        "category": lambda: rng.choice(CATEGORIES),
        "code": lambda: rng.choice(["A-1", "a-1", "B-2 c", "x"]),
        "notes": lambda: sentence(rng, 1, 4),
        "hidden": lambda: sentence(rng, 1, 2),
        "wordCount": lambda: rng.randint(-5, 30),
        "counts": lambda: [rng.randint(0, 5) for _ in range(rng.randint(0, 3))],
        "rating": lambda: rng.choice([-1.5, 0.0, 0.5, 2.25, 4.0, 5.0]),
        "scores": lambda: [rng.choice([0.1, 0.5, 1.0, 7.5]) for _ in range(rng.randint(0, 3))],
        "isDraft": lambda: rng.random() < 0.4,
        "flags": lambda: [rng.random() < 0.5 for _ in range(rng.randint(0, 2))],
        "published": lambda: rng.choice(DATES),
        "dates": lambda: [rng.choice(DATES) for _ in range(rng.randint(0, 2))],
        "source": lambda: rng.choice(UUIDS),
        "sources": lambda: [rng.choice(UUIDS) for _ in range(rng.randint(0, 2))],
        "location": lambda: {"latitude": rng.uniform(47, 54), "longitude": rng.uniform(2, 14)},
        "ofCity": lambda: [
            {"beacon": f"weaviate://localhost/City/{rng.choice(city_ids)}"} for _ in range(rng.randint(0, 2))
        ],
        "phone": lambda: {"input": "+31 1234567"},
        "meta": lambda: {"a": "b"},
    }
    props = {}
    for name, make in makers.items():
        r = rng.random()
        if r < 0.12:
            continue
        props[name] = None if r < 0.17 else make()
    return props


def run(colls: dict[str, Coll], cls: str, where: dict) -> set[int]:
    coll = colls[cls]

    def resolve(target: str, sub: dict) -> set[str]:
        found = run(colls, target, sub)
        return {colls[target].uuids[d] for d in found}

    with coll.kv.read() as txn:
        result = evaluate(where, coll.index, txn, coll.class_def, resolve)
    assert isinstance(result, BitMap)
    return set(result)


# --------------------------------------------------------------------------------------------------------
# brute force


class Invalid(Exception):
    """The brute-force evaluator's way of saying the server must refuse the filter."""


def props_of(cls: str) -> dict[str, dict]:
    class_def = {"Country": COUNTRY, "City": CITY, "Article": ARTICLE}[cls]
    return {p["name"]: p for p in class_def["properties"]}


def brute(colls: dict[str, Coll], cls: str, where: dict) -> set[int]:
    docs = colls[cls].docs
    op = where["operator"]
    if op in ("And", "Or", "Not"):
        parts = [brute(colls, cls, w) for w in where["operands"]]
        if op == "And":
            return set.intersection(*parts)
        if op == "Or":
            return set.union(*parts)
        return set(docs) - parts[0]
    path = where["path"]
    value = next(v for k, v in where.items() if k.startswith("value"))
    if len(path) > 1:
        targets = {colls[path[1]].uuids[d] for d in brute(colls, path[1], {**where, "path": path[2:]})}
        return {
            d for d in docs if {r["beacon"].rsplit("/", 1)[1] for r in docs[d].get(path[0]) or []} & targets
        }
    name = path[0]
    if name in ("id", "_id"):
        return {d for d in docs if matches_plain(op, [docs[d]["_id"]], value)}
    if name in ("_creationTimeUnix", "_lastUpdateTimeUnix"):
        want = as_ms(where)
        return {d for d in docs if matches_plain(op, [docs[d][name]], want)}
    m = re.fullmatch(r"len\((\w+)\)", name)
    if m:
        return {d for d in docs if compare(op, length(docs[d].get(m.group(1))), value)}
    prop = props_of(cls)[name]
    dtype = prop["dataType"][0]
    if op == "IsNull":
        return {
            d
            for d in docs
            if (length(docs[d].get(name)) == 0 and not is_scalar_present(docs[d].get(name))) == value
        }
    if dtype[0].isupper():
        return {d for d in docs if compare(op, length(docs[d].get(name)), value)}
    if op == "WithinGeoRange":
        c, mx = value["geoCoordinates"], value["distance"]["max"]
        return {d for d in docs if docs[d].get(name) and geo(docs[d][name], c) <= mx}
    values = [] if docs is None else None
    items = {d: as_list(docs[d].get(name)) for d in docs}
    if dtype.startswith("text"):
        if prop.get("indexFilterable") is False and prop.get("indexSearchable") is False:
            raise Invalid("unindexed")
        tok = prop.get("tokenization", "word")
        doc_tokens = {d: {t for x in items[d] for t in tokenize(x, tok)} for d in docs}
        return text_filter(op, value, tok, doc_tokens, set(docs))
    key = {"date": to_dt, "uuid": lambda u: uuid.UUID(u).int}.get(dtype.rstrip("[]"), lambda v: v)
    doc_keys = {d: [key(x) for x in items[d]] for d in docs}
    if op in ("ContainsAny", "ContainsAll", "ContainsNone"):
        hits = [{d for d in docs if key(v) in doc_keys[d]} for v in value]
        return contains(op, hits, set(docs))
    if op == "NotEqual":
        return {d for d in docs if key(value) not in doc_keys[d]}
    del values
    return {d for d in docs if any(compare(op, k, key(value)) for k in doc_keys[d])}


def is_scalar_present(v: Any) -> bool:
    return v is not None and not isinstance(v, list | str)


def text_filter(
    op: str, value: Any, tok: str, doc_tokens: dict[int, set[str]], all_docs: set[int]
) -> set[int]:
    def query(v: str) -> list[str]:
        q = tokenize(v, tok)
        return STOP.remove(q) if tok == "word" else q

    if op == "Like":
        pats = tokenize_with_wildcards(value, tok)
        if not pats:
            raise Invalid("empty like")
        regexes = [
            re.compile("".join("." if c == "?" else ".*" if c == "*" else re.escape(c) for c in p))
            for p in pats
        ]
        return {d for d in all_docs if all(any(r.fullmatch(t) for t in doc_tokens[d]) for r in regexes)}
    if op in ("ContainsAny", "ContainsAll", "ContainsNone"):
        hits = []
        for v in value:
            q = query(v)
            if not q:
                if op == "ContainsAny":
                    continue
                raise Invalid(ONLY_STOPWORDS)
            hits.append({d for d in all_docs if set(q) <= doc_tokens[d]})
        if not hits:
            raise Invalid(ONLY_STOPWORDS)
        return contains(op, hits, all_docs)
    q = query(value)
    if not q:
        raise Invalid(ONLY_STOPWORDS)
    if op == "NotEqual":
        return {d for d in all_docs if not (set(q) & doc_tokens[d])}
    return {d for d in all_docs if all(any(compare(op, t, x) for t in doc_tokens[d]) for x in q)}


def contains(op: str, hits: list[set[int]], all_docs: set[int]) -> set[int]:
    if op == "ContainsAll":
        return set.intersection(*hits)
    union = set.union(*hits)
    return union if op == "ContainsAny" else all_docs - union


def matches_plain(op: str, items: list[Any], value: Any) -> bool:
    if op in ("ContainsAny", "ContainsAll", "ContainsNone"):
        hit = [v in items for v in value]
        return any(hit) if op == "ContainsAny" else all(hit) if op == "ContainsAll" else not any(hit)
    if op == "NotEqual":
        return value not in items
    return any(compare(op, i, value) for i in items)


def compare(op: str, a: Any, b: Any) -> bool:
    return {
        "Equal": a == b,
        "NotEqual": a != b,
        "GreaterThan": a > b,
        "GreaterThanEqual": a >= b,
        "LessThan": a < b,
        "LessThanEqual": a <= b,
    }[op]


def as_list(v: Any) -> list[Any]:
    return [] if v is None else v if isinstance(v, list) else [v]


def length(v: Any) -> int:
    return 0 if v is None else len(v) if isinstance(v, list | str) else -1


def to_dt(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def as_ms(where: dict) -> Any:
    if "valueDate" in where:
        return int(to_dt(where["valueDate"]).timestamp() * 1000)
    v = where.get("valueText", where.get("valueTextArray"))
    return [int(x) for x in v] if isinstance(v, list) else int(v)


def geo(point: dict, centre: dict) -> float:
    p1, p2 = math.radians(centre["latitude"]), math.radians(point["latitude"])
    dl = math.radians(point["longitude"] - centre["longitude"])
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371e3 * math.asin(math.sqrt(a))


def assert_same(colls: dict[str, Coll], cls: str, where: dict) -> None:
    try:
        expected = brute(colls, cls, where)
    except Invalid:
        with pytest.raises(ValueError):
            run(colls, cls, where)
        return
    assert run(colls, cls, where) == expected, where


# --------------------------------------------------------------------------------------------------------
# leaves per operator and type


def leaf_pool(rng: random.Random) -> list[dict]:
    text = [sentence(rng, 1, 2) for _ in range(4)] + ["New York", "the fox", "CAFÉ"]
    leaves: list[dict] = []
    for prop in ("title", "tags", "code", "notes"):
        for v in text[:4] + ["x"]:
            for op in ("Equal", "NotEqual", "GreaterThan", "LessThanEqual"):
                leaves.append({"operator": op, "path": [prop], "valueText": v})
        leaves.append(
            {
                "operator": "Like",
                "path": [prop],
                "valueText": rng.choice(["f*", "*o*", "y?rk", "caf?", "a-*"]),
            }
        )
        leaves.append({"operator": "ContainsAny", "path": [prop], "valueTextArray": rng.sample(text, 2)})
        leaves.append({"operator": "ContainsAll", "path": [prop], "valueTextArray": rng.sample(text, 2)})
        leaves.append({"operator": "ContainsNone", "path": [prop], "valueTextArray": rng.sample(text, 2)})
    for v in CATEGORIES + ["Sports", "news "]:
        leaves.append(
            {
                "operator": rng.choice(["Equal", "NotEqual", "GreaterThan"]),
                "path": ["category"],
                "valueText": v,
            }
        )
    for op in ("Equal", "NotEqual", "GreaterThan", "GreaterThanEqual", "LessThan", "LessThanEqual"):
        leaves.append({"operator": op, "path": ["wordCount"], "valueInt": rng.randint(-5, 30)})
        leaves.append({"operator": op, "path": ["wordCount"], "valueNumber": rng.choice([2.5, 10.0, -0.5])})
        leaves.append({"operator": op, "path": ["counts"], "valueInt": rng.randint(0, 5)})
        leaves.append({"operator": op, "path": ["rating"], "valueNumber": rng.choice([-1.5, 0.0, 2.25, 4.5])})
        leaves.append({"operator": op, "path": ["rating"], "valueInt": rng.choice([0, 2, 5])})
        leaves.append({"operator": op, "path": ["scores"], "valueNumber": rng.choice([0.1, 0.5, 7.5])})
        leaves.append({"operator": op, "path": ["published"], "valueDate": rng.choice(DATES)})
        leaves.append({"operator": op, "path": ["dates"], "valueDate": rng.choice(DATES)})
        leaves.append({"operator": op, "path": ["source"], "valueText": rng.choice(UUIDS)})
        leaves.append({"operator": op, "path": ["sources"], "valueText": rng.choice(UUIDS)})
        leaves.append({"operator": op, "path": ["len(title)"], "valueInt": rng.randint(0, 20)})
        leaves.append({"operator": op, "path": ["len(tags)"], "valueInt": rng.randint(0, 3)})
        leaves.append({"operator": op, "path": ["len(ofCity)"], "valueInt": rng.randint(0, 2)})
        leaves.append({"operator": op, "path": ["ofCity"], "valueInt": rng.randint(0, 2)})
        leaves.append(
            {
                "operator": op,
                "path": ["_creationTimeUnix"],
                "valueText": str(1_600_000_000_000 + rng.randint(0, 250)),
            }
        )
        leaves.append(
            {
                "operator": op,
                "path": ["ofCity", "City", "population"],
                "valueInt": rng.choice([0, 600000, 2000000]),
            }
        )
        leaves.append(
            {
                "operator": op,
                "path": ["ofCity", "City", "inCountry", "Country", "name"],
                "valueText": rng.choice(COUNTRIES),
            }
        )
    for op in ("Equal", "NotEqual"):
        leaves.append({"operator": op, "path": ["isDraft"], "valueBoolean": rng.random() < 0.5})
        leaves.append({"operator": op, "path": ["flags"], "valueBoolean": rng.random() < 0.5})
    for op in ("ContainsAny", "ContainsAll", "ContainsNone"):
        leaves.append({"operator": op, "path": ["counts"], "valueIntArray": rng.sample(range(6), 2)})
        leaves.append({"operator": op, "path": ["scores"], "valueNumberArray": [0.5, 7.5]})
        leaves.append({"operator": op, "path": ["flags"], "valueBooleanArray": [True]})
        leaves.append({"operator": op, "path": ["dates"], "valueDateArray": rng.sample(DATES, 2)})
        leaves.append({"operator": op, "path": ["sources"], "valueTextArray": rng.sample(UUIDS, 2)})
        leaves.append({"operator": op, "path": ["wordCount"], "valueIntArray": [1, 2, 3, 4, 5]})
    for prop in (
        "title",
        "tags",
        "wordCount",
        "counts",
        "isDraft",
        "published",
        "location",
        "ofCity",
        "meta",
        "phone",
    ):
        leaves.append({"operator": "IsNull", "path": [prop], "valueBoolean": rng.random() < 0.5})
    for km in (50, 150, 400):
        centre = {"latitude": 51.5, "longitude": 7.0}
        geo_range = {"geoCoordinates": centre, "distance": {"max": km * 1000}}
        leaves.append({"operator": "WithinGeoRange", "path": ["location"], "valueGeoRange": geo_range})
    return leaves


def test_every_leaf_matches_brute_force(colls) -> None:
    leaves = leaf_pool(random.Random(5))
    assert len(leaves) > 200
    sizes = set()
    for where in leaves:
        assert_same(colls, "Article", where)
        try:
            sizes.add(min(len(brute(colls, "Article", where)), 2))
        except Invalid:
            pass
    assert sizes == {0, 1, 2}  # the pool has empty, single and larger results, so mistakes can show


def random_tree(rng: random.Random, leaves: list[dict], depth: int) -> dict:
    if depth == 0 or rng.random() < 0.3:
        return rng.choice(leaves)
    op = rng.choice(["And", "Or", "Not"])
    n = 1 if op == "Not" else rng.randint(2, 3)
    return {"operator": op, "operands": [random_tree(rng, leaves, depth - 1) for _ in range(n)]}


@pytest.mark.parametrize("seed", range(8))
def test_random_trees_match_brute_force(colls, seed: int) -> None:
    rng = random.Random(seed)
    leaves = leaf_pool(rng)
    for _ in range(40):
        assert_same(colls, "Article", random_tree(rng, leaves, 3))


# --------------------------------------------------------------------------------------------------------
# Weaviate's acceptance scenarios


def test_nested_reference_path(colls) -> None:
    where = {"operator": "And", "operands": [
        {"operator": "GreaterThan", "valueInt": 600000, "path": ["ofCity", "City", "population"]},
        {"operator": "Equal", "valueText": "Germany",
         "path": ["ofCity", "City", "inCountry", "Country", "name"]},
    ]}  # fmt: skip
    got = run(colls, "Article", where)
    docs = colls["Article"].docs

    def refs(d: int) -> set[int]:
        return {uuid.UUID(r["beacon"].rsplit("/", 1)[1]).int - 2000 for r in docs[d].get("ofCity") or []}

    big = {i for i, c in enumerate(CITIES) if c[1] > 600000}
    german = {i for i, c in enumerate(CITIES) if c[4] == 0}
    # each operand resolves its own path: one reference may satisfy one operand, another the other
    assert got == {d for d in docs if refs(d) & big and refs(d) & german}
    assert any(not (refs(d) & big & german) for d in got)


def test_geo_dusseldorf_amsterdam(colls) -> None:
    def near(km: int) -> set[str]:
        where = {"operator": "WithinGeoRange", "path": ["location"],
                 "valueGeoRange": {"geoCoordinates": {"latitude": 51.225556, "longitude": 6.782778},
                                   "distance": {"max": km * 1000}}}  # fmt: skip
        return {colls["City"].docs[d]["name"] for d in run(colls, "City", where)}

    assert near(100) == {"Dusseldorf"}
    assert near(200) == {"Dusseldorf", "Amsterdam", "Rotterdam"}  # Rotterdam is 177 km away
    origin = {"geoCoordinates": {"latitude": 0, "longitude": 0}, "distance": {"max": 20}}
    zero = {"operator": "WithinGeoRange", "path": ["location"], "valueGeoRange": origin}
    assert {colls["City"].docs[d]["name"] for d in run(colls, "City", zero)} == {"Atlantis"}


def test_reference_counts(colls) -> None:
    docs = colls["City"].docs
    for op, n, want in (
        ("Equal", 0, {"Atlantis"}),
        ("Equal", 1, set(docs[d]["name"] for d in docs) - {"Atlantis"}),
    ):
        got = run(colls, "City", {"operator": op, "path": ["inCountry"], "valueInt": n})
        assert {docs[d]["name"] for d in got} == want


def small_coll(tmp_path, props: list[dict], objects: list[dict], **config) -> Coll:
    class_def = {"class": "Small", "properties": props, "invertedIndexConfig": {**FLAGS, **config}}
    coll = Coll(tmp_path, class_def)
    coll.add([(str(uuid.uuid4()), o) for o in objects])
    return coll


def where_on(coll: Coll, where: dict) -> set[int]:
    with coll.kv.read() as txn:
        return set(evaluate(where, coll.index, txn, coll.class_def, None))


def test_stopword_filters(tmp_path) -> None:
    coll = small_coll(tmp_path, [{"name": "description", "dataType": ["text"]}], [
        {"description": "Universally accepted to be the best pizza ever created."},
        {"description": "A typical Italian pizza with four cheeses."},
        {"description": "An Italian pizza with seafood."},
    ])  # fmt: skip
    q = lambda v: {"operator": "Equal", "path": ["description"], "valueText": v}  # noqa: E731
    assert where_on(coll, q("italian")) == {1, 2}
    assert where_on(coll, q("Universally accepted to be the best pizza ever created.")) == {0}
    with pytest.raises(ValueError, match=re.escape(ONLY_STOPWORDS)):
        where_on(coll, q("to be or not to be"))
    # ContainsAny skips a stopword-only value as long as another value remains
    assert where_on(
        coll, {"operator": "ContainsAny", "path": ["description"], "valueTextArray": ["the", "seafood"]}
    ) == {2}
    with pytest.raises(ValueError, match="only stopwords"):
        where_on(
            coll, {"operator": "ContainsAll", "path": ["description"], "valueTextArray": ["the", "seafood"]}
        )


def test_field_tokenization_and_arrays(tmp_path) -> None:
    coll = small_coll(tmp_path, [
        {"name": "profession", "dataType": ["text"], "tokenization": "field"},
        {"name": "about", "dataType": ["text[]"], "tokenization": "field"},
    ], [
        {"profession": "Senior Mechanical Engineer", "about": ["hates swimming", "loves travelling"]},
        {"profession": "Mechanical Engineer", "about": ["loves travelling"]},
        {"profession": "Quality Assurance Manager", "about": ["likes cooking for family"]},
        {"about": ["loves traveling very much", "likes cooking"]},
    ])  # fmt: skip
    q = lambda p, v: where_on(coll, {"operator": "Equal", "path": [p], "valueText": v})  # noqa: E731
    assert q("profession", "Quality") == set()
    assert q("profession", "Mechanical Engineer") == {1}
    assert q("profession", "Senior Mechanical Engineer") == {0}
    assert q("about", "swimming") == set()
    assert q("about", "loves travelling") == {0, 1}
    assert q("about", "likes cooking for family") == {2}


def test_null_and_length_on_arrays(tmp_path) -> None:
    coll = small_coll(tmp_path, [{"name": "texts", "dataType": ["text[]"]}], [
        {"texts": ["a", "b", "c", "d"]}, {"texts": []}, {"texts": None}, {}, {"texts": ["x"]},
    ])  # fmt: skip
    assert where_on(coll, {"operator": "Equal", "path": ["len(texts)"], "valueInt": 4}) == {0}
    assert where_on(coll, {"operator": "NotEqual", "path": ["len(texts)"], "valueInt": 0}) == {0, 4}
    assert where_on(coll, {"operator": "IsNull", "path": ["texts"], "valueBoolean": True}) == {1, 2, 3}
    assert where_on(coll, {"operator": "IsNull", "path": ["texts"], "valueBoolean": False}) == {0, 4}


def test_unindexed_property_is_an_error(colls) -> None:
    with pytest.raises(ValueError, match="Filtering by property 'hidden' requires inverted index"):
        run(colls, "Article", {"operator": "Equal", "path": ["hidden"], "valueText": "fox"})
    # a text property with only its BM25 index is still filterable, as in Weaviate
    assert_same(colls, "Article", {"operator": "Equal", "path": ["notes"], "valueText": "fox"})


def test_id_and_timestamps(colls) -> None:
    coll = colls["Article"]
    d = sorted(coll.docs)[17]
    uid = coll.uuids[d]
    for path in (["id"], ["_id"]):
        assert run(colls, "Article", {"operator": "Equal", "path": path, "valueText": uid}) == {d}
        assert run(colls, "Article", {"operator": "Equal", "path": path, "valueText": uid.upper()}) == {d}
    pair = [coll.uuids[d], coll.uuids[d + 1]]
    assert run(colls, "Article", {"operator": "ContainsAny", "path": ["id"], "valueTextArray": pair}) == {
        d,
        d + 1,
    }
    ms = coll.docs[d]["_creationTimeUnix"]
    for path in (["_creationTimeUnix"], ["creationTimeUnix"]):
        assert run(colls, "Article", {"operator": "Equal", "path": path, "valueText": str(ms)}) == {d}
    date = dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).isoformat().replace("+00:00", "Z")
    got = run(
        colls, "Article", {"operator": "GreaterThanEqual", "path": ["_creationTimeUnix"], "valueDate": date}
    )
    assert got == {x for x in coll.docs if coll.docs[x]["_creationTimeUnix"] >= ms}
    upd = coll.docs[d]["_lastUpdateTimeUnix"]
    assert run(
        colls, "Article", {"operator": "LessThan", "path": ["lastUpdateTimeUnix"], "valueText": str(upd)}
    ) == {x for x in coll.docs if coll.docs[x]["_lastUpdateTimeUnix"] < upd}


def test_timestamps_need_index_timestamps(tmp_path) -> None:
    coll = small_coll(tmp_path, [{"name": "t", "dataType": ["text"]}], [{"t": "a"}], indexTimestamps=False)
    with pytest.raises(ValueError, match="IndexTimestamps: true"):
        where_on(coll, {"operator": "Equal", "path": ["_creationTimeUnix"], "valueText": "1"})


def test_reference_path_needs_a_resolver(colls) -> None:
    coll = colls["Article"]
    where = {"operator": "Equal", "path": ["ofCity", "City", "name"], "valueText": "Berlin"}
    with coll.kv.read() as txn, pytest.raises(ValueError, match="no resolver"):
        evaluate(where, coll.index, txn, coll.class_def, None)


# --------------------------------------------------------------------------------------------------------
# validation


INVALID = [
    ({"operator": "Nope", "path": ["title"], "valueText": "x"}, "unknown operator 'Nope'"),
    ({"operator": "Not", "operands": [{"operator": "Equal", "path": ["title"], "valueText": "a"}] * 2},
     "Not takes exactly one operand"),
    ({"operator": "And", "operands": []}, "non-empty list of operands"),
    ({"operator": "Equal", "path": ["title"]}, "no value given"),
    ({"operator": "Equal", "path": ["title"], "valueText": "a", "valueInt": 1}, "several values"),
    ({"operator": "Equal", "path": ["title"], "valueInt": 1}, 'cannot use "valueInt" on type "text"'),
    ({"operator": "Equal", "path": ["wordCount"], "valueText": "1"}, 'use "valueInt" instead'),
    ({"operator": "Equal", "path": ["isDraft"], "valueText": "true"}, 'use "valueBoolean" instead'),
    ({"operator": "Equal", "path": ["published"], "valueText": "2020-01-01T00:00:00Z"}, 'use "valueDate"'),
    ({"operator": "Equal", "path": ["published"], "valueDate": "yesterday"}, "RFC3339"),
    ({"operator": "Equal", "path": ["source"], "valueText": "not-a-uuid"}, "not a valid uuid"),
    ({"operator": "Equal", "path": ["len(title)"], "valueInt": -1}, "positive property length"),
    ({"operator": "Like", "path": ["len(title)"], "valueInt": 1}, "property length supports operators"),
    ({"operator": "Equal", "path": ["len(title)"], "valueText": "1"}, "requires IntValue"),
    ({"operator": "Like", "path": ["wordCount"], "valueText": "1*"}, "Like can only be used on text"),
    ({"operator": "Equal", "path": ["location"], "valueText": "x"}, "can only be used with WithinGeoRange"),
    ({"operator": "WithinGeoRange", "path": ["title"], "valueGeoRange": {}},
     "needs a geoCoordinates property"),
    ({"operator": "WithinGeoRange", "path": ["location"], "valueGeoRange": {"distance": {"max": 1}}},
     "valueGeoRange must be"),
    ({"operator": "IsNull", "path": ["title"], "valueText": "x"}, "IsNull requires valueBoolean"),
    ({"operator": "Equal", "path": ["ofCity"], "valueText": "x"}, "is a ref prop to the class"),
    ({"operator": "Equal", "path": ["ofCity", "Town", "name"], "valueText": "x"},
     "references City, not 'Town'"),
    ({"operator": "Equal", "path": ["ofCity", "City"], "valueText": "x"}, "odd number"),
    ({"operator": "Equal", "path": ["title", "City", "name"], "valueText": "x"}, "not a cross-reference"),
    ({"operator": "Equal", "path": ["nope"], "valueText": "x"}, "no such prop with name 'nope'"),
    ({"operator": "Equal", "path": ["meta"], "valueText": "x"},
     "use dot notation to filter on a sub-property"),
    ({"operator": "Equal", "path": ["title"], "valueTextArray": ["a", "b"]}, "takes a single value"),
    ({"operator": "ContainsAny", "path": ["title"], "valueTextArray": []}, "at least one value"),
    ({"operator": "Equal", "path": ["id"], "valueInt": 1}, 'must use "valueText" to specify the id'),
    ({"operator": "Equal", "path": ["_creationTimeUnix"], "valueText": "soon"},
     "expected value to be timestamp"),
    ({"operator": "Equal", "path": [], "valueText": "x"}, "needs a path"),
    ({"operator": "Equal", "path": ["wordCount"], "valueInt": True}, "expected an integer"),
]  # fmt: skip


@pytest.mark.parametrize(("where", "message"), INVALID)
def test_invalid_filters_are_refused(colls, where: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        validate(where, ARTICLE)
    with pytest.raises(ValueError, match=re.escape(message)):
        run(colls, "Article", where)


def test_errors_name_path_and_operator() -> None:
    where = {"operator": "And", "operands": [
        {"operator": "GreaterThan", "path": ["rating"], "valueText": "high"},
    ]}  # fmt: skip
    with pytest.raises(ValueError, match=re.escape("path ['rating'], operator GreaterThan")):
        validate(where, ARTICLE)


def test_graphql_style_lists_and_string_paths(colls) -> None:
    """GraphQL's valueText scalar may carry a list, and a path may be one string."""
    list_form = {"operator": "ContainsAny", "path": "tags", "valueText": ["fox", "apple"]}
    rest_form = {"operator": "ContainsAny", "path": ["tags"], "valueTextArray": ["fox", "apple"]}
    assert (
        run(colls, "Article", list_form)
        == run(colls, "Article", rest_form)
        == brute(colls, "Article", rest_form)
    )
