"""One node without Ray stays the default: serving and querying never import Ray or the cluster's routing."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys, tempfile
from vectordb.api.app import create_app
from vectordb.config import Settings
from vectordb.database import Database
from vectordb.query.request import SearchRequest
db = Database(Settings.from_env({"PERSISTENCE_DATA_PATH": tempfile.mkdtemp()}))
create_app(db)
db.create_collection({"class": "A", "vectorizer": "none"})
db.batch_objects([{"class": "A", "properties": {"t": "x"}, "vector": [1.0, 0.0]}])
db.search(SearchRequest(collection="A", near_vector={"vector": [1.0, 0.0]}))
db.nodes(verbose=True)
db.shards("A")
db.close()
watched = ("ray.", "mmh3", "vectordb.cluster.routing", "vectordb.cluster.replica")
print(sorted(m for m in sys.modules if m == "ray" or m.startswith(watched)))
"""


def test_one_node_never_imports_ray():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_sharded_count_on_one_node_is_refused_and_says_what_to_do(db):
    import pytest

    from vectordb.errors import UserError

    with pytest.raises(UserError, match="desiredCount"):
        db.create_collection({"class": "B", "shardingConfig": {"desiredCount": 3}})
    with pytest.raises(UserError, match="replication factor"):
        db.create_collection({"class": "B", "replicationConfig": {"factor": 2}})


def test_a_sharded_collection_without_a_cluster_refuses_to_open_and_says_how(tmp_path):
    import pytest

    from tests.conftest import make_settings
    from vectordb.cluster import STATE_FILE
    from vectordb.database import Database

    (tmp_path / "collections" / "Big").mkdir(parents=True)
    (tmp_path / "collections" / "Big" / STATE_FILE).write_text("{}")
    with pytest.raises(RuntimeError, match="--ray-address"):
        Database(make_settings(tmp_path))
