"""The inverted index against brute force: every primitive, a few hundred random objects, a real LMDB."""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import uuid
from typing import Any

import pytest
from pyroaring import BitMap

from storage.inverted import FilterError, InvertedIndex, rfc3339_micros
from storage.kv import KV
from storage.tokenize import Stopwords, tokenize

TEXT_PROPS = {"title": "word", "tags": "word", "code": "field", "label": "lowercase", "raw": "whitespace",
              "tri": "trigram", "body": "word"}  # fmt: skip
CLASS = {
    "class": "Thing",
    "properties": [
        {"name": "title", "dataType": ["text"], "tokenization": "word"},
        {"name": "tags", "dataType": ["text[]"], "tokenization": "word"},
        {"name": "code", "dataType": ["text"], "tokenization": "field"},
        {"name": "label", "dataType": ["text"], "tokenization": "lowercase"},
        {"name": "raw", "dataType": ["text"], "tokenization": "whitespace"},
        {"name": "tri", "dataType": ["text"], "tokenization": "trigram"},
        {"name": "body", "dataType": ["text"], "tokenization": "word", "indexFilterable": False},
        {"name": "secret", "dataType": ["text"], "indexFilterable": False, "indexSearchable": False},
        {"name": "count", "dataType": ["int"]},
        {"name": "counts", "dataType": ["int[]"]},
        {"name": "price", "dataType": ["number"]},
        {"name": "prices", "dataType": ["number[]"]},
        {"name": "flag", "dataType": ["boolean"]},
        {"name": "flags", "dataType": ["boolean[]"]},
        {"name": "when", "dataType": ["date"]},
        {"name": "whens", "dataType": ["date[]"]},
        {"name": "ref_id", "dataType": ["uuid"]},
        {"name": "ref_ids", "dataType": ["uuid[]"]},
        {"name": "place", "dataType": ["geoCoordinates"]},
        {"name": "friends", "dataType": ["Thing"]},
        {"name": "phone", "dataType": ["phoneNumber"]},
        {"name": "meta", "dataType": ["object"], "nestedProperties": [{"name": "a", "dataType": ["text"]}]},
    ],
    "invertedIndexConfig": {
        "bm25": {"k1": 1.2, "b": 0.75},
        "stopwords": {"preset": "en", "additions": ["lazy"], "removals": ["not"]},
        "indexNullState": True,
        "indexPropertyLength": True,
        "indexTimestamps": True,
    },
}
STOP = Stopwords(CLASS["invertedIndexConfig"]["stopwords"])
VOCAB = ["the", "a", "Quick", "brown", "fox", "jumps", "over", "lazy", "dog", "New", "York", "new-york",
         "café", "Straße", "to", "be", "or", "not", "apple", "banana", "APPLE", "x_y", "fox."]  # fmt: skip
LONG = "L" * 230
CODES = [
    "alpha",
    "Alpha",
    "beta gamma",
    " beta gamma ",
    "δelta",
    LONG + "one",
    LONG + "two",
    LONG + "three",
    "zeta",
]
DATES = ["2021-03-04T05:06:07Z", "2021-03-04T07:06:07+02:00", "1969-12-31T23:59:59.5Z",
         "2030-01-01T00:00:00Z", "2021-03-04T05:06:07.000001Z", "2000-02-29T12:00:00-05:30"]  # fmt: skip
UUIDS = [str(uuid.UUID(int=i * 7919 + 11)) for i in range(8)]
NUMBERS = [-3.5, -1.0, -0.0, 0.0, 0.25, 1.0, 2.5, 10.0, 1e9]
INTS = [-20, -1, 0, 1, 2, 3, 7, 19]


def sentence(rng: random.Random, lo: int = 0, hi: int = 6) -> str:
    return rng.choice([" ", ", ", "-", "  "]).join(rng.choice(VOCAB) for _ in range(rng.randint(lo, hi)))


def maybe(rng: random.Random, make, missing: float = 0.15) -> Any:
    r = rng.random()
    if r < missing:
        return "<missing>"
    if r < missing + 0.05:
        return None
    return make()


