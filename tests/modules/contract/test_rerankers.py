"""The contract every API-based reranker keeps, run against each provider's fake."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import pytest

from modules.base import ModuleError
from modules.registry import Registry
from tests.modules.contract.calls import RERANK_QUERY, rerank
from tests.modules.contract.case import RerankerCase, expected_score
from tests.modules.contract.cases import RERANKERS
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply

KEY = "sk-contract-REQUESTKEY-0123456789"
ENV_KEY = "sk-contract-SERVERKEY-9876543210"
DOCS = ["a short one", "the longest document of them all", "mid length doc"]

pytestmark = pytest.mark.parametrize("case", RERANKERS, ids=str)


def good(case: RerankerCase, transform: Any = None) -> Any:
    def respond(request: Recorded) -> Reply:
        _, documents = case.documents(request)
        scores = [expected_score(d) for d in documents]
        if transform is not None:
            scores = transform(scores)
        return Reply(200, case.answer(request, scores))

    return respond


def keyed(case: RerankerCase) -> dict[str, str]:
    return {case.key_header: KEY} if case.key_header else {}


@pytest.fixture
def fake(case: RerankerCase):
    with FakeUpstream(good(case)) as upstream:
        yield upstream


def test_scores_come_back_in_document_order(case: RerankerCase, fake: FakeUpstream) -> None:
    assert rerank(case.module, DOCS, case.config(fake.url), keyed(case)) == [expected_score(d) for d in DOCS]
    query, sent = case.documents(fake.requests[0])
    assert query == RERANK_QUERY and sent == DOCS


def test_many_documents_go_in_chunks_and_come_back_in_order(case: RerankerCase, fake: FakeUpstream) -> None:
    module = Registry.from_env({}).reranker(case.module)
    documents = [f"doc {'x' * (i % 7)} {i}" for i in range(module.max_documents + 3)]
    assert rerank(case.module, documents, case.config(fake.url), keyed(case)) == [expected_score(d) for d in documents]
    assert sorted(len(case.documents(r)[1]) for r in fake.requests) == [3, module.max_documents]


def test_missing_key_names_the_header_and_the_variable(case: RerankerCase, fake: FakeUpstream) -> None:
    if case.key_header is None:
        pytest.skip(f"{case.module} takes no key")
    with pytest.raises(ModuleError) as caught:
        rerank(case.module, DOCS, case.config(fake.url))
    assert caught.value.status == 401
    assert case.key_header in caught.value.message and (case.key_env or "") in caught.value.message
    assert fake.requests == []


def test_header_key_and_environment_key(case: RerankerCase, fake: FakeUpstream) -> None:
    if case.key_header is None:
        pytest.skip(f"{case.module} takes no key")
    rerank(case.module, DOCS, case.config(fake.url), keyed(case))
    rerank(case.module, DOCS, case.config(fake.url), {}, {str(case.key_env): ENV_KEY})
    assert [case.sent_key(r) for r in fake.requests] == [KEY, ENV_KEY]


def test_keys_never_reach_logs_or_errors(
    case: RerankerCase, fake: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    if case.key_header is None:
        pytest.skip(f"{case.module} takes no key")
    caplog.set_level(logging.DEBUG)
    fake.queue(Reply(503, case.error(503, f"busy {KEY}")), Reply(401, case.error(401, f"bad key {KEY}")))
    with pytest.raises(ModuleError) as caught:
        rerank(case.module, DOCS, case.config(fake.url), keyed(case))
    assert "bad key ***" in caught.value.message
    assert KEY not in caught.value.message and KEY not in caplog.text


def test_base_url_setting_and_header(case: RerankerCase, fake: FakeUpstream) -> None:
    rerank(case.module, DOCS, case.config(fake.url + "/prefix"), keyed(case))
    assert fake.requests[0].path.startswith("/prefix/")
    if case.baseurl_header is None:
        return
    with FakeUpstream(good(case)) as elsewhere:
        rerank(case.module, DOCS, case.config(fake.url), {case.baseurl_header: elsewhere.url, **keyed(case)})
        assert len(elsewhere.requests) == 1 and len(fake.requests) == 1
        if case.key_header is not None:
            with pytest.raises(ModuleError) as caught:
                rerank(case.module, DOCS, case.config(fake.url), {case.baseurl_header: elsewhere.url},
                       {str(case.key_env): ENV_KEY})
            assert caught.value.status == 400 and len(elsewhere.requests) == 1


def test_429_with_retry_after_is_waited_for_and_retried(case: RerankerCase, fake: FakeUpstream) -> None:
    fake.queue(Reply(429, case.error(429, "slow down"), headers={"Retry-After": "0.4"}))
    started = time.monotonic()
    assert rerank(case.module, DOCS, case.config(fake.url), keyed(case)) == [expected_score(d) for d in DOCS]
    assert time.monotonic() - started >= 0.4 and len(fake.requests) == 2


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(503, b"upstream is down"), "503"),
        (Reply(200, b"<html>surprise</html>"), "not JSON"),
    ],
)
def test_upstream_faults_are_clear_errors(case: RerankerCase, fake: FakeUpstream, reply: Reply, message: str) -> None:
    fake.queue(reply, reply, reply)
    with pytest.raises(ModuleError, match=message):
        rerank(case.module, DOCS, case.config(fake.url), keyed(case))


def test_timeout_is_a_clear_error(case: RerankerCase, fake: FakeUpstream) -> None:
    fake.queue(lambda r: Reply(200, good(case)(r).body, delay=1.0))
    with pytest.raises(ModuleError, match="timed out after 0.3s"):
        rerank(case.module, DOCS, case.config(fake.url), keyed(case), {"MODULES_CLIENT_TIMEOUT": "300ms"})


def test_wrong_count_and_nan_are_errors(case: RerankerCase, fake: FakeUpstream) -> None:
    fake.queue(lambda r: Reply(200, case.answer(r, [0.5, 0.25])))
    with pytest.raises(ModuleError, match="returned 2 scores for 3 documents"):
        rerank(case.module, DOCS, case.config(fake.url), keyed(case))
    fake.queue(good(case, lambda scores: [scores[0], math.nan, scores[2]]))
    with pytest.raises(ModuleError, match="score nan"):
        rerank(case.module, DOCS, case.config(fake.url), keyed(case))


def test_bad_settings_are_refused_at_creation(case: RerankerCase) -> None:
    registry = Registry.from_env({})
    for config, fragment in [({"baseURL": "not a url"}, "is not an http(s) URL"), *case.bad_settings]:
        with pytest.raises(ValueError) as caught:
            registry.validate_class_config(case.module, config, {"class": "Doc"})
        assert caught.value.args[0].startswith(f"module '{case.module}': ") and fragment in caught.value.args[0]


def test_module_facts(case: RerankerCase) -> None:
    registry = Registry.from_env({"ENABLE_API_BASED_MODULES": "true", "ENABLE_MODULES": case.module})
    assert registry.is_enabled(case.module) and case.module in registry.meta()
    assert Registry.from_env({"ENABLE_API_BASED_MODULES": "true"}).is_enabled(case.module) is case.api_based
    module = registry.reranker(case.module)
    assert module.api_based is case.api_based and module.capability == "reranker"
