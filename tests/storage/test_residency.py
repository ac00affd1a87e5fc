"""A bulk read of vectors leaves few of the data file's pages mapped into the process, and loses nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from storage.kv import KV, u64
from storage.objects import ObjectStore
from storage.residency import file_map

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/smaps")


def _mapped_kib(path: Path) -> int:
    """Resident KiB of this process's map of ``path``."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if "-" in fields[0] and len(fields) >= 5 and fields[0][0] in "0123456789abcdef" and ":" in fields[3]:
            inside = len(fields) == 6 and fields[5] == str(path)
        elif inside and fields[0] == "Rss:":
            total += int(fields[1])
    return total


def test_a_scattered_read_of_every_vector_unmaps_its_pages_and_reads_right_again(tmp_path):
    kv = KV(tmp_path / "kv", map_size=64 << 20)
    store = ObjectStore(kv, [""])
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((20_000, 128)).astype(np.float32)  # about 12 MiB of pages

    def put(txn):
        for docid, v in enumerate(vectors):
            txn.put(u64(docid), v.tobytes(), db=store.vector_dbs[""])

    kv.write(put)
    data = (tmp_path / "kv" / "data.mdb").resolve()
    order = rng.permutation(len(vectors)).astype(np.uint64)
    with kv.read() as txn:
        assert file_map(data) is not None
        got = store.vector_matrix(txn, "", order, 128)
        after_scan = _mapped_kib(data)
        again = store.vector_matrix(txn, "", order[:100], 128)
    np.testing.assert_array_equal(got, vectors[order.astype(np.int64)])
    np.testing.assert_array_equal(again, vectors[order[:100].astype(np.int64)])
    # without the release the scan maps the whole file; with it, at most the last block's pages stay
    assert after_scan < 4096, after_scan
    kv.close()


def test_the_map_is_found_again_after_the_map_grows(tmp_path):
    kv = KV(tmp_path / "kv", map_size=1 << 20)
    store = ObjectStore(kv, [""])
    with kv.read() as txn:
        store.vector_matrix(txn, "", [1], 4)  # finds the first map
    blob = np.ones(4, dtype=np.float32).tobytes()
    for i in range(3000):  # several MiB into a 1 MiB map: LMDB maps the file anew, elsewhere
        kv.write(lambda txn, i=i: txn.put(u64(i), blob + bytes(1000), db=store.vector_dbs[""]))
    kv.write(lambda txn: txn.put(u64(5), blob, db=store.vector_dbs[""]))
    with kv.read() as txn:
        np.testing.assert_array_equal(store.vector_matrix(txn, "", [5], 4), np.ones((1, 4), dtype=np.float32))
        assert kv._map_span == file_map((tmp_path / "kv" / "data.mdb").resolve())
    kv.close()