def random_props(rng: random.Random, doc_uuids: list[str]) -> dict[str, Any]:
    makers = {
        "title": lambda: sentence(rng),
        "tags": lambda: [sentence(rng, 1, 3) for _ in range(rng.randint(0, 3))],
        "code": lambda: rng.choice(CODES),
        "label": lambda: sentence(rng, 1, 3),
        "raw": lambda: sentence(rng, 1, 3),
        "tri": lambda: rng.choice(["apple pie", "pineapple", "Apple", "ap", "grape-apple", ""]),
        "body": lambda: sentence(rng, 1, 8),
        "secret": lambda: sentence(rng),
        "count": lambda: rng.choice(INTS),
        "counts": lambda: [rng.choice(INTS) for _ in range(rng.randint(0, 3))],
        "price": lambda: rng.choice(NUMBERS),
        "prices": lambda: [rng.choice(NUMBERS) for _ in range(rng.randint(0, 3))],
        "flag": lambda: rng.random() < 0.5,
        "flags": lambda: [rng.random() < 0.5 for _ in range(rng.randint(0, 2))],
        "when": lambda: rng.choice(DATES),
        "whens": lambda: [rng.choice(DATES) for _ in range(rng.randint(0, 2))],
        "ref_id": lambda: rng.choice(UUIDS),
        "ref_ids": lambda: [rng.choice(UUIDS) for _ in range(rng.randint(0, 3))],
        "place": lambda: {"latitude": rng.uniform(45, 56), "longitude": rng.uniform(0, 12)},
        "friends": lambda: [
            {"beacon": f"weaviate://localhost/Thing/{rng.choice(doc_uuids)}"}
            for _ in range(rng.randint(0, 3))
        ],
        "phone": lambda: {"input": "+31 1234567", "internationalFormatted": "+31 1234567"},
        "meta": lambda: {"a": "x"},
    }
    props = {}
    for name, make in makers.items():
        value = maybe(rng, make)
        if value != "<missing>":
            props[name] = value
    return props


class Model:
    """The objects as plain dicts, and the same operations answered by brute force."""

    def __init__(self) -> None:
        self.docs: dict[int, dict[str, Any]] = {}

    # -- helpers
    def value(self, docid: int, prop: str) -> Any:
        return self.docs[docid].get(prop)

    def items(self, docid: int, prop: str) -> list[Any]:
        v = self.value(docid, prop)
        if v is None:
            return []
        return v if isinstance(v, list) else [v]

    def tokens(self, docid: int, prop: str) -> set[str]:
        return {t for text in self.items(docid, prop) for t in tokenize(text, TEXT_PROPS[prop])}

    def all(self) -> set[int]:
        return set(self.docs)


def query_tokens(prop: str, value: str) -> list[str]:
    tokens = tokenize(value, TEXT_PROPS[prop])
    if TEXT_PROPS[prop] == "word":
        tokens = STOP.remove(tokens)
    return tokens


def key_of(prop: str, value: Any) -> Any:
    """A comparable stand-in for a stored value, computed independently of the index's encoding."""
    if prop in ("when", "whens"):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if prop in ("ref_id", "ref_ids"):
        return uuid.UUID(value).int
    if prop in ("flag", "flags"):
        return int(value)
    if prop == "friends":
        return uuid.UUID(value["beacon"].rsplit("/", 1)[1]).int
    return value


OPS = {
    "Equal": lambda a, b: a == b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEqual": lambda a, b: a >= b,
    "LessThan": lambda a, b: a < b,
    "LessThanEqual": lambda a, b: a <= b,
}


def expect_compare(model: Model, prop: str, op: str, value: Any) -> set[int]:
    if prop in TEXT_PROPS:
        toks = query_tokens(prop, value)
        if not toks:
            raise FilterError("only stopwords")
        if op == "NotEqual":
            return {d for d in model.docs if not (model.tokens(d, prop) & set(toks))}
        return {d for d in model.docs if all(any(OPS[op](t, q) for t in model.tokens(d, prop)) for q in toks)}
    if prop in ("_id",):
        return {d for d in model.docs if OPS[op](model.docs[d]["_id"], value)} if op != "NotEqual" else None
    target = key_of(prop, value)
    if op == "NotEqual":
        return model.all() - expect_compare(model, prop, "Equal", value)
    return {d for d in model.docs if any(OPS[op](key_of(prop, v), target) for v in model.items(d, prop))}


