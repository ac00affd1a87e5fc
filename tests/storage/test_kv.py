"""The LMDB environment grows its map instead of failing, and the object store keeps its change log."""

from __future__ import annotations

import threading

import msgpack
import numpy as np

from storage.kv import KV, from_u64, pack, u64, unpack
from storage.objects import DELETE, UPSERT, ObjectStore


def test_map_grows_when_full(tmp_path):
    kv = KV(tmp_path / "kv", map_size=1 << 20)
    db = kv.db("data")
    blob = b"x" * 100_000
    for i in range(60):  # 6 MB into a 1 MiB map
        kv.write(lambda txn, i=i: txn.put(u64(i), blob, db=db))
    assert kv.map_size() >= 6 << 20
    with kv.read() as txn:
        assert txn.stat(db)["entries"] == 60
        assert txn.get(u64(59), db=db) == blob
    kv.close()
    reopened = KV(tmp_path / "kv", map_size=1 << 20)
    data = reopened.db("data")
    with reopened.read() as txn:
        assert txn.get(u64(0), db=data) == blob
    reopened.close()


def test_failed_write_leaves_nothing(tmp_path):
    kv = KV(tmp_path / "kv")
    db = kv.db("data")

    def boom(txn):
        txn.put(b"a", b"1", db=db)
        raise ValueError("no")

    try:
        kv.write(boom)
    except ValueError:
        pass
    with kv.read() as txn:
        assert txn.get(b"a", db=db) is None
    kv.close()


def test_readers_run_while_a_writer_grows_the_map(tmp_path):
    kv = KV(tmp_path / "kv", map_size=1 << 20)
    db = kv.db("data")
    stop = threading.Event()
    errors: list[BaseException] = []

    def reader():
        while not stop.is_set():
            try:
                with kv.read() as txn:
                    txn.stat(db)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(40):
        kv.write(lambda txn, i=i: txn.put(u64(i), b"y" * 200_000, db=db))
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    kv.close()


def test_codec_roundtrip():
    value = {"a": [1, 2.5, "x", None, True], "b": {"c": b"raw"}}
    assert unpack(pack(value)) == value
    assert from_u64(u64(2**40 + 3)) == 2**40 + 3
    assert u64(1) < u64(256)


def test_codec_reads_what_the_fast_decoder_refuses():
    # Maps with integer keys and extension types come back as msgpack gives them.
    for value in ({1: "a", "b": {2: [3]}}, msgpack.ExtType(5, b"ab"), [2**64 - 1, -(2**63)]):
        assert unpack(pack(value)) == value


def test_read_transactions_nest_and_unregister(tmp_path):
    kv = KV(tmp_path / "kv")
    db = kv.db("data")
    kv.write(lambda txn: txn.put(b"k", b"v", db=db))
    with kv.read() as outer, kv.read() as inner:
        assert outer.get(b"k", db=db) == inner.get(b"k", db=db) == b"v"
    assert not kv._readers  # a map resize or close no longer waits for them
    try:
        with kv.read():
            raise KeyError("boom")
    except KeyError:
        pass
    assert not kv._readers
    kv.close()


def test_object_store_logs_vector_changes(tmp_path):
    kv = KV(tmp_path / "kv")
    store = ObjectStore(kv, ["", "named"])
    obj = {"id": "00000000-0000-0000-0000-000000000001", "class": "C", "properties": {}, "creationTimeUnix": 1,
           "lastUpdateTimeUnix": 1, "docId": 1}
    v = np.arange(4, dtype=np.float32)
    kv.write(lambda txn: (store.put_object(txn, obj, None), store.put_vectors(txn, 1, {"": v, "named": v + 1})))
    # "" kept, "named" removed
    kv.write(lambda txn: (store.put_object(txn, obj, obj), store.put_vectors(txn, 1, {"named": None})))
    with kv.read() as txn:
        log = list(store.log_since(txn, 0))
        assert [(op, docid, name) for _, op, docid, name in log] == [
            (UPSERT, 1, ""), (UPSERT, 1, "named"), (DELETE, 1, "named")]
        assert np.array_equal(store.vector(txn, "", 1), v)
        assert store.vector(txn, "named", 1) is None
        last = store.last_seq(txn)
    kv.write(lambda txn: store.truncate_log(txn, last - 1))
    with kv.read() as txn:
        assert [seq for seq, *_ in store.log_since(txn, 0)] == [last]
    kv.write(lambda txn: store.delete(txn, obj))
    with kv.read() as txn:
        assert store.get(txn, obj["id"]) is None and store.count(txn) == 0
        assert store.vector(txn, "", 1) is None
    kv.close()


def test_vector_matrix_reads_a_block_in_order_with_nan_for_absent_and_odd_rows(tmp_path):
    kv = KV(tmp_path / "kv")
    store = ObjectStore(kv, [""])
    vectors = {docid: np.full(4, docid, dtype=np.float32) for docid in (3, 5, 2**33, 9)}
    vectors[9] = np.arange(3, dtype=np.float32)  # another length, as an older version could store

    def put(txn):
        for docid, v in vectors.items():
            txn.put(u64(docid), v.tobytes(), db=store.vector_dbs[""])

    kv.write(put)
    with kv.read() as txn:
        every = store.vector_matrix(txn, "", np.array([2**33, 3, 5], dtype=np.uint64), 4)
        np.testing.assert_array_equal(every, np.stack([vectors[2**33], vectors[3], vectors[5]]))
        mixed = store.vector_matrix(txn, "", [5, 4, 9, 3], 4)
        np.testing.assert_array_equal(mixed[[0, 3]], np.stack([vectors[5], vectors[3]]))
        assert np.isnan(mixed[[1, 2]]).all()
        assert store.vector_matrix(txn, "", [], 4).shape == (0, 4)


def test_vector_docids_names_the_ids_holding_the_vector_with_and_without_gaps(tmp_path):
    kv = KV(tmp_path / "kv")
    store = ObjectStore(kv, ["", "named"])
    v = np.arange(4, dtype=np.float32)

    def put(txn):
        for docid in range(1, 6):
            obj = {"id": f"00000000-0000-0000-0000-{docid:012d}", "class": "C", "properties": {},
                   "creationTimeUnix": 1, "lastUpdateTimeUnix": 1, "docId": docid}
            store.put_object(txn, obj, None)
        for docid in range(1, 6):
            store.put_vectors(txn, docid, {"": v, **({"named": v} if docid % 2 else {})})

    kv.write(put)
    with kv.read() as txn:
        assert list(store.vector_docids(txn, "")) == [1, 2, 3, 4, 5]  # every object has it: read from docids
        assert list(store.vector_docids(txn, "named")) == [1, 3, 5]  # some lack it: read from its own keys
    kv.close()
