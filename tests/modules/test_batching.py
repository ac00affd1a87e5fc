"""The core packs vectorizer requests up to the module's declared limits and keeps several in flight."""

from __future__ import annotations

import threading
import time

import pytest

from modules.kit.limits import BatchLimits, pack
from modules.openai.text2vec import OpenAIVectorizer
from tests.conftest import make_settings
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.database import Database


def test_pack_respects_the_text_count_and_the_byte_budget() -> None:
    assert pack([], BatchLimits(texts=3)) == []
    assert pack(["a"] * 7, BatchLimits(texts=3)) == [(0, 3), (3, 6), (6, 7)]
    texts = ["aaaa", "bb", "cccc", "d", "eeeeeeeeee", "f"]
    # 4+2 fits in 6; 4+1 fits; a text over the budget goes alone
    assert pack(texts, BatchLimits(texts=10, tokens=6)) == [(0, 2), (2, 4), (4, 5), (5, 6)]
    assert pack(["é" * 3, "x"], BatchLimits(texts=10, tokens=6)) == [(0, 1), (1, 2)]  # bytes, not characters


class Tracker:
    """A fake OpenAI that answers slowly and records how many requests were open at once."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay, self.open, self.most = delay, 0, 0
        self.lock = threading.Lock()

    def __call__(self, request: Recorded) -> Reply:
        with self.lock:
            self.open += 1
            self.most = max(self.most, self.open)
        time.sleep(self.delay)
        with self.lock:
            self.open -= 1
        data = [{"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0]}
                for i, t in enumerate(request.body["input"])]
        return Reply(200, {"object": "list", "data": data, "model": "m", "usage": {"prompt_tokens": 1,
                                                                                  "total_tokens": 1}})


def import_objects(tmp_path, fake: FakeUpstream, count: int, **env: str) -> list[dict]:
    db = Database(make_settings(tmp_path / "data", ENABLE_MODULES="text2vec-openai", OPENAI_APIKEY="sk-test-1234",
                                **env))
    try:
        db.create_collection({"class": "Doc", "vectorizer": "text2vec-openai",
                              "moduleConfig": {"text2vec-openai": {"baseURL": fake.url, "model": "m"}}})
        return db.batch_objects([{"class": "Doc", "properties": {"t": f"text {i}"}} for i in range(count)])
    finally:
        db.close()


def test_5000_objects_cost_as_few_requests_as_the_provider_allows(tmp_path) -> None:
    with FakeUpstream(Tracker()) as fake:
        results = import_objects(tmp_path, fake, 5000)
    assert not [r for r in results if r["error"]]
    assert sorted(len(r.body["input"]) for r in fake.requests) == [904, 2048, 2048]  # was 79 requests of 64


def test_requests_are_kept_in_flight_up_to_the_setting(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(OpenAIVectorizer, "limits", BatchLimits(texts=10))
    tracker = Tracker(delay=0.2)
    with FakeUpstream(tracker) as fake:
        results = import_objects(tmp_path, fake, 100, VECTORDB_MODULES_IN_FLIGHT="3")
    assert not [r for r in results if r["error"]]
    assert len(fake.requests) == 10 and tracker.most == 3


def test_a_bad_in_flight_setting_fails_the_objects_with_a_clear_message(tmp_path) -> None:
    with FakeUpstream(Tracker()) as fake:
        results = import_objects(tmp_path, fake, 2, VECTORDB_MODULES_IN_FLIGHT="lots")
    assert all("VECTORDB_MODULES_IN_FLIGHT must be a positive integer" in r["error"] for r in results)
    assert fake.requests == []
