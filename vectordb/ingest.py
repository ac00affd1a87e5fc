"""From request bodies to validated, vectorized writes: everything done before the store is touched.

Each object carries its own error, so one bad object (or one failed upstream call) fails only the objects it
concerns, and nothing of them is stored.
"""

from __future__ import annotations

import logging
import re
import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from modules.base import ModuleContext, ModuleError
from vectordb import schema
from vectordb.collection import Collection, Write, new_uuid
from vectordb.errors import UserError
from vectordb.spaces import LEGACY, VectorSpace, spaces, vector_problem
from vectordb.tenancy import check_tenant
from vectordb.vectorize import object_text
from vectordb.vectorize_batch import vectorize_packed

if TYPE_CHECKING:
    from vectordb.database import Database

log = logging.getLogger(__name__)

_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def parse_id(raw: Any) -> str:
    if raw is None or raw == "":
        return new_uuid()
    if isinstance(raw, str) and _CANONICAL_UUID.fullmatch(raw):
        return raw  # already the form str(UUID) gives; parsing it again is most of an import's id cost
    if isinstance(raw, uuidlib.UUID):
        return str(raw)
    if not isinstance(raw, str):
        raise UserError(f"invalid object: id must be a uuid string, got {type(raw).__name__}")
    try:
        return str(uuidlib.UUID(raw))
    except ValueError:
        raise UserError(f"invalid object: id '{raw}' is not a valid uuid") from None


def _flat_vector(raw: Any) -> np.ndarray:
    """A flat float32 vector; ValueError saying what is wrong with `raw` otherwise. Whether its values are
    finite and its length fits is the collection's check, made under its write lock."""
    if isinstance(raw, np.ndarray):
        if raw.dtype == np.float32 and raw.ndim == 1 and raw.size:
            return raw  # what embedded callers send: nothing to convert
        vector = raw
    elif isinstance(raw, bytes | bytearray | memoryview):
        # msgpack imports send vectors as packed little-endian float32
        if len(raw) % 4:
            raise ValueError("bytes are not a whole number of float32 values")
        vector = np.frombuffer(raw, dtype="<f4")
        if vector.size:
            return vector.astype(np.float32, copy=False)
    else:
        if not isinstance(raw, list | tuple) or not raw:
            raise ValueError("must be a non-empty list of numbers")
        if any(isinstance(x, bool) or not isinstance(x, int | float) for x in raw):
            raise ValueError("must contain only numbers")
        vector = np.asarray(raw)
    if vector.ndim != 1 or not vector.size or vector.dtype.kind not in "iuf":
        raise ValueError("must be a flat, non-empty list of numbers")
    with np.errstate(over="ignore"):  # a float64 beyond float32's range becomes infinity, refused later
        return vector.astype(np.float32)


def parse_vector(raw: Any, field: str) -> np.ndarray:
    try:
        return _flat_vector(raw)
    except ValueError as exc:
        raise UserError(f"invalid object: '{field}' {exc}") from None


def given_vectors(body: Mapping[str, Any], coll: Collection | ClassDraft) -> dict[str, np.ndarray]:
    """The vectors an object brings, keyed by internal space name."""
    out: dict[str, np.ndarray] = {}
    named = body.get("vectors")
    single = body.get("vector")
    if single is not None:
        if LEGACY in coll.spaces:
            out[LEGACY] = parse_vector(single, "vector")
        elif len(coll.spaces) == 1:
            out[next(iter(coll.spaces))] = parse_vector(single, "vector")
        else:
            raise UserError(
                f"invalid object: class {coll.name} has named vectors {sorted(coll.spaces)}; "
                "send them under 'vectors'"
            )
    if named:
        if not isinstance(named, Mapping):
            raise UserError("invalid object: 'vectors' must be an object of vector name to vector")
        for label, raw in named.items():
            name = LEGACY if (label == "default" and LEGACY in coll.spaces) else label
            if name not in coll.spaces:
                raise UserError(
                    f"invalid object: no vector named '{label}' in class {coll.name}; "
                    f"it has {sorted(s.label for s in coll.spaces.values())}"
                )
            out[name] = parse_vector(raw, f"vectors.{label}")
    return out


@dataclass
class ClassDraft:
    """A class auto-schema creates for objects of a class that does not exist: it becomes a collection only
    when the first of them is stored, so a request that stores nothing leaves no class behind."""

    body: dict[str, Any]
    class_def: dict[str, Any]
    # auto-schema makes single-tenant classes only
    tenant = None

    @property
    def name(self) -> str:
        return self.class_def["class"]

    @property
    def spaces(self) -> dict[str, VectorSpace]:
        return spaces(self.class_def)

    def get_with_vectors(self, object_id: str) -> None:
        return None