def like_regex(pattern: str) -> re.Pattern:
    out = ""
    for ch in pattern:
        out += "." if ch == "?" else ".*" if ch == "*" else re.escape(ch)
    return re.compile(out)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[KV, InvertedIndex, Model]:
    rng = random.Random(20240601)
    kv = KV(tmp_path_factory.mktemp("inv"))
    index = InvertedIndex(kv, CLASS)
    model = Model()
    doc_uuids = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(400)]

    def full(docid: int, props: dict[str, Any]) -> dict[str, Any]:
        return {**props, "_id": doc_uuids[docid], "_creationTimeUnix": 1_700_000_000_000 + docid,
                "_lastUpdateTimeUnix": 1_700_000_000_000 + 3 * docid}  # fmt: skip

    def apply(changes: list[tuple[int, dict | None, dict | None]]) -> None:
        kv.write(lambda txn: index.write(txn, changes))
        for docid, _old, new in changes:
            if new is None:
                model.docs.pop(docid, None)
            else:
                model.docs[docid] = new

    for start in range(0, 300, 60):
        apply([(d, None, full(d, random_props(rng, doc_uuids))) for d in range(start, start + 60)])
    # updates replace every property; the old postings must go
    updated = rng.sample(range(300), 80)
    apply([(d, model.docs[d], full(d, random_props(rng, doc_uuids))) for d in updated])
    deleted = rng.sample(sorted(set(range(300)) - set(updated)), 40)
    apply([(d, model.docs[d], None) for d in deleted])
    # one batch touching the same doc twice: insert then update
    first, second = full(300, random_props(rng, doc_uuids)), full(300, random_props(rng, doc_uuids))
    kv.write(lambda txn: index.write(txn, [(300, None, first), (300, first, second)]))
    model.docs[300] = second
    yield kv, index, model
    kv.close()


def check(world, fn, expected_fn) -> None:
    kv, index, model = world
    try:
        expected = expected_fn(model)
    except FilterError:
        with kv.read() as txn, pytest.raises(FilterError):
            fn(index, txn)
        return
    with kv.read() as txn:
        got = set(fn(index, txn))
    assert got == expected


def sample_values(prop: str, rng: random.Random, model: Model) -> list[Any]:
    if prop in ("title", "tags", "label", "raw", "body"):
        out = [sentence(rng, 1, 3) for _ in range(12)] + ["the", "to be or", "NEW York", "café!", "zzz"]
        docs = sorted(model.docs)
        out += [t for d in rng.sample(docs, 5) for t in model.items(d, prop)[:1]]
        return out
    if prop == "code":
        return [*CODES, "beta", "gamma", LONG, LONG + "zzz", "", "ALPHA"]
    if prop == "tri":
        return ["apple", "pie", "APP", "grape apple", "zzz", "ap"]
    if prop in ("count", "counts"):
        return [*INTS, 2.5, -100, 100]
    if prop in ("price", "prices"):
        return [*NUMBERS, 3, -7, 0.1]
    if prop in ("flag", "flags"):
        return [True, False]
    if prop in ("when", "whens"):
        return [*DATES, "2021-03-04T05:06:07.5Z", "1900-01-01T00:00:00Z"]
    if prop in ("ref_id", "ref_ids"):
        return [*UUIDS, UUIDS[2].upper(), str(uuid.UUID(int=5))]
    raise AssertionError(prop)


VALUE_PROPS = ["title", "tags", "code", "label", "raw", "tri", "body", "count", "counts", "price", "prices",
               "flag", "flags", "when", "whens", "ref_id", "ref_ids"]  # fmt: skip
COMPARES = ["Equal", "NotEqual", "GreaterThan", "GreaterThanEqual", "LessThan", "LessThanEqual"]


