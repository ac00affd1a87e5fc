"""The most named vectors a collection can hold is documented and enforced at creation, never a half class."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.objects import MAX_VECTORS
from tests.conftest import make_settings
from vectordb.database import Database
from vectordb.errors import UserError

ROOT = Path(__file__).resolve().parents[2]


def _named(n: int) -> dict:
    return {"class": "Many", "vectorConfig": {f"v{i}": {"vectorizer": {"none": {}}} for i in range(n)}}


def test_too_many_named_vectors_are_refused_with_422_and_nothing_is_made(tmp_path: Path) -> None:
    path = tmp_path / "data"
    with Database(make_settings(path)) as db:
        with pytest.raises(UserError, match=f"at most {MAX_VECTORS} named vectors") as err:
            db.create_collection(_named(600))
        assert err.value.status == 422
        assert not db.has_collection("Many")
        assert not list((path / "collections").iterdir())
        db.create_collection(_named(2))  # the same name works afterwards, in the same process
    with Database(make_settings(path)) as db:  # and the next start is fine
        assert db.has_collection("Many")


@pytest.fixture
def fast_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory in memory when there is one: closing saves one snapshot per vector, 2000 fsyncs on a disk."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm) as tmp:
        yield Path(tmp)


def test_the_documented_maximum_fits_in_lmdb(fast_dir: Path) -> None:
    assert f"at most {MAX_VECTORS} named vectors" in (ROOT / "README.md").read_text()
    path = fast_dir / "data"
    with Database(make_settings(path)) as db:
        db.create_collection(_named(MAX_VECTORS))
        [result] = db.batch_objects([{"class": "Many", "vectors": {f"v{MAX_VECTORS - 1}": [1.0, 0.0]}}])
        assert result["error"] is None
    with Database(make_settings(path)) as db:
        assert len(db.collection("Many").spaces) == MAX_VECTORS
