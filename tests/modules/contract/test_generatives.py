"""The contract every generative module keeps, run against each provider's fake: the prompt goes out in the
provider's shape, the text and metadata come back, keys and base URLs follow the kit's rules, per-query options
override the collection's settings, images ride as the provider carries them, and faults are clear errors."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import pytest

from modules.base import GenerativeRequest, GenerativeResult, ModuleContext, ModuleError
from modules.catalog import BUILTIN_MODULES
from modules.registry import Registry
from tests.modules.contract.calls import _run
from tests.modules.contract.generative_cases import GENERATIVES, GenerativeCase
from tests.modules.contract.generative_more import MORE
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply

KEY = "sk-contract-REQUESTKEY-0123456789"
ENV_KEY = "sk-contract-SERVERKEY-9876543210"
PROMPT = "Say something about <cats> & dogs"

pytestmark = pytest.mark.parametrize("case", GENERATIVES + MORE, ids=str)


def generate(module: str, request: GenerativeRequest, config: Mapping[str, Any],
             headers: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None) -> GenerativeResult:
    async def call(m: Any, merged: Mapping[str, Any], ctx: ModuleContext) -> GenerativeResult:
        return await m.generate(request, merged, ctx)

    return _run(module, config, headers, env, call)


def echo(case: GenerativeCase) -> Any:
    def respond(request: Recorded) -> Reply:
        return Reply(200, case.answer(request, f"answer to: {case.prompt(request)}"))

    return respond


def keyed(case: GenerativeCase) -> dict[str, str]:
    return {**case.request_headers, **({case.key_header: KEY} if case.key_header else {})}


@pytest.fixture
def fake(case: GenerativeCase):
    with FakeUpstream(echo(case)) as upstream:
        yield upstream


def test_prompt_goes_out_and_text_comes_back(case: GenerativeCase, fake: FakeUpstream) -> None:
    result = generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url), keyed(case))
    assert result.text == f"answer to: {PROMPT}" and result.debug_prompt is None
    assert bool(result.metadata) is case.metadata, "the provider's metadata (usage) comes back"
    sent = fake.requests[0]
    assert sent.path == case.path and case.prompt(sent) == PROMPT
    assert sent.headers["content-type"] == "application/json"
    for name, value in case.headers.items():
        assert sent.headers[name.lower()] == value


def test_debug_returns_the_final_prompt(case: GenerativeCase, fake: FakeUpstream) -> None:
    result = generate(case.module, GenerativeRequest(PROMPT, debug=True), case.config(fake.url), keyed(case))
    assert result.debug_prompt == PROMPT


def test_query_option_overrides_the_collection_setting(case: GenerativeCase, fake: FakeUpstream) -> None:
    assert case.option is not None
    key, value, sent = case.option
    generate(case.module, GenerativeRequest(PROMPT, options={key: value}), case.config(fake.url), keyed(case))
    assert sent(fake.requests[0].body) == value
    with pytest.raises(ModuleError) as caught:
        generate(case.module, GenerativeRequest(PROMPT, options={"noSuchOption": 1}), case.config(fake.url),
                 keyed(case))
    assert caught.value.status == 422 and "noSuchOption" in caught.value.message
    assert len(fake.requests) == 1


def test_images_ride_as_the_provider_carries_them(case: GenerativeCase, fake: FakeUpstream) -> None:
    request = GenerativeRequest(PROMPT, images=("aW1hZ2Ux", "aW1hZ2Uy"))
    if case.images is None:
        with pytest.raises(ModuleError, match="does not take images"):
            generate(case.module, request, case.config(fake.url), keyed(case))
        assert fake.requests == []
        return
    generate(case.module, request, case.config(fake.url), keyed(case))
    assert case.images(fake.requests[0]) == ["aW1hZ2Ux", "aW1hZ2Uy"] and case.prompt(fake.requests[0]) == PROMPT


def test_missing_key_names_the_header_and_the_variable(case: GenerativeCase, fake: FakeUpstream) -> None:
    if case.key_optional:
        generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url))
        assert "authorization" not in fake.requests[0].headers
        return
    with pytest.raises(ModuleError) as caught:
        generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url))
    assert caught.value.status == 401
    assert str(case.key_header) in caught.value.message and str(case.key_env) in caught.value.message
    assert fake.requests == []


def test_header_key_and_environment_key(case: GenerativeCase, fake: FakeUpstream) -> None:
    generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url), keyed(case))
    generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url), case.request_headers,
             {str(case.key_env): ENV_KEY})
    assert [case.sent_key(r) for r in fake.requests] == [KEY, ENV_KEY]


def test_keys_never_reach_logs_or_errors(
    case: GenerativeCase, fake: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.queue(Reply(503, case.error(503, f"busy {KEY}")), Reply(401, case.error(401, f"bad key {KEY}")))
    with pytest.raises(ModuleError) as caught:
        generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url), keyed(case))
    assert "bad key ***" in caught.value.message
    assert KEY not in caught.value.message and KEY not in caplog.text


def test_base_url_setting_and_header(case: GenerativeCase, fake: FakeUpstream) -> None:
    generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url + "/prefix"), keyed(case))
    assert fake.requests[0].path == "/prefix" + case.path
    if case.baseurl_header is None:  # as in Weaviate, this provider has no base-URL header
        return
    with FakeUpstream(echo(case)) as elsewhere:
        generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url),
                 {str(case.baseurl_header): elsewhere.url, **keyed(case)})
        assert len(elsewhere.requests) == 1 and len(fake.requests) == 1
        with pytest.raises(ModuleError) as caught:
            generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url),
                     {str(case.baseurl_header): elsewhere.url}, {str(case.key_env): ENV_KEY})
        assert caught.value.status == 400 and len(elsewhere.requests) == 1


def test_a_host_from_the_query_never_gets_the_servers_key(case: GenerativeCase, fake: FakeUpstream) -> None:
    request = GenerativeRequest(PROMPT, options={case.host_option: fake.url + "/elsewhere"})
    with pytest.raises(ModuleError) as caught:
        generate(case.module, request, case.config(fake.url), case.request_headers, {str(case.key_env): ENV_KEY})
    assert caught.value.status == 400 and str(case.key_header) in caught.value.message and fake.requests == []
    generate(case.module, request, case.config(fake.url), keyed(case), {str(case.key_env): ENV_KEY})
    assert fake.requests[0].path.startswith("/elsewhere") and case.sent_key(fake.requests[0]) == KEY


@pytest.mark.parametrize(
    ("reply", "message"),
    [(Reply(503, b"upstream is down"), "503"), (Reply(200, b"<html>surprise</html>"), "not JSON"),
     (Reply(200, {"unexpected": True}), "malformed generate response")],
)
def test_upstream_faults_are_clear_errors(case: GenerativeCase, fake: FakeUpstream, reply: Reply, message: str) -> None:
    fake.queue(reply, reply, reply)
    with pytest.raises(ModuleError, match=message):
        generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url), keyed(case))


def test_timeout_is_a_clear_error(case: GenerativeCase, fake: FakeUpstream) -> None:
    fake.queue(lambda r: Reply(200, echo(case)(r).body, delay=1.0))
    with pytest.raises(ModuleError, match="timed out after 0.3s"):
        generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url), keyed(case),
                 {"MODULES_CLIENT_TIMEOUT": "300ms"})


def test_bad_settings_are_refused_at_creation(case: GenerativeCase) -> None:
    registry = Registry.from_env({})
    with pytest.raises(ValueError) as caught:
        registry.validate_class_config(case.module, {case.host_option: "not a url"}, {"class": "Doc"})
    message = caught.value.args[0]
    assert message.startswith(f"module '{case.module}': ") and "is not an http(s) URL" in message


def test_module_facts(case: GenerativeCase) -> None:
    registry = Registry.from_env({"ENABLE_API_BASED_MODULES": "true", "ENABLE_MODULES": case.module})
    assert registry.is_enabled(case.module) and case.module in registry.meta()
    assert Registry.from_env({"ENABLE_API_BASED_MODULES": "true"}).is_enabled(case.module) is case.api_based
    module = registry.generative(case.module)
    assert module.api_based is case.api_based and module.capability == "generative"


def _conforms(value: Any, shape: Any) -> bool:
    if value is None:
        return True
    if isinstance(shape, Mapping):
        return isinstance(value, Mapping) and all(k in shape and _conforms(v, shape[k]) for k, v in value.items())
    if isinstance(shape, list):
        return isinstance(value, list) and all(_conforms(v, shape[0]) for v in value)
    return isinstance(value, int | float) if shape is float else isinstance(value, shape)


def test_metadata_has_the_shape_the_module_declares(case: GenerativeCase, fake: FakeUpstream) -> None:
    [module] = [m for m in BUILTIN_MODULES if m.name == case.module]
    result = generate(case.module, GenerativeRequest(PROMPT), case.config(fake.url), keyed(case))
    shape = getattr(module, "metadata_fields", {})
    if shape:  # what GraphQL's `<provider> { ... }` field and the gRPC message are built from
        assert _conforms(dict(result.metadata), shape), (result.metadata, shape)