@pytest.mark.parametrize("prop", VALUE_PROPS)
@pytest.mark.parametrize("op", COMPARES)
def test_compare_matches_brute_force(world, prop: str, op: str) -> None:
    rng = random.Random(hash((prop, op)) & 0xFFFF)
    for value in sample_values(prop, rng, world[2]):
        if op == "Equal":
            fn = lambda index, txn, v=value: index.equal(txn, prop, v)  # noqa: E731
        elif op == "NotEqual":
            fn = lambda index, txn, v=value: index.not_equal(txn, prop, v)  # noqa: E731
        else:
            fn = lambda index, txn, v=value: index.range(txn, prop, op, v)  # noqa: E731
        check(world, fn, lambda m, v=value: expect_compare(m, prop, op, v))


@pytest.mark.parametrize("prop", VALUE_PROPS)
@pytest.mark.parametrize("mode", ["any", "all", "none"])
def test_contains_matches_brute_force(world, prop: str, mode: str) -> None:
    rng = random.Random(hash((prop, mode)) & 0xFFFF)
    pool = sample_values(prop, rng, world[2])
    for _ in range(10):
        values = rng.sample(pool, min(len(pool), rng.randint(1, 3)))

        def expected(m: Model, values=values) -> set[int]:
            hits = []
            for v in values:
                try:
                    hits.append(expect_compare(m, prop, "Equal", v))
                except FilterError:
                    if mode != "any":
                        raise
            if not hits:
                raise FilterError("only stopwords")
            if mode == "all":
                return set.intersection(*hits)
            union = set.union(*hits)
            return union if mode == "any" else m.all() - union

        check(world, lambda index, txn, v=values: index.contains(txn, prop, v, mode), expected)


LIKE_PATTERNS = [
    "qu*",
    "*o*",
    "f?x",
    "new*",
    "*",
    "caf?",
    "?",
    "app*e",
    "YORK",
    "*ße",
    "ne?-york",
    "b*n*a",
    "x_y",
]


@pytest.mark.parametrize("prop", ["title", "tags", "code", "label", "raw", "tri", "body"])
def test_like_matches_brute_force(world, prop: str) -> None:
    patterns = LIKE_PATTERNS + ["L*", LONG + "t*", LONG + "?ne", "*three", "be*", "Alpha", "δ*"]
    from storage.tokenize import tokenize_with_wildcards

    for pattern in patterns:

        def expected(m: Model, pattern=pattern) -> set[int]:
            toks = tokenize_with_wildcards(pattern, TEXT_PROPS[prop])
            if not toks:
                raise FilterError("empty")
            regexes = [like_regex(t) for t in toks]
            return {d for d in m.docs if all(any(r.fullmatch(t) for t in m.tokens(d, prop)) for r in regexes)}

        check(world, lambda index, txn, p=pattern: index.like(txn, prop, p), expected)


NULLABLE = ["title", "tags", "code", "tri", "count", "counts", "flag", "flags", "when", "whens", "ref_id",
            "ref_ids", "place", "friends", "phone", "meta", "secret"]  # fmt: skip


@pytest.mark.parametrize("prop", NULLABLE)
def test_is_null_matches_brute_force(world, prop: str) -> None:
    def null(m: Model, d: int) -> bool:
        v = m.value(d, prop)
        return v is None or v == "" or v == []

    check(world, lambda i, t: i.is_null(t, prop, True), lambda m: {d for d in m.docs if null(m, d)})
    check(world, lambda i, t: i.is_null(t, prop, False), lambda m: {d for d in m.docs if not null(m, d)})


@pytest.mark.parametrize(
    "prop", ["title", "tags", "code", "counts", "prices", "flags", "whens", "ref_ids", "friends"]
)
@pytest.mark.parametrize("op", COMPARES)
def test_length_matches_brute_force(world, prop: str, op: str) -> None:
    def length(m: Model, d: int) -> int:
        v = m.value(d, prop)
        return 0 if v is None else len(v)

    pred = (lambda a, b: a != b) if op == "NotEqual" else OPS[op]
    for n in [0, 1, 2, 3, 5, 240]:
        check(
            world,
            lambda i, t, n=n: i.length(t, prop, op, n),
            lambda m, n=n: {d for d in m.docs if pred(length(m, d), n)},
        )
        if prop == "friends":
            check(
                world,
                lambda i, t, n=n: i.ref_count(t, prop, op, n),
                lambda m, n=n: {d for d in m.docs if pred(length(m, d), n)},
            )


