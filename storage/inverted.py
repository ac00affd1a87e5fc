"""The inverted index of one collection: filterable and searchable property postings, BM25 statistics.

Named databases in the collection's LMDB environment (key prefix P = property name + NUL):

| db | key | value |
|---|---|---|
| `inv:filter` | P + encoded value | tag + roaring bitmap of docids |
| `inv:search` | P + term | tag + u32 n, n u32 docids (ascending), n u32 term counts, n u32 prop lengths |
| `inv:len` | P + encoded length | roaring bitmap (text runes, array items or references; present values) |
| `inv:meta` | `all`, `p` NUL prop (value present), `n` NUL prop (present and not empty) | roaring bitmap |
| `inv:geo` | P + u32 docid | two float64: latitude, longitude |
| `inv:stats` | property name | u64 docs with the property, u64 total tokens (BM25 average length) |

Encoded values sort the way the values compare, so a range filter is one cursor walk: numbers (int,
number, dates as microseconds, timestamps as milliseconds) are float64 with the sign bit flipped, text
tokens are UTF-8, booleans one byte, uuids and reference targets their 16 raw bytes.

LMDB keys hold at most 511 bytes. A value longer than _TRUNC bytes (a long text under `field`
tokenization) is keyed by its first _TRUNC bytes plus a hash, and the full value is kept in the entry
(tag 1) so equality, ranges and Like still see the real value.

Null state and property lengths are indexed for every object; whether a filter may use them is decided by
invertedIndexConfig at query time. Properties of type object/object[], phoneNumber and blob are not indexed
in this version: filtering on them is refused with a message saying so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import re
import struct
import uuid as uuidlib
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyroaring import BitMap

from storage.analyzer import Analyzer, analyzer_for
from storage.errors import StorageError
from storage.kv import KV
from storage.snapshot_cache import SnapshotCache
from storage.tokenize import (
    FIELD,
    WORD,
)
from storage.wildcard import compile_like

log = logging.getLogger(__name__)

ID_PROP = "_id"
CREATION_PROP = "_creationTimeUnix"
UPDATE_PROP = "_lastUpdateTimeUnix"
TIMESTAMP_PROPS = (CREATION_PROP, UPDATE_PROP)

ONLY_STOPWORDS = (
    "invalid search term, only stopwords provided. Stopwords can be configured in "
    "class.invertedIndexConfig.stopwords"
)

RANGE_OPS = ("GreaterThan", "GreaterThanEqual", "LessThan", "LessThanEqual")
COMPARE_OPS = ("Equal", "NotEqual", *RANGE_OPS)

EARTH_RADIUS_M = 6371e3  # Weaviate's geo distancer

# Kinds of property, by how their values are indexed.
TEXT = "text"
NUMBER = "number"  # int, number and the ms timestamps
DATE = "date"
BOOL = "boolean"
UUID = "uuid"
GEO = "geo"
REF = "ref"
UNINDEXED = "unindexed"  # object, object[], phoneNumber, blob
_KIND_BY_TYPE = {
    "text": TEXT,
    "string": TEXT,
    "int": NUMBER,
    "number": NUMBER,
    "boolean": BOOL,
    "date": DATE,
    "uuid": UUID,
    "geoCoordinates": GEO,
    "phoneNumber": UNINDEXED,
    "blob": UNINDEXED,
    "object": UNINDEXED,
}

_DB_FILTER = "inv:filter"
_DB_SEARCH = "inv:search"
_DB_LEN = "inv:len"
_DB_META = "inv:meta"
_DB_GEO = "inv:geo"
_DB_STATS = "inv:stats"
_ALL_KEY = b"all"
_TRUNC = 200
_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")
_F64 = struct.Struct(">d")
_STATS = struct.Struct(">QQ")
_GEO = struct.Struct(">dd")
_SIGN = 1 << 63
_MASK64 = (1 << 64) - 1
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$"
)


class FilterError(StorageError, ValueError):
    """A filter or keyword search the index cannot answer as asked; the message says how to fix it."""


@dataclass(frozen=True)
class PropInfo:
    """What the index needs to know about one property."""

    name: str
    data_type: str
    kind: str
    is_array: bool
    tokenization: str
    filterable: bool
    searchable: bool
    analyzer: Analyzer = field(default_factory=Analyzer)


# ---------------------------------------------------------------------------------------------------------
# value encoding


def number_key(value: float) -> bytes:
    """Eight bytes whose byte order is the numeric order of value (-0.0 and 0.0 encode alike)."""
    x = float(value)
    if x == 0.0:
        x = 0.0
    (bits,) = _U64.unpack(_F64.pack(x))
    bits = (~bits & _MASK64) if bits & _SIGN else bits | _SIGN
    return _U64.pack(bits)


def rfc3339_micros(text: str) -> int:
    """Microseconds since the epoch of an RFC3339 date-time string, exactly (no float rounding)."""
    m = _RFC3339.match(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise ValueError(f"{text!r} is not an RFC3339 date-time such as 2006-01-02T15:04:05Z")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac, zulu, sign, off_h, off_m = m.group(7), m.group(8), m.group(9), m.group(10), m.group(11)
    try:
        days = dt.date(year, month, day).toordinal() - _EPOCH_ORDINAL
    except ValueError as e:
        raise ValueError(f"{text!r} is not a valid date: {e}") from None
    if hour > 23 or minute > 59 or second > 60:
        raise ValueError(f"{text!r} has an invalid time of day")
    seconds = days * 86400 + hour * 3600 + minute * 60 + second
    if not zulu:
        offset = int(off_h) * 3600 + int(off_m) * 60
        seconds -= offset if sign == "+" else -offset
    micros = int((frac or "")[:6].ljust(6, "0"))
    return seconds * 1_000_000 + micros


def _uuid_bytes(value: Any) -> bytes:
    try:
        return uuidlib.UUID(str(value)).bytes
    except ValueError:
        raise FilterError(f"{value!r} is not a valid uuid") from None


def beacon_uuid(beacon: str) -> str:
    """The target uuid of a beacon `weaviate://localhost/<Class>/<uuid>` (the class part is optional)."""
    return str(uuidlib.UUID(beacon.rstrip("/").rsplit("/", 1)[-1]))


def _key(prefix: bytes, value: bytes) -> bytes:
    if len(value) <= _TRUNC:
        return prefix + value
    return prefix + value[:_TRUNC] + hashlib.blake2b(value, digest_size=16).digest()


def _wrap(value: bytes, payload: bytes) -> bytes:
    if len(value) <= _TRUNC:
        return b"\x00" + payload
    return b"\x01" + _U32.pack(len(value)) + value + payload


def _unwrap(key: bytes, prefix_len: int, raw: bytes) -> tuple[bytes, bytes]:
    """(the full indexed value, the payload) of one entry."""
    if raw[0] == 0:
        return key[prefix_len:], raw[1:]
    (n,) = _U32.unpack_from(raw, 1)
    return raw[5 : 5 + n], raw[5 + n :]


def _prefix(prop: str) -> bytes:
    return prop.encode() + b"\x00"


_ID_PREFIX = _prefix(ID_PROP)


def _decode_postings(payload: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (n,) = _U32.unpack_from(payload, 0)
    arr = np.frombuffer(payload, dtype=">u4", count=3 * n, offset=4).astype(np.uint32)
    return arr[:n], arr[n : 2 * n], arr[2 * n :]


def _encode_postings(ids: np.ndarray, tf: np.ndarray, ln: np.ndarray) -> bytes:
    return _U32.pack(len(ids)) + np.concatenate([ids, tf, ln]).astype(">u4").tobytes()


# ---------------------------------------------------------------------------------------------------------
# schema


def _prop_info(prop: dict, inverted_config: dict) -> PropInfo:
    data_type = (prop.get("dataType") or ["text"])[0]
    base = data_type[:-2] if data_type.endswith("[]") else data_type
    kind = _KIND_BY_TYPE.get(base)
    if kind is None:
        # A cross-reference names its target classes, which start upper case.
        kind = REF if base[:1].isupper() else UNINDEXED
    is_array = data_type.endswith("[]") or kind == REF
    return PropInfo(
        name=prop["name"],
        data_type=data_type if kind != REF else "reference",
        kind=kind,
        is_array=is_array,
        tokenization=prop.get("tokenization") or WORD,
        filterable=prop.get("indexFilterable", True) is not False,
        searchable=kind == TEXT and prop.get("indexSearchable", True) is not False,
        analyzer=analyzer_for(prop, inverted_config),
    )


_PSEUDO = {
    ID_PROP: PropInfo(ID_PROP, "text", TEXT, False, FIELD, True, False, Analyzer(FIELD)),
    CREATION_PROP: PropInfo(CREATION_PROP, "int", NUMBER, False, FIELD, True, False, Analyzer(FIELD)),
    UPDATE_PROP: PropInfo(UPDATE_PROP, "int", NUMBER, False, FIELD, True, False, Analyzer(FIELD)),
}


class _Delta:
    """Per key, the net change per docid within one batch: last write wins, True adds, False removes."""

    def __init__(self) -> None:
        self.keys: dict[bytes, tuple[bytes, dict[int, Any]]] = {}

    def set(self, key: bytes, value: bytes, docid: int, entry: Any) -> None:
        try:
            self.keys[key][1][docid] = entry
        except KeyError:
            self.keys[key] = (value, {docid: entry})


class InvertedIndex:
    """Filterable and searchable postings of one collection, kept in the collection's LMDB environment."""

    def __init__(self, kv: KV, class_def: dict) -> None:
        self.kv = kv
        kv.open_dbs([_DB_FILTER, _DB_SEARCH, _DB_LEN, _DB_META, _DB_GEO, _DB_STATS])
        self._f = kv.db(_DB_FILTER)
        self._s = kv.db(_DB_SEARCH)
        self._len = kv.db(_DB_LEN)
        self._meta = kv.db(_DB_META)
        self._geo = kv.db(_DB_GEO)
        self._stats = kv.db(_DB_STATS)
        self._ranges = SnapshotCache(kv.env)
        self.set_schema(class_def)

    def set_schema(self, class_def: dict) -> None:
        """Take a new class definition (properties added later are indexed from then on)."""
        self.class_name = class_def.get("class", "")
        config = class_def.get("invertedIndexConfig") or {}
        self.props: dict[str, PropInfo] = {
            p["name"]: _prop_info(p, config) for p in class_def.get("properties") or []
        }
        self.index_null_state = bool(config.get("indexNullState"))
        self.index_property_length = bool(config.get("indexPropertyLength"))
        self.index_timestamps = bool(config.get("indexTimestamps"))
        bm25 = config.get("bm25") or {}
        self.k1 = float(bm25.get("k1", 1.2))
        self.b = float(bm25.get("b", 0.75))

    # ------------------------------------------------------------------------------------------------
    # writing

    def write(self, txn: Any, changes: list[tuple[int, dict | None, dict | None]]) -> None:
        """Apply a batch of (docid, old properties or None, new properties or None) in the caller's txn.

        Postings are aggregated first, so each key is read and written once however many objects touch it.
        """
        batch = _Batch()
        for docid, old, new in changes:
            if docid < 0 or docid > 0xFFFFFFFF:
                raise StorageError(f"docid {docid} does not fit the 32-bit posting lists")
            if old is not None:
                self._collect(batch, docid, old, add=False)
            if new is not None:
                self._collect(batch, docid, new, add=True)
            batch.meta.set(_ALL_KEY, _ALL_KEY, docid, new is not None)
        self._apply_bitmaps(txn, self._f, batch.filter)
        self._apply_bitmaps(txn, self._len, batch.lengths)
        self._apply_bitmaps(txn, self._meta, batch.meta)
        self._apply_postings(txn, batch.search)
        for key, point in batch.geo.items():
            if point is None:
                txn.delete(key, db=self._geo)
            else:
                txn.put(key, _GEO.pack(*point), db=self._geo)
        for name, (docs, tokens) in batch.stats.items():
            key = name.encode()
            raw = txn.get(key, db=self._stats)
            old_docs, old_tokens = _STATS.unpack(raw) if raw else (0, 0)
            txn.put(key, _STATS.pack(max(0, old_docs + docs), max(0, old_tokens + tokens)), db=self._stats)

    def _collect(self, batch: _Batch, docid: int, props: dict, add: bool) -> None:
        for name, value in props.items():
            if value is None:
                continue
            if name == ID_PROP:
                # A stored id is a canonical uuid: field tokenization leaves it whole.
                raw = value.encode()
                batch.filter.set(_key(_ID_PREFIX, raw), raw, docid, add)
                continue
            if name in TIMESTAMP_PROPS and not self.index_timestamps:
                continue  # no filter reads them (indexTimestamps is immutable), so they cost writes only
            info = self.props.get(name) or _PSEUDO.get(name)
            if info is None:
                log.debug("property %r of %s is not in the schema; not indexed", name, self.class_name)
                continue
            try:
                self._collect_prop(batch, docid, info, value, add)
            except (ValueError, TypeError, KeyError, AttributeError) as e:
                # Values were validated before they were stored, so this is a schema/value mismatch left
                # by an older version; the object stays readable, it is just not found by this property.
                log.warning("not indexing %s.%s of doc %d: %s", self.class_name, name, docid, e)

    def _collect_prop(self, batch: _Batch, docid: int, info: PropInfo, value: Any, add: bool) -> None:
        name = info.name
        prefix = _prefix(name)
        items = value if isinstance(value, list) else [value]
        length: int | None = len(items) if info.is_array else None
        if info.kind == TEXT:
            texts = [str(t) for t in items]
            if not info.is_array:
                length = len(texts[0])
            counts = info.analyzer.counts(texts)
            total = sum(counts.values())
            for token, tf in counts.items():
                raw = token.encode()
                key = _key(prefix, raw)
                if info.filterable:
                    batch.filter.set(key, raw, docid, add)
                if info.searchable:
                    batch.search.set(key, raw, docid, (tf, total) if add else None)
            if info.searchable:
                batch.add_stats(name, 1 if add else -1, total if add else -total)
        elif info.kind in (NUMBER, DATE, BOOL, UUID, REF):
            encode = self._encoder(info)
            keys = [encode(v) for v in items]
            if info.filterable:
                for raw in keys:
                    batch.filter.set(_key(prefix, raw), raw, docid, add)
        elif info.kind == GEO:
            point = (float(value["latitude"]), float(value["longitude"]))
            if info.filterable:
                batch.geo[prefix + _U32.pack(docid)] = point if add else None
        if info.name in _PSEUDO:
            return
        batch.meta.set(b"p\x00" + name.encode(), b"", docid, add)
        if length != 0:
            batch.meta.set(b"n\x00" + name.encode(), b"", docid, add)
        if length is not None:
            raw = number_key(length)
            batch.lengths.set(prefix + raw, raw, docid, add)

    def _encoder(self, info: PropInfo) -> Callable[[Any], bytes]:
        if info.kind == NUMBER:
            return _encode_number
        if info.kind == DATE:
            return lambda v: number_key(rfc3339_micros(v))
        if info.kind == BOOL:
            return _encode_bool
        if info.kind == UUID:
            return _uuid_bytes
        return lambda ref: _uuid_bytes(beacon_uuid(ref["beacon"]))

    def _apply_bitmaps(self, txn: Any, db: Any, delta: _Delta) -> None:
        for key, (value, docs) in delta.keys.items():
            raw = txn.get(key, db=db)
            bm = BitMap.deserialize(_unwrap(key, 0, raw)[1]) if raw else BitMap()
            removed = [d for d, present in docs.items() if not present]
            if removed:
                bm -= BitMap(removed)
            bm.update([d for d, present in docs.items() if present])
            if bm:
                txn.put(key, _wrap(value, bm.serialize()), db=db)
            elif raw:
                txn.delete(key, db=db)

    def _apply_postings(self, txn: Any, delta: _Delta) -> None:
        for key, (value, docs) in delta.keys.items():
            raw = txn.get(key, db=self._s)
            touched = np.fromiter(docs.keys(), dtype=np.uint32, count=len(docs))
            added = [(d, e[0], e[1]) for d, e in docs.items() if e is not None]
            if raw:
                ids, tf, ln = _decode_postings(_unwrap(key, 0, raw)[1])
                # Fresh inserts get docids above every stored one: nothing to remove, nothing to re-sort.
                appending = bool(len(ids)) and int(touched.min()) > int(ids[-1])
                if not appending:
                    keep = ~np.isin(ids, touched)
                    ids, tf, ln = ids[keep], tf[keep], ln[keep]
            else:
                ids = tf = ln = np.empty(0, dtype=np.uint32)
                appending = False
            if added:
                new = np.array(added, dtype=np.uint32)
                new = new[np.argsort(new[:, 0], kind="stable")]
                ids = np.concatenate([ids, new[:, 0]])
                tf = np.concatenate([tf, new[:, 1]])
                ln = np.concatenate([ln, new[:, 2]])
                if not appending:
                    order = np.argsort(ids, kind="stable")
                    ids, tf, ln = ids[order], tf[order], ln[order]
            if len(ids):
                txn.put(key, _wrap(value, _encode_postings(ids, tf, ln)), db=self._s)
            elif raw:
                txn.delete(key, db=self._s)

    # ------------------------------------------------------------------------------------------------
    # schema lookups for queries

    def prop(self, name: str) -> PropInfo:
        info = self.props.get(name) or _PSEUDO.get(name)
        if info is None:
            raise FilterError(
                f"no such prop with name '{name}' found in class '{self.class_name}' in the schema"
            )
        return info

    def _filter_source(self, name: str, kinds: tuple[str, ...] | None = None) -> tuple[PropInfo, Any, bool]:
        """(info, db, is_search_db) to answer a value filter on name; text falls back to its BM25 postings."""
        info = self.prop(name)
        if info.kind == UNINDEXED:
            raise FilterError(
                f"Filtering by property '{name}' of type {info.data_type} is not supported: "
                "object, phoneNumber and blob properties are not indexed"
            )
        if kinds is not None and info.kind not in kinds:
            raise FilterError(f"property '{name}' of type {info.data_type} cannot be used with this operator")
        if name in TIMESTAMP_PROPS and not self.index_timestamps:
            raise FilterError(
                "Timestamps must be indexed to be filterable! Add `IndexTimestamps: true` to the "
                f"InvertedIndexConfig in {self.class_name}"
            )
        if info.filterable:
            return info, self._f, False
        if info.searchable:
            return info, self._s, True
        raise FilterError(
            f"Filtering by property '{name}' requires inverted index. Is `indexFilterable` option of "
            f"property '{name}' enabled? Set it to `true` or leave empty"
        )

    def _filter_tokens(self, info: PropInfo, value: Any) -> list[bytes]:
        """Index tokens a text filter value stands for; stopwords drop out under word tokenization."""
        text = str(value)
        if info.name == ID_PROP:
            text = _canonical_uuid(text)
        tokens = info.analyzer.query_tokens(text)
        if not tokens:
            raise FilterError(ONLY_STOPWORDS)
        return [t.encode() for t in dict.fromkeys(tokens)]

    def _encode_filter_value(self, info: PropInfo, value: Any) -> bytes:
        if info.kind == REF:
            return _uuid_bytes(value)
        if info.kind == NUMBER:
            if isinstance(value, str):  # timestamps come as ms strings (valueText)
                value = _parse_int(value)
            return _encode_number(value)
        if info.kind == DATE:
            try:
                return number_key(rfc3339_micros(value))
            except ValueError as e:
                raise FilterError(str(e)) from None
        return self._encoder(info)(value)

    # ------------------------------------------------------------------------------------------------
    # reading

    def all_docs(self, txn: Any) -> BitMap:
        return self._meta_bitmap(txn, _ALL_KEY)

    def equal(self, txn: Any, prop: str, value: Any) -> BitMap:
        """Docs whose prop equals value; for text, docs holding every token of value."""
        info, db, is_search = self._filter_source(prop, (TEXT, NUMBER, DATE, BOOL, UUID, REF))
        prefix = _prefix(prop)
        if info.kind == TEXT:
            result: BitMap | None = None
            for token in self._filter_tokens(info, value):
                bm = self._bitmap_at(txn, db, is_search, prefix, token)
                result = bm if result is None else result & bm
                if not result:
                    break
            return result if result is not None else BitMap()
        return self._bitmap_at(txn, db, is_search, prefix, self._encode_filter_value(info, value))

    def not_equal(self, txn: Any, prop: str, value: Any) -> BitMap:
        """Weaviate's NotEqual: for text, docs holding none of the value's tokens; otherwise all but Equal."""
        info, db, is_search = self._filter_source(prop, (TEXT, NUMBER, DATE, BOOL, UUID, REF))
        if info.kind == TEXT:
            prefix = _prefix(prop)
            hits = [self._bitmap_at(txn, db, is_search, prefix, t) for t in self._filter_tokens(info, value)]
            return self.all_docs(txn) - BitMap.union(*hits)
        return self.all_docs(txn) - self.equal(txn, prop, value)

    def range(self, txn: Any, prop: str, op: str, value: Any) -> BitMap:
        """GreaterThan/GreaterThanEqual/LessThan/LessThanEqual; text compares tokens (all must match)."""
        info, db, is_search = self._filter_source(prop, (TEXT, NUMBER, DATE, BOOL, UUID))
        # A range reads every posting list it spans: the answer is kept for the snapshot (storage/snapshot_cache)
        key = (prop, info.kind, info.tokenization, is_search, op, type(value).__name__, value)
        if not isinstance(value, Hashable):
            return self._range(txn, info, db, is_search, op, value)
        return self._ranges.get(txn, key, lambda: self._range(txn, info, db, is_search, op, value))

    def _range(self, txn: Any, info: PropInfo, db: Any, is_search: bool, op: str, value: Any) -> BitMap:
        prop = info.name
        bounds = _bounds(op)
        prefix = _prefix(prop)
        if info.kind == TEXT:
            result: BitMap | None = None
            for token in self._filter_tokens(info, value):
                bm = self._scan(txn, db, is_search, prefix, *bounds(token))
                result = bm if result is None else result & bm
                if not result:
                    break
            return result if result is not None else BitMap()
        return self._scan(txn, db, is_search, prefix, *bounds(self._encode_filter_value(info, value)))

    def like(self, txn: Any, prop: str, pattern: str, interrupt: Callable[[], None] | None = None) -> BitMap:
        """Docs with a token matching the pattern (`?` one character, `*` any run) for every pattern token.

        `interrupt` is called before each stored value is tested; it raises to stop a scan that runs too long.
        """
        info, db, is_search = self._filter_source(prop, (TEXT,))
        tokens = info.analyzer.pattern_tokens(str(pattern))
        if not tokens:
            raise FilterError(ONLY_STOPWORDS)
        prefix = _prefix(prop)
        result: BitMap | None = None
        for token in dict.fromkeys(tokens):
            matches = compile_like(token)
            literal = re.match(r"[^?*]*", token).group(0).encode()  # type: ignore[union-attr]

            def match(value: bytes, matches: Callable[[str], bool] = matches) -> bool:
                if interrupt is not None:
                    interrupt()
                return matches(value.decode())

            bm = self._scan(
                txn,
                db,
                is_search,
                prefix,
                (literal, True) if literal else None,
                None,
                within=literal[:_TRUNC],
                match=match,
            )
            result = bm if result is None else result & bm
            if not result:
                break
        return result if result is not None else BitMap()

    def contains(self, txn: Any, prop: str, values: Iterable[Any], mode: str) -> BitMap:
        """ContainsAny ("any"), ContainsAll ("all") or ContainsNone ("none") over values.

        A text value counts as present when all its tokens are; under ContainsAny a value made only of
        stopwords is skipped unless every value is.
        """
        if mode not in ("any", "all", "none"):
            raise FilterError(f"contains mode must be any, all or none, not {mode!r}")
        info = self.prop(prop)
        values = list(values)
        hits: list[BitMap] = []
        for value in values:
            try:
                hits.append(self.equal(txn, prop, value))
            except FilterError as e:
                if mode == "any" and info.kind == TEXT and str(e) == ONLY_STOPWORDS:
                    continue
                raise
        if not hits:
            if mode == "any" and info.kind == TEXT and values:
                raise FilterError(ONLY_STOPWORDS)
            return BitMap() if mode == "any" else self.all_docs(txn)
        if mode == "all":
            return BitMap.intersection(*hits)
        union = BitMap.union(*hits)
        return union if mode == "any" else self.all_docs(txn) - union

    def is_null(self, txn: Any, prop: str, is_null: bool) -> BitMap:
        """Docs where prop is missing, null or empty ("" or []) when is_null, the others otherwise."""
        info = self.prop(prop)
        if not self.index_null_state:
            raise FilterError(
                "Nullstate must be indexed to be filterable! "
                "Add `indexNullState: true` to the invertedIndexConfig"
            )
        if info.name in _PSEUDO:
            return BitMap() if is_null else self.all_docs(txn)
        not_null = self._meta_bitmap(txn, b"n\x00" + prop.encode())
        return self.all_docs(txn) - not_null if is_null else not_null

    def length(self, txn: Any, prop: str, op: str, value: int) -> BitMap:
        """len(prop) filters: characters of a text, items of an array, references of a cross-reference."""
        info = self.prop(prop)
        if not self.index_property_length:
            raise FilterError(
                "Property length must be indexed to be filterable! add `IndexPropertyLength: true` to the "
                f"invertedIndexConfig in {self.class_name}.  Geo-coordinates, phone numbers and data blobs "
                "are not supported by property length."
            )
        if not (info.kind == TEXT or info.is_array) or info.name in _PSEUDO:
            raise FilterError(
                f"len({prop}) is not supported: property '{prop}' of type {info.data_type} has no length; "
                "use it on text, array and reference properties"
            )
        return self._length_filter(txn, prop, op, value)

    def ref_count(self, txn: Any, prop: str, op: str, value: int) -> BitMap:
        """Docs by how many references prop holds (a filter on a reference property with valueInt)."""
        info = self.prop(prop)
        if info.kind != REF:
            raise FilterError(f"property '{prop}' is not a cross-reference; reference counts need one")
        if not info.filterable:
            raise FilterError(
                f"Searching by property '{prop}' count requires inverted index. Is `indexFilterable` "
                f"option of property '{prop}' enabled? Set it to `true` or leave empty"
            )
        return self._length_filter(txn, prop, op, value)

    def _length_filter(self, txn: Any, prop: str, op: str, value: int) -> BitMap:
        if op not in COMPARE_OPS:
            raise FilterError(f"operator {op} cannot be used on the length of '{prop}'")
        prefix = _prefix(prop)
        if op in ("Equal", "NotEqual"):
            bm = self._bitmap_at(txn, self._len, False, prefix, number_key(value))
            zero = value == 0
        else:
            bm = self._scan(txn, self._len, False, prefix, *_bounds(op)(number_key(value)))
            zero = _compare(op, 0, value)
        if zero:  # docs without the property have length 0
            bm |= self.all_docs(txn) - self._meta_bitmap(txn, b"p\x00" + prop.encode())
        return self.all_docs(txn) - bm if op == "NotEqual" else bm

    def geo_within(self, txn: Any, prop: str, lat: float, lon: float, max_metres: float) -> BitMap:
        """Docs whose geoCoordinates lie within max_metres (haversine, Earth radius 6371 km) of lat/lon."""
        self._filter_source(prop, (GEO,))
        prefix = _prefix(prop)
        ids: list[int] = []
        points: list[bytes] = []
        cursor = txn.cursor(db=self._geo)
        if cursor.set_range(prefix):
            for key, raw in cursor:
                if not key.startswith(prefix):
                    break
                ids.append(_U32.unpack_from(key, len(prefix))[0])
                points.append(raw)
        if not ids:
            return BitMap()
        coords = np.frombuffer(b"".join(points), dtype=">f8").reshape(-1, 2)
        dist = haversine_m(lat, lon, coords[:, 0], coords[:, 1])
        return BitMap(np.asarray(ids, dtype=np.uint32)[dist <= max_metres])

    # ------------------------------------------------------------------------------------------------
    # BM25

    def searchable_properties(self) -> list[str]:
        return [p.name for p in self.props.values() if p.searchable]

    def bm25(
        self,
        txn: Any,
        query: str,
        properties: list[tuple[str, float]] | None,
        allow: BitMap | None,
        limit: int,
        k1: float,
        b: float,
        operator: str = "Or",
        minimum_match: int = 1,
        corpus: Mapping[str, Any] | None = None,
    ) -> list[tuple[int, float, str]]:
        """Top `limit` (docid, score, explain) by BM25 over the given properties (boosts as weights).

        Per property and query term: idf = ln(1 + (N - n + 0.5) / (n + 0.5)) with N the docs having the
        property and n those having the term; tf' = f / (f + k1 * (1 - b + b * len / avglen)); the doc's
        score sums tf' * idf * boost over terms and properties. A term repeated in the query counts that
        many times. With operator "And" a property contributes only when the doc has all of its query
        terms there; with "Or" when it has at least minimum_match of them. limit <= 0 returns every hit.
        `corpus` (from `bm25_corpus`, summed over the shards of a collection) replaces this store's N, token
        total and n, so that each shard scores as the whole collection would.
        """
        if operator not in ("Or", "And"):
            raise FilterError(f"bm25 search operator must be 'Or' or 'And', not {operator!r}")
        targets = self._bm25_targets(properties)
        if allow is not None and not allow:
            return []
        allow_ids = None if allow is None else np.frombuffer(allow.to_array(), dtype=np.uint32)
        per_prop: list[tuple[np.ndarray, np.ndarray]] = []
        details: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]] = []
        for info, boost in targets:
            doc_count, total_len = corpus["props"][info.name] if corpus else self._prop_stats(txn, info.name)
            avg_len = total_len / doc_count if doc_count and total_len else 40.0
            terms = self._query_terms(info, query)
            if not terms:
                continue
            ids_parts, score_parts = [], []
            for term, repeats in terms.items():
                ids, tf, ln = self._postings(txn, info.name, term.encode())
                n = len(ids)
                if n == 0:
                    continue
                if corpus:
                    n = corpus["df"][info.name][term]
                big_n = max(doc_count, n)
                idf = math.log(1.0 + (big_n - n + 0.5) / (n + 0.5))
                if allow_ids is not None:
                    keep = np.isin(ids, allow_ids)
                    ids, tf, ln = ids[keep], tf[keep], ln[keep]
                if not len(ids):
                    continue
                f = tf.astype(np.float64)
                norm = f / (f + k1 * (1.0 - b + b * ln.astype(np.float64) / avg_len))
                ids_parts.append(ids)
                score_parts.append(norm * (idf * repeats * boost))
                details.append((info.name, term, ids, tf, ln))
            if not ids_parts:
                continue
            required = len(terms) if operator == "And" else max(1, int(minimum_match or 1))
            uniq, sums, counts = _sum_by_doc(np.concatenate(ids_parts), np.concatenate(score_parts))
            keep = counts >= required
            per_prop.append((uniq[keep], sums[keep]))
        if not per_prop:
            return []
        if len(per_prop) == 1:
            uniq, scores = per_prop[0]
        else:
            uniq, scores, _ = _sum_by_doc(np.concatenate([p[0] for p in per_prop]),
                                          np.concatenate([p[1] for p in per_prop]))
        if limit and 0 < limit < len(uniq):
            # Only the top `limit` are sorted; every tie with the last of them stays, so the lowest docids win.
            kth = np.partition(-scores, limit - 1)[limit - 1]
            near = np.flatnonzero(-scores <= kth)
            uniq, scores = uniq[near], scores[near]
        order = np.lexsort((uniq, -scores))
        if limit and limit > 0:
            order = order[:limit]
        top = uniq[order]
        return list(zip(top.tolist(), scores[order].tolist(), _explain(top, details), strict=True))

    def bm25_corpus(self, txn: Any, query: str, properties: list[tuple[str, float]] | None) -> dict[str, Any]:
        """This store's part of the statistics a bm25 query uses: per property (docs, tokens) and each query
        term's document count. Summed over shards they are the `corpus` of `bm25`."""
        props: dict[str, tuple[int, int]] = {}
        df: dict[str, dict[str, int]] = {}
        for info, _ in self._bm25_targets(properties):
            props[info.name] = self._prop_stats(txn, info.name)
            df[info.name] = {t: len(self._postings(txn, info.name, t.encode())[0])
                             for t in self._query_terms(info, query)}
        return {"props": props, "df": df}

    def _bm25_targets(self, properties: list[tuple[str, float]] | None) -> list[tuple[PropInfo, float]]:
        if properties is None:
            return [(p, 1.0) for p in self.props.values() if p.searchable]
        boosts: dict[str, float] = {}
        for name, boost in properties:
            info = self.prop(name)
            if info.kind != TEXT or info.name in _PSEUDO:
                raise FilterError(
                    f"bm25 cannot search property '{name}' of type {info.data_type}; "
                    "only text and text[] properties are searchable"
                )
            if not info.searchable:
                raise FilterError(
                    f"Searching by property '{name}' requires inverted index. Is `indexSearchable` option of "
                    f"property '{name}' enabled? Set it to `true` or leave empty"
                )
            boosts[name] = float(boost)  # a repeated property counts once, with its last boost
        return [(self.props[name], boost) for name, boost in boosts.items()]

    def _query_terms(self, info: PropInfo, query: str) -> dict[str, int]:
        tokens = info.analyzer.query_tokens(query)
        counts: dict[str, int] = {}
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
        return counts

    def _prop_stats(self, txn: Any, name: str) -> tuple[int, int]:
        raw = txn.get(name.encode(), db=self._stats)
        return _STATS.unpack(raw) if raw else (0, 0)

    def property_stats(self, txn: Any, name: str) -> dict[str, float]:
        """BM25 statistics of a searchable property: docs having it, total and mean token count."""
        docs, tokens = self._prop_stats(txn, name)
        return {"docs": docs, "tokens": tokens, "mean": tokens / docs if docs else 0.0}

    def _postings(self, txn: Any, name: str, term: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        prefix = _prefix(name)
        key = _key(prefix, term)
        raw = txn.get(key, db=self._s)
        if raw:
            value, payload = _unwrap(key, len(prefix), raw)
            if value == term:
                return _decode_postings(payload)
        empty = np.empty(0, dtype=np.uint32)
        return empty, empty, empty

    # ------------------------------------------------------------------------------------------------
    # postings access

    def _meta_bitmap(self, txn: Any, key: bytes) -> BitMap:
        raw = txn.get(key, db=self._meta)
        return BitMap.deserialize(raw[1:]) if raw else BitMap()

    def _bitmap_at(self, txn: Any, db: Any, is_search: bool, prefix: bytes, value: bytes) -> BitMap:
        key = _key(prefix, value)
        raw = txn.get(key, db=db)
        if not raw:
            return BitMap()
        full, payload = _unwrap(key, len(prefix), raw)
        if full != value:
            return BitMap()
        return _payload_bitmap(payload, is_search)

    def _scan(
        self,
        txn: Any,
        db: Any,
        is_search: bool,
        prefix: bytes,
        low: tuple[bytes, bool] | None,
        high: tuple[bytes, bool] | None,
        *,
        within: bytes = b"",
        match: Callable[[bytes], bool] | None = None,
    ) -> BitMap:
        """Union of the postings of prop values between low and high (value, inclusive) that match."""
        cursor = txn.cursor(db=db)
        if not cursor.set_range(prefix + (low[0][:_TRUNC] if low else b"")):
            return BitMap()
        plen = len(prefix)
        high_visible = high[0][:_TRUNC] if high else b""
        parts = []
        for key, raw in cursor:
            if not key.startswith(prefix):
                break
            visible = key[plen : plen + _TRUNC]
            if high is not None and visible > high_visible:
                break
            if within and not visible.startswith(within):
                break
            value, payload = _unwrap(key, plen, raw)
            if low is not None and (value < low[0] or (value == low[0] and not low[1])):
                continue
            if high is not None and (value > high[0] or (value == high[0] and not high[1])):
                continue
            if match is not None and not match(value):
                continue
            parts.append(_payload_bitmap(payload, is_search))
        return BitMap.union(*parts) if parts else BitMap()


class _Batch:
    """Everything one write batch changes, grouped by key."""

    def __init__(self) -> None:
        self.filter = _Delta()
        self.search = _Delta()
        self.lengths = _Delta()
        self.meta = _Delta()
        self.geo: dict[bytes, tuple[float, float] | None] = {}
        self.stats: dict[str, list[int]] = {}

    def add_stats(self, name: str, docs: int, tokens: int) -> None:
        slot = self.stats.setdefault(name, [0, 0])
        slot[0] += docs
        slot[1] += tokens


def _payload_bitmap(payload: bytes, is_search: bool) -> BitMap:
    if is_search:
        return BitMap(_decode_postings(payload)[0])
    return BitMap.deserialize(payload)


def _encode_number(value: Any) -> bytes:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FilterError(f"{value!r} is not a number")
    return number_key(value)


def _encode_bool(value: Any) -> bytes:
    if not isinstance(value, bool):
        raise FilterError(f"{value!r} is not a boolean")
    return b"\x01" if value else b"\x00"


def _parse_int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise FilterError(f"expected value to be timestamp, got '{text}'") from None


def _canonical_uuid(text: str) -> str:
    try:
        return str(uuidlib.UUID(text.strip()))
    except ValueError:
        return text


def _compare(op: str, a: float, b: float) -> bool:
    return {
        "Equal": a == b,
        "NotEqual": a != b,
        "GreaterThan": a > b,
        "GreaterThanEqual": a >= b,
        "LessThan": a < b,
        "LessThanEqual": a <= b,
    }[op]


def _bounds(op: str) -> Callable[[bytes], tuple[tuple[bytes, bool] | None, tuple[bytes, bool] | None]]:
    if op == "GreaterThan":
        return lambda v: ((v, False), None)
    if op == "GreaterThanEqual":
        return lambda v: ((v, True), None)
    if op == "LessThan":
        return lambda v: (None, (v, False))
    if op == "LessThanEqual":
        return lambda v: (None, (v, True))
    raise FilterError(f"{op} is not a range operator; use one of {', '.join(RANGE_OPS)}")


def haversine_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances in metres from (lat, lon) to each point."""
    phi1 = math.radians(lat)
    phi2 = np.radians(lats)
    dphi = np.radians(lats - lat)
    dlmb = np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return EARTH_RADIUS_M * 2 * np.arctan2(np.sqrt(a), np.sqrt(np.clip(1 - a, 0.0, None)))


def _sum_by_doc(ids: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct ids ascending, the sum of their weights, how often each occurs).

    The ids are a few sorted posting lists end to end: a stable sort merges those runs, and summing over the
    runs of equal ids then costs less than np.unique's inverse mapping."""
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    first = np.empty(len(ids), dtype=bool)
    first[:1] = True
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(ids)))
    return ids[starts], np.add.reduceat(weights[order], starts) if len(ids) else weights, counts


def _explain(docids: np.ndarray, details: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]]) -> list[str]:
    """Weaviate's explainScore text per doc: `, BM25F_<term>_frequency:<f>, BM25F_<term>_propLength:<len>`..."""
    parts: list[list[str]] = [[] for _ in range(len(docids))]
    for _prop, term, ids, tf, ln in details:
        at = np.minimum(np.searchsorted(ids, docids), len(ids) - 1)
        for row in np.flatnonzero(ids[at] == docids).tolist():
            i = at[row]
            parts[row].append(f", BM25F_{term}_frequency:{int(tf[i])}, BM25F_{term}_propLength:{int(ln[i])}")
    return ["".join(p) for p in parts]
