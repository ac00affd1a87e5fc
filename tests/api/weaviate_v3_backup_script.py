"""The official v3 client's backup API against two servers sharing one backup directory, in the v3 client's venv.

Usage: python weaviate_v3_backup_script.py <source url> <target url>. Exits non-zero on the first failed check.
"""

from __future__ import annotations

import sys

import weaviate
from weaviate.exceptions import BackupFailedException, UnexpectedStatusCodeException

QUERY = '{ Get { Doc(nearVector: {vector: [1, 0.5]}, limit: 4) { t _additional { id distance } } } }'


def main(source_url: str, target_url: str) -> None:
    source, target = weaviate.Client(source_url), weaviate.Client(target_url)
    source.schema.create_class({"class": "Doc", "vectorizer": "none",
                                "properties": [{"name": "t", "dataType": ["text"]}]})
    with source.batch(batch_size=10, dynamic=False) as batch:
        for i in range(30):
            batch.add_data_object({"t": f"doc {i}"}, "Doc", vector=[1.0, i / 30])
    before = source.query.raw(QUERY)
    created = source.backup.create(backup_id="v3", backend="filesystem", include_classes=["Doc"],
                                   wait_for_completion=True)
    assert created["status"] == "SUCCESS" and created["classes"] == ["Doc"], created
    assert source.backup.get_create_status("v3", "filesystem")["status"] == "SUCCESS"
    try:
        source.backup.create(backup_id="v3", backend="filesystem")
        raise AssertionError("a second backup with the same id was accepted")
    except UnexpectedStatusCodeException as exc:
        assert exc.status_code == 422 and "already exists" in str(exc), exc
    restored = target.backup.restore(backup_id="v3", backend="filesystem", wait_for_completion=True)
    assert restored["status"] == "SUCCESS", restored
    assert target.backup.get_restore_status("v3", "filesystem")["status"] == "SUCCESS"
    assert target.query.raw(QUERY) == before, (target.query.raw(QUERY), before)
    count = target.query.aggregate("Doc").with_meta_count().do()
    assert count["data"]["Aggregate"]["Doc"][0]["meta"]["count"] == 30
    try:
        target.backup.restore(backup_id="v3", backend="filesystem", wait_for_completion=True)
        raise AssertionError("a restore over an existing class succeeded")
    except BackupFailedException as exc:
        assert "class name Doc already exists" in str(exc), exc
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