def test_reference_targets(world) -> None:
    _kv, _index, model = world
    targets = sorted({key_of("friends", r) for d in model.docs for r in model.items(d, "friends")})
    assert targets
    for t in targets[:20]:
        u = str(uuid.UUID(int=t))
        check(world, lambda i, txn, u=u: i.equal(txn, "friends", u),
              lambda m, t=t: {d for d in m.docs if t in ref_targets(m, d)})  # fmt: skip
    some = [str(uuid.UUID(int=t)) for t in targets[:5]]
    wanted = {uuid.UUID(s).int for s in some}
    check(world, lambda i, txn: i.contains(txn, "friends", some, "any"),
          lambda m: {d for d in m.docs if ref_targets(m, d) & wanted})  # fmt: skip


def ref_targets(m: Model, d: int) -> set[int]:
    return {key_of("friends", r) for r in m.items(d, "friends")}


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371e3 * math.asin(math.sqrt(a))


@pytest.mark.parametrize(
    ("lat", "lon", "km"), [(51.0, 6.0, 100), (50.0, 3.0, 250), (0.0, 0.0, 20), (53, 10, 1000)]
)
def test_geo_within_matches_brute_force(world, lat: float, lon: float, km: float) -> None:
    def expected(m: Model) -> set[int]:
        out = set()
        for d in m.docs:
            p = m.value(d, "place")
            if p is not None and haversine(lat, lon, p["latitude"], p["longitude"]) <= km * 1000:
                out.add(d)
        return out

    check(world, lambda i, t: i.geo_within(t, "place", lat, lon, km * 1000), expected)


def test_pseudo_properties(world) -> None:
    kv, index, model = world
    d = sorted(model.docs)[7]
    the_id = model.docs[d]["_id"]
    with kv.read() as txn:
        assert set(index.equal(txn, "_id", the_id)) == {d}
        assert set(index.equal(txn, "_id", the_id.upper())) == {d}
        assert set(
            index.contains(txn, "_id", [the_id, model.docs[sorted(model.docs)[8]]["_id"]], "any")
        ) == set(sorted(model.docs)[7:9])
        ms = model.docs[d]["_creationTimeUnix"]
        assert set(index.equal(txn, "_creationTimeUnix", ms)) == {d}
        assert set(index.equal(txn, "_creationTimeUnix", str(ms))) == {d}
        later = {x for x in model.docs if model.docs[x]["_lastUpdateTimeUnix"] >= 1_700_000_000_000 + 300}
        assert (
            set(index.range(txn, "_lastUpdateTimeUnix", "GreaterThanEqual", 1_700_000_000_000 + 300)) == later
        )
        assert set(index.is_null(txn, "_id", False)) == model.all()
        assert set(index.all_docs(txn)) == model.all()


def bm25_reference(
    model: Model, query: str, props: list[tuple[str, float]], k1: float, b: float, operator: str, minimum: int
) -> dict[int, float]:
    scores: dict[int, float] = {}
    for prop, boost in props:
        tok = TEXT_PROPS[prop]
        qtoks = tokenize(query, tok)
        if tok == "word":
            qtoks = STOP.remove(qtoks)
        terms: dict[str, int] = {}
        for t in qtoks:
            terms[t] = terms.get(t, 0) + 1
        have = [d for d in model.docs if model.value(d, prop) is not None]
        lengths = {d: sum(len(tokenize(x, tok)) for x in model.items(d, prop)) for d in have}
        big_n = len(have)
        avg = sum(lengths.values()) / big_n if big_n else 0
        counts = {d: {} for d in have}
        for d in have:
            for x in model.items(d, prop):
                for t in tokenize(x, tok):
                    counts[d][t] = counts[d].get(t, 0) + 1
        for d in have:
            matched = [t for t in terms if t in counts[d]]
            need = len(terms) if operator == "And" else minimum
            if not matched or len(matched) < need:
                continue
            s = 0.0
            for t in matched:
                n = sum(1 for x in have if t in counts[x])
                idf = math.log(1 + (max(big_n, n) - n + 0.5) / (n + 0.5))
                f = counts[d][t]
                s += f / (f + k1 * (1 - b + b * lengths[d] / avg)) * idf * terms[t] * boost
            scores[d] = scores.get(d, 0.0) + s
    return scores


