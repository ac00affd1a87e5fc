"""The contract every API-based text2vec module keeps, run against each provider's fake.

Keys (missing, never leaked, header over env), base URLs (setting, header, the request-supplied rule),
upstream faults (429 with Retry-After, 5xx, timeout, non-JSON, wrong count, NaN), empty text, order, and
settings refused at collection creation.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import numpy as np
import pytest

from modules.base import ModuleError
from modules.registry import Registry
from tests.modules.contract.calls import embed
from tests.modules.contract.case import VectorizerCase, expected_vector
from tests.modules.contract.cases import VECTORIZERS
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply

KEY = "sk-contract-REQUESTKEY-0123456789"
ENV_KEY = "sk-contract-SERVERKEY-9876543210"

pytestmark = pytest.mark.parametrize("case", VECTORIZERS, ids=str)


def good(case: VectorizerCase, transform: Any = None) -> Any:
    """A responder answering each text with its expected vector; `transform` may spoil the vectors."""

    def respond(request: Recorded) -> Reply:
        vectors = [expected_vector(t) for t in case.texts(request)]
        if transform is not None:
            return Reply(200, transform(request, vectors))
        return Reply(200, case.answer(request, vectors))

    return respond


def keyed(case: VectorizerCase) -> dict[str, str]:
    return {**case.headers, **({case.key_header: KEY} if case.key_header else {})}


@pytest.fixture
def fake(case: VectorizerCase):
    with FakeUpstream(good(case)) as upstream:
        yield upstream


def test_vectors_come_back_in_input_order(case: VectorizerCase, fake: FakeUpstream) -> None:
    texts = ["a", "bb", "ccc"]
    for query in (False, True):
        vectors = embed(case.module, texts, case.config(fake.url), keyed(case), query=query)
        assert [v.tolist() for v in vectors] == [expected_vector(t) for t in texts]
        assert all(v.dtype == np.float32 for v in vectors)
    if case.shuffle is not None:
        fake.queue(lambda r: Reply(200, case.shuffle(case.answer(r, [expected_vector(t) for t in case.texts(r)]))))
        vectors = embed(case.module, texts, case.config(fake.url), keyed(case))
        assert [v.tolist() for v in vectors] == [expected_vector(t) for t in texts]


def test_missing_key_names_the_header_and_the_variable(case: VectorizerCase, fake: FakeUpstream) -> None:
    if case.key_header is None or case.key_optional:
        pytest.skip(f"{case.module} takes no key")
    with pytest.raises(ModuleError) as caught:
        embed(case.module, ["x"], case.config(fake.url), case.headers)
    assert caught.value.status == 401
    assert case.key_header in caught.value.message and (case.key_env or "") in caught.value.message
    assert fake.requests == []


def test_header_key_beats_the_environment(case: VectorizerCase, fake: FakeUpstream) -> None:
    if case.key_header is None or case.key_env is None:
        pytest.skip(f"{case.module} takes no key")
    env = {str(case.key_env): ENV_KEY}
    embed(case.module, ["x"], case.config(fake.url), keyed(case), env)
    embed(case.module, ["x"], case.config(fake.url), case.headers, env)
    assert [case.sent_key(r) for r in fake.requests] == [KEY, ENV_KEY]


def test_keys_never_reach_logs_or_errors(
    case: VectorizerCase, fake: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    if case.key_header is None:
        pytest.skip(f"{case.module} takes no key")
    caplog.set_level(logging.DEBUG)
    fake.queue(Reply(503, case.error(503, f"busy, {KEY}")), Reply(401, case.error(401, f"bad key {KEY}")))
    with pytest.raises(ModuleError) as caught:
        embed(case.module, ["x"], case.config(fake.url), keyed(case))
    assert "bad key ***" in caught.value.message
    if case.key_env is None:
        assert KEY not in caplog.text and KEY not in caught.value.message
        return
    fake.queue(*[Reply(500, case.error(500, f"oops {ENV_KEY}"))] * 3)
    with pytest.raises(ModuleError) as env_caught:
        embed(case.module, ["x"], case.config(fake.url), case.headers, {case.key_env: ENV_KEY})
    assert "oops ***" in env_caught.value.message
    for secret in (KEY, ENV_KEY):
        assert secret not in caplog.text
        assert secret not in caught.value.message and secret not in env_caught.value.message


def test_base_url_setting_keeps_its_path_prefix(case: VectorizerCase, fake: FakeUpstream) -> None:
    embed(case.module, ["x"], case.config(fake.url + "/prefix"), keyed(case))
    (request,) = fake.requests
    assert request.path.startswith("/prefix/")


def test_base_url_header_overrides_the_setting_and_needs_the_request_key(
    case: VectorizerCase, fake: FakeUpstream
) -> None:
    if case.baseurl_header is None:
        pytest.skip(f"{case.module} has no base-URL header")
    with FakeUpstream(good(case)) as elsewhere:
        headers = {case.baseurl_header: elsewhere.url, **keyed(case)}
        (vector,) = embed(case.module, ["x"], case.config(fake.url), headers)
        assert vector.tolist() == expected_vector("x") and fake.requests == []
        assert case.sent_key(elsewhere.requests[0]) == KEY
        if case.key_header is not None:
            env = {str(case.key_env): ENV_KEY}
            with pytest.raises(ModuleError) as caught:
                embed(case.module, ["x"], case.config(fake.url), {**case.headers, case.baseurl_header: elsewhere.url},
                      env)
            assert caught.value.status == 400 and case.key_header in caught.value.message
            assert len(elsewhere.requests) == 1 and fake.requests == []


def test_429_with_retry_after_is_waited_for_and_retried(case: VectorizerCase, fake: FakeUpstream) -> None:
    fake.queue(Reply(429, case.error(429, "slow down"), headers={"Retry-After": "0.4"}))
    started = time.monotonic()
    (vector,) = embed(case.module, ["hello"], case.config(fake.url), keyed(case))
    assert time.monotonic() - started >= 0.4
    assert len(fake.requests) == 2 and vector.tolist() == expected_vector("hello")


def test_5xx_is_retried_then_reported_with_the_providers_message(
    case: VectorizerCase, fake: FakeUpstream
) -> None:
    fake.queue(*[Reply(503, case.error(503, "overloaded right now"))] * 3)
    with pytest.raises(ModuleError) as caught:
        embed(case.module, ["x"], case.config(fake.url), keyed(case))
    assert "503" in caught.value.message and "overloaded right now" in caught.value.message
    assert len(fake.requests) == 3


def test_timeout_is_a_clear_error(case: VectorizerCase, fake: FakeUpstream) -> None:
    fake.queue(lambda r: Reply(200, case.answer(r, [expected_vector(t) for t in case.texts(r)]), delay=1.0))
    with pytest.raises(ModuleError, match="timed out after 0.3s"):
        embed(case.module, ["x"], case.config(fake.url), keyed(case), {"MODULES_CLIENT_TIMEOUT": "300ms"})


def test_non_json_answer_is_a_clear_error(case: VectorizerCase, fake: FakeUpstream) -> None:
    fake.queue(Reply(200, b"<html>surprise</html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(ModuleError, match="not JSON"):
        embed(case.module, ["x"], case.config(fake.url), keyed(case))


def test_wrong_number_of_vectors_is_an_error(case: VectorizerCase, fake: FakeUpstream) -> None:
    fake.queue(good(case, lambda r, vectors: case.answer(r, vectors[:-1])))
    with pytest.raises(ModuleError, match="returned 2 embeddings for 3 inputs"):
        embed(case.module, ["a", "b", "c"], case.config(fake.url), keyed(case))


def test_nan_in_a_vector_is_an_error(case: VectorizerCase, fake: FakeUpstream) -> None:
    def spoil(request: Recorded, vectors: list[Any]) -> Any:
        body = case.answer(request, vectors)
        vectors[1][0] = math.nan  # the answer holds the same lists, so the NaN lands in the body
        return body

    fake.queue(good(case, spoil))
    with pytest.raises(ModuleError, match="NaN"):
        embed(case.module, ["a", "b"], case.config(fake.url), keyed(case))


def test_empty_text_is_refused_before_any_call(case: VectorizerCase, fake: FakeUpstream) -> None:
    with pytest.raises(ModuleError, match="text 1 of the batch is empty") as caught:
        embed(case.module, ["a", ""], case.config(fake.url), keyed(case))
    assert caught.value.status == 422 and fake.requests == []


def test_bad_settings_are_refused_at_creation(case: VectorizerCase) -> None:
    registry = Registry.from_env({})
    class_def = {"class": "Doc", "properties": [{"name": "t", "dataType": ["text"]}]}
    for config, fragment in [({"baseURL": "not a url"}, "is not an http(s) URL"), *case.bad_settings]:
        with pytest.raises(ValueError) as caught:
            registry.validate_class_config(case.module, config, class_def)
        assert caught.value.args[0].startswith(f"module '{case.module}': ") and fragment in caught.value.args[0]
    registry.validate_class_config(case.module, case.config("http://127.0.0.1:9"), class_def)


def test_module_facts(case: VectorizerCase) -> None:
    registry = Registry.from_env({"ENABLE_API_BASED_MODULES": "true", "ENABLE_MODULES": case.module})
    assert registry.is_enabled(case.module) and case.module in registry.meta()
    assert Registry.from_env({"ENABLE_API_BASED_MODULES": "true"}).is_enabled(case.module) is case.api_based
    module = registry.vectorizer(case.module)
    assert module.api_based is case.api_based and module.capability == "text2vec"
    defaults = registry.class_defaults(case.module)
    assert defaults["vectorizeClassName"] is module.vectorize_class_name