class Ingest:
    """Prepares a batch of object bodies for Collection.commit.

    Properties auto-schema infers are not added to the class here: they grow a working copy of the class
    definition (`class_def`) that later objects of the batch and the vectorizer see, and each write that uses
    them carries its raw properties so that the commit adds exactly those its stored objects need.
    """

    def __init__(
        self, db: Database, coll: Collection | ClassDraft, headers: Mapping[str, str] | None = None
    ) -> None:
        self.db = db
        self.coll = coll
        self.class_def = coll.class_def
        self._inferred: set[str] = set()
        self.ctx = ModuleContext(headers=dict(headers or {}), env=db.settings.env)
        self._stored: dict[str, tuple[dict[str, Any], dict[str, np.ndarray]] | None] = {}

    def _stored_version(self, object_id: str) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
        """The object as stored now, read once per batch however many vectors ask for it."""
        if object_id not in self._stored:
            self._stored[object_id] = self.coll.get_with_vectors(object_id)
        return self._stored[object_id]

    def prepare(self, bodies: list[Mapping[str, Any]], *, mode: str) -> list[Write]:
        writes = [self._validate(i, body, mode) for i, body in enumerate(bodies)]
        self._vectorize(writes, mode)
        return writes

    def _validate(self, position: int, body: Mapping[str, Any], mode: str) -> Write:
        write = Write(position=position, id="", properties={})
        try:
            write.id = parse_id(body.get("id"))
            check_tenant(self.coll.name, body.get("tenant"), self.coll.tenant)
            props = body.get("properties")
            if props is None:
                props = {}
            if not isinstance(props, Mapping):
                raise UserError("invalid object: 'properties' must be an object")
            if mode == "merge":
                found = self._stored_version(write.id)
                if found is None:
                    raise UserError(f"no object with id '{write.id}'", 404)
                props = {**found[0]["properties"], **props}
            coerced, new_props = schema.validate_properties(
                self.class_def, dict(props), autoschema=self.db.settings.autoschema_enabled
            )
            if new_props:
                self.class_def = schema.merge_properties(self.class_def, new_props)
                self._inferred.update(p["name"] for p in new_props)
            if self._inferred and any(isinstance(k, str) and schema.lower_first(k) in self._inferred for k in props):
                write.raw_properties = dict(props)
            write.properties = coerced
            write.vectors = dict(given_vectors(body, self.coll))
        except UserError as exc:
            write.error = exc.message
        except ValueError as exc:
            write.error = f"invalid object: {exc}"
        return write

    # vectorization ---------------------------------------------------------------------------------
    def _vectorize(self, writes: list[Write], mode: str) -> None:
        for name, space in self.coll.spaces.items():
            pending = [w for w in writes if w.error is None and name not in w.vectors]
            if not pending:
                continue
            if space.module is None:
                if mode in ("replace", "upsert"):
                    for w in pending:
                        w.vectors[name] = None
                continue
            self._vectorize_space(space, space.module, pending, mode)

    def _text(self, space: VectorSpace, properties: dict[str, Any]) -> str:
        return object_text(
            self.coll.name,
            self.class_def.get("properties") or [],
            properties,
            space.module or "",
            space.module_config,
            self.db.settings.lowercase_vectorization_input,
        )

    def _vectorize_space(self, space: VectorSpace, module_name: str, pending: list[Write], mode: str) -> None:
        todo: list[tuple[Write, str]] = []
        for w in pending:
            text = self._text(space, w.properties)
            if mode != "create":
                kept = self._unchanged_vector(space, w, text)
                if kept:
                    continue
            todo.append((w, text))
        if not todo:
            return
        try:
            module = self.db.modules.vectorizer(module_name)
        except ModuleError as exc:
            for w, _ in todo:
                w.error = exc.message
            return
        texts = [t for _, t in todo]
        try:
            packed = self.db.loop.run(vectorize_packed(module, texts, space.module_config, self.ctx))
        except ModuleError as exc:
            for w, _ in todo:
                w.error = f"vectorize: {space.module}: {exc.message}"
            return
        chunks = [todo[start:end] for (start, end), _ in packed]
        results = [result for _, result in packed]
        for chunk, result in zip(chunks, results, strict=True):
            if isinstance(result, BaseException):
                message = result.message if isinstance(result, ModuleError) else f"{type(result).__name__}: {result}"
                if not isinstance(result, ModuleError):
                    log.exception("vectorizer %s failed", space.module, exc_info=result)
                for w, _ in chunk:
                    w.error = f"vectorize: {space.module}: {message}"
                continue
            if len(result) != len(chunk):
                for w, _ in chunk:
                    w.error = (
                        f"vectorize: {space.module} returned {len(result)} vectors for {len(chunk)} texts"
                    )
                continue
            for (w, _), vector in zip(chunk, result, strict=True):
                try:
                    flat = w.vectors[space.name] = _flat_vector(vector)
                except ValueError as exc:
                    w.error = f"vectorize: {space.module}: the vector it returned {exc}"
                    continue
                problem = vector_problem(flat, None)
                if problem is not None:
                    w.error = f"vectorize: {space.module}: the vector it returned {problem}"

    def _unchanged_vector(self, space: VectorSpace, w: Write, text: str) -> bool:
        found = self._stored_version(w.id)
        if found is None:
            return False
        old, vectors = found
        if space.name not in vectors:
            return False
        return self._text(space, old["properties"]) == text