BM25_CASES = [
    ("quick brown fox", None, "Or", 1),
    ("the fox", [("title", 1.0)], "Or", 1),
    ("fox fox dog", [("title", 2.0), ("tags", 1.0)], "Or", 1),
    ("New York apple", [("title", 1.0), ("label", 0.5), ("body", 3.0)], "Or", 2),
    ("new york", [("title", 1.0), ("tags", 1.0)], "And", 1),
    ("apple pie", [("tri", 1.0), ("code", 1.0)], "Or", 1),
    ("APPLE Quick", [("raw", 1.0), ("label", 1.0)], "Or", 1),
    ("the to be", None, "Or", 1),
]


@pytest.mark.parametrize(("query", "props", "operator", "minimum"), BM25_CASES)
@pytest.mark.parametrize(("k1", "b"), [(1.2, 0.75), (2.0, 0.3)])
def test_bm25_matches_reference(world, query, props, operator, minimum, k1, b) -> None:
    kv, index, model = world
    used = props or [(p, 1.0) for p in ("title", "tags", "code", "label", "raw", "tri", "body")]
    expected = bm25_reference(model, query, used, k1, b, operator, minimum)
    with kv.read() as txn:
        got = index.bm25(txn, query, props, None, 0, k1, b, operator=operator, minimum_match=minimum)
        assert {d: pytest.approx(s, rel=1e-9) for d, s in expected.items()} == {d: s for d, s, _ in got}
        scores = [s for _, s, _ in got]
        assert scores == sorted(scores, reverse=True)
        top = index.bm25(txn, query, props, None, 5, k1, b, operator=operator, minimum_match=minimum)
        assert [s for _, s, _ in top] == pytest.approx(sorted(expected.values(), reverse=True)[:5])
        if got:
            allow = {d for d, _, _ in got[::2]}
            from pyroaring import BitMap

            allowed = index.bm25(
                txn, query, props, BitMap(allow), 0, k1, b, operator=operator, minimum_match=minimum
            )
            assert {d: s for d, s, _ in allowed} == {d: pytest.approx(expected[d], rel=1e-9) for d in allow}


def test_bm25_explain_names_terms(world) -> None:
    kv, index, model = world
    with kv.read() as txn:
        (docid, _score, explain), *_ = index.bm25(txn, "fox", [("title", 1.0)], None, 1, 1.2, 0.75)
    f = sum(1 for x in model.items(docid, "title") for t in tokenize(x, "word") if t == "fox")
    assert f"BM25F_fox_frequency:{f}" in explain and "BM25F_fox_propLength:" in explain


def test_bm25_refuses_unsearchable_and_non_text(world) -> None:
    kv, index, _ = world
    with kv.read() as txn:
        with pytest.raises(FilterError, match="indexSearchable"):
            index.bm25(txn, "x", [("secret", 1.0)], None, 3, 1.2, 0.75)
        with pytest.raises(FilterError, match="only text"):
            index.bm25(txn, "x", [("count", 1.0)], None, 3, 1.2, 0.75)
        with pytest.raises(FilterError, match="nope"):
            index.bm25(txn, "x", [("nope", 1.0)], None, 3, 1.2, 0.75)


def test_filter_errors_name_the_problem(world) -> None:
    kv, index, _ = world
    with kv.read() as txn:
        with pytest.raises(FilterError, match="Filtering by property 'secret' requires inverted index"):
            index.equal(txn, "secret", "x")
        with pytest.raises(FilterError, match="phoneNumber is not supported"):
            index.equal(txn, "phone", "x")
        with pytest.raises(FilterError, match="no such prop with name 'missing'"):
            index.equal(txn, "missing", 1)
        with pytest.raises(FilterError, match="only stopwords"):
            index.equal(txn, "title", "to be or the")
        with pytest.raises(FilterError, match="cannot be used"):
            index.like(txn, "count", "1*")
        with pytest.raises(FilterError, match="not a valid uuid"):
            index.equal(txn, "ref_id", "not-a-uuid")
        with pytest.raises(FilterError, match="has no length"):
            index.length(txn, "count", "Equal", 1)


def test_index_flags_are_required(tmp_path) -> None:
    cls = {"class": "Bare", "properties": [{"name": "t", "dataType": ["text"]}], "invertedIndexConfig": {}}
    kv = KV(tmp_path)
    index = InvertedIndex(kv, cls)
    kv.write(lambda txn: index.write(txn, [(1, None, {"t": "a", "_creationTimeUnix": 5})]))
    with kv.read() as txn:
        with pytest.raises(FilterError, match="indexNullState"):
            index.is_null(txn, "t", True)
        with pytest.raises(FilterError, match="IndexPropertyLength"):
            index.length(txn, "t", "Equal", 1)
        with pytest.raises(FilterError, match="IndexTimestamps"):
            index.equal(txn, "_creationTimeUnix", 5)
    kv.close()


def test_timestamps_are_written_only_where_indexTimestamps_lets_filters_read_them(tmp_path) -> None:
    for flag, expected in ((False, 0), (True, 2)):
        cls = {"class": "T", "properties": [], "invertedIndexConfig": {"indexTimestamps": flag}}
        kv = KV(tmp_path / str(flag))
        index = InvertedIndex(kv, cls)
        doc = {"_id": str(uuid.UUID(int=1)), "_creationTimeUnix": 5, "_lastUpdateTimeUnix": 6}
        kv.write(lambda txn, index=index, doc=doc: index.write(txn, [(1, None, doc)]))
        with kv.read() as txn:
            keys = [bytes(k) for k, _ in txn.cursor(db=kv.db("inv:filter"))]
            assert sum(k.startswith(b"_creationTimeUnix\x00") or k.startswith(b"_lastUpdateTimeUnix\x00")
                       for k in keys) == expected
            assert set(index.equal(txn, "_id", str(uuid.UUID(int=1)))) == {1}
            if flag:
                assert set(index.equal(txn, "_creationTimeUnix", 5)) == {1}
        kv.close()


def test_delete_everything_leaves_no_postings(tmp_path) -> None:
    rng = random.Random(7)
    kv = KV(tmp_path)
    index = InvertedIndex(kv, CLASS)
    uuids = [str(uuid.uuid4()) for _ in range(50)]
    docs = {d: {**random_props(rng, uuids), "_id": uuids[d], "_creationTimeUnix": d} for d in range(50)}
    kv.write(lambda txn: index.write(txn, [(d, None, p) for d, p in docs.items()]))
    kv.write(lambda txn: index.write(txn, [(d, p, None) for d, p in docs.items()]))
    with kv.read() as txn:
        for name in ("inv:filter", "inv:search", "inv:len", "inv:geo", "inv:meta"):
            assert txn.stat(kv.db(name))["entries"] == 0, name
        assert not index.all_docs(txn)
        assert index.property_stats(txn, "title") == {"docs": 0, "tokens": 0, "mean": 0.0}
    kv.close()


def test_rewriting_same_properties_is_stable(tmp_path) -> None:
    kv = KV(tmp_path)
    index = InvertedIndex(kv, CLASS)
    props = {"title": "quick fox", "count": 3, "tags": ["a b", "b c"]}
    kv.write(lambda txn: index.write(txn, [(1, None, props)]))
    kv.write(lambda txn: index.write(txn, [(1, props, props)]))
    with kv.read() as txn:
        assert set(index.equal(txn, "title", "fox")) == {1}
        assert set(index.equal(txn, "count", 3)) == {1}
        assert index.property_stats(txn, "tags") == {"docs": 1, "tokens": 4, "mean": 4.0}
        assert index.bm25(txn, "fox", None, None, 3, 1.2, 0.75)[0][0] == 1
    kv.close()


def test_geo_dusseldorf_amsterdam(tmp_path) -> None:
    kv = KV(tmp_path)
    index = InvertedIndex(kv, CLASS)
    cities = {
        1: (51.225556, 6.782778),
        2: (52.366667, 4.9),
        3: (52.520008, 13.404954),
    }  # Düsseldorf, Amsterdam, Berlin
    kv.write(
        lambda txn: index.write(
            txn, [(d, None, {"place": {"latitude": a, "longitude": o}}) for d, (a, o) in cities.items()]
        )
    )
    with kv.read() as txn:
        assert set(index.geo_within(txn, "place", 51.225556, 6.782778, 100_000)) == {1}
        assert set(index.geo_within(txn, "place", 51.225556, 6.782778, 200_000)) == {1, 2}
        assert set(index.geo_within(txn, "place", 0, 0, 20)) == set()
    kv.close()


def test_dates_compare_as_instants() -> None:
    assert rfc3339_micros("2021-03-04T05:06:07Z") == rfc3339_micros("2021-03-04T07:06:07+02:00")
    assert rfc3339_micros("1970-01-01T00:00:00Z") == 0
    assert rfc3339_micros("1969-12-31T23:59:59.5Z") == -500_000
    assert rfc3339_micros("2021-03-04T05:06:07.123456789Z") % 1_000_000 == 123456
    with pytest.raises(ValueError, match="RFC3339"):
        rfc3339_micros("yesterday")
    with pytest.raises(ValueError, match="not a valid date"):
        rfc3339_micros("2021-02-30T00:00:00Z")


def test_bm25_top_k_breaks_ties_by_lowest_docid(tmp_path) -> None:
    cls = {"class": "T", "properties": [{"name": "t", "dataType": ["text"]}], "invertedIndexConfig": {}}
    kv = KV(tmp_path)
    index = InvertedIndex(kv, cls)
    docs = [(d, None, {"t": "same words here" if d % 2 else "other words"}) for d in range(40, 0, -1)]
    kv.write(lambda txn: index.write(txn, docs))
    with kv.read() as txn:
        top = index.bm25(txn, "same words", None, None, 3, 1.2, 0.75)
        every = index.bm25(txn, "same words", None, None, 0, 1.2, 0.75)
    assert [d for d, _, _ in top] == [1, 3, 5]
    assert [d for d, _, _ in every][:3] == [1, 3, 5] and len(every) == 40
    assert top[0][2] == ", BM25F_same_frequency:1, BM25F_same_propLength:3, BM25F_words_frequency:1, " \
                        "BM25F_words_propLength:3"
    kv.close()


def test_range_answers_are_kept_per_snapshot_and_never_from_a_write(tmp_path):
    kv = KV(tmp_path / "kv")
    index = InvertedIndex(kv, {"class": "C", "properties": [{"name": "n", "dataType": ["int"]}]})
    kv.write(lambda txn: index.write(txn, [(i, None, {"n": i}) for i in range(10)]))
    scans = []
    original = index._scan
    index._scan = lambda *a, **kw: scans.append(1) or original(*a, **kw)  # type: ignore[method-assign]
    with kv.read() as txn:
        first = index.range(txn, "n", "LessThan", 5)
        first.add(99)  # the caller's own copy
        assert index.range(txn, "n", "LessThan", 5) == BitMap(range(5))
    with kv.read() as txn:
        assert index.range(txn, "n", "LessThan", 5) == BitMap(range(5))
    assert len(scans) == 1

    def change(txn):
        index.write(txn, [(10, None, {"n": 1})])
        assert index.range(txn, "n", "LessThan", 5) == BitMap([0, 1, 2, 3, 4, 10])  # sees its own write

    kv.write(change)
    with kv.read() as txn:
        assert index.range(txn, "n", "LessThan", 5) == BitMap([0, 1, 2, 3, 4, 10])
    assert len(scans) == 3

    def aborted(txn):
        index.write(txn, [(11, None, {"n": 2})])
        assert 11 in index.range(txn, "n", "LessThan", 5)
        raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        kv.write(aborted)
    with kv.read() as txn:
        assert index.range(txn, "n", "LessThan", 5) == BitMap([0, 1, 2, 3, 4, 10])
