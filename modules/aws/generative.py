"""generative-aws: Bedrock InvokeModel (`/model/{model}/invoke`) with the body of the model's family, as Weaviate
builds it, or a SageMaker endpoint (`/endpoints/{endpoint}/invocations`, `{"prompt"}` in, `generations[0].text`
out). Credentials, signing and hosts: modules/aws/client.py.

Families by model-id substring, in Weaviate's order (request → answer):
- `amazon.titan`: `inputText` → `results[0].outputText`
- `amazon.nova`: messages (images as `{"image": {"format": "jpg", ...}}` blocks before the text) and
  `inferenceConfig.temperature` → `output.message.content[0].text`
- `anthropic.` (Claude 3 and later): the messages API, `Image N:` text + base64 blocks, then the prompt →
  `content[0].text`; `anthropic.claude-v*` / `-instant`: the `\\n\\nHuman: … \\n\\nAssistant:` prompt → `completion`
- `ai21.` → `completions[0].data.text`; `cohere.command-r`: `message` → `text`; `cohere.` → `generations[0].text`;
  `mistral.`: `<s>[INST] P [/INST]` → `outputs[0].text`; `meta.` → `generation`
Any other model (Weaviate refuses it as unsupported) goes through Bedrock's Converse API
(`/model/{model}/converse`), which every Bedrock chat model speaks. Defaults per family (temperature, max tokens,
top_p, top_k, stop sequences) are Weaviate's; the deprecated class keys `maxTokenCount` and `maxTokensToSample`
are still read. No metadata, as in Weaviate (the families report usage in shapes of their own).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from modules.anthropic.generative import claude_content
from modules.aws.client import AWSClient, bedrock, check_region
from modules.base import GenerativeRequest, ModuleError
from modules.kit import Field
from modules.kit.generative import ApiGenerative


@dataclass(frozen=True)
class Family:
    """A Bedrock model family's defaults, as Weaviate's class settings give them."""

    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    top_k: int | None = None
    stop: list[str] | None = None
    #: The deprecated class key read when maxTokens is not set.
    legacy_max: str = "maxTokenCount"


FAMILIES = {
    "amazon.": Family(0.0, 8192, 1.0, stop=[]),
    "anthropic.": Family(1.0, 300, 0.999, 250, ["\\n\\nHuman:"], "maxTokensToSample"),
    "ai21.": Family(0.7, 300),
    "cohere.": Family(0.8, 100, 1.0),
    "mistral.": Family(0.5, 200),
    "meta.": Family(0.5, 512),
}
OTHER = Family()


def family(model: str) -> Family:
    return next((f for prefix, f in FAMILIES.items() if prefix in model), OTHER)


def kind(model: str) -> str:
    """Which body the model takes, in Weaviate's order of checks."""
    for name, marker in (("titan", "amazon.titan"), ("nova", "amazon.nova")):
        if marker in model:
            return name
    if "anthropic." in model:
        return "claude-legacy" if "anthropic.claude-v" in model or "anthropic.claude-instant" in model else "claude"
    for name, marker in (("ai21", "ai21."), ("command-r", "cohere.command-r"), ("cohere", "cohere."),
                         ("mistral", "mistral."), ("meta", "meta.")):
        if marker in model:
            return name
    return "converse"


TAKES_IMAGES = ("nova", "claude", "converse")


def _omit_none(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


@dataclass(frozen=True)
class Params:
    """The sampling settings of one request: the query's, else the collection's, else the family's defaults."""

    temperature: float | None
    max_tokens: int | None
    top_p: float | None
    top_k: int | None
    stop: list[str] | None
    #: Whether maxTokens was set (Nova gets max_new_tokens only then, the family default being Titan's 8192).
    max_tokens_given: bool


class AWSGenerativeClient(AWSClient):
    def signed_headers(self, settings: Mapping[str, Any]) -> dict[str, str]:
        if bedrock(settings):
            return {"Content-Type": "application/json", "Accept": "application/json"}
        headers = {"Content-Type": "application/json", "Accept": "*/*"}
        for key, header in (("targetModel", "X-Amzn-SageMaker-Target-Model"),
                            ("targetVariant", "X-Amzn-SageMaker-Target-Variant")):
            if settings.get(key):
                headers[header] = str(settings[key])
        return headers


class AWSGenerative(ApiGenerative):
    name = "generative-aws"
    option_name = "aws"
    client = AWSGenerativeClient
    takes_images = True
    # `endpoint` is a SageMaker endpoint's name and `region` a checked region name: only baseURL names a host.
    host_options = ("baseURL",)
    meta_name = "Generative Search - AWS"
    documentation = "https://docs.aws.amazon.com/bedrock/latest/APIReference/welcome.html"
    fields = {
        "service": Field("bedrock", choices=("bedrock", "sagemaker"), stored=False,
                         choices_message="wrong service, available services are: {choices}"),
        "region": Field(stored=False),
        "model": Field(stored=False),
        "endpoint": Field(stored=False),
        "targetModel": Field(stored=False),
        "targetVariant": Field(stored=False),
        "maxTokens": Field(type=int, stored=False),
        "maxTokenCount": Field(type=int, stored=False),
        "maxTokensToSample": Field(type=int, stored=False),
        "temperature": Field(type=float, stored=False),
        "topP": Field(type=float, stored=False),
        "topK": Field(type=int, stored=False),
        "stopSequences": Field(type=list, stored=False),
        "baseURL": Field(url=True, stored=False),
    }
    options = ("service", "region", "endpoint", "targetModel", "targetVariant", "model", "temperature", "maxTokens",
               "stopSequences", "baseURL")

    def check(self, settings: Mapping[str, Any]) -> None:
        check_region(settings)
        if bedrock(settings):
            if not settings.get("model"):
                raise ValueError("model has to be defined")
            if settings.get("endpoint"):
                raise ValueError(f"wrong configuration: {settings['endpoint']}, not applicable to bedrock")
            params = self.params(settings)
            if params.max_tokens is not None and not 1 <= params.max_tokens <= 8192:
                raise ValueError("maxTokens has to be an integer value between 1 and 8096")
            if params.temperature is not None and not 0 <= params.temperature <= 1:
                raise ValueError("temperature has to be float value between 0 and 1")
            if params.top_p is not None and not 0 <= params.top_p <= 1:
                raise ValueError("topP has to be an integer value between 0 and 1")
        else:
            if not settings.get("endpoint"):
                raise ValueError("endpoint cannot be empty")
            if settings.get("model"):
                raise ValueError("wrong configuration: model, not applicable to sagemaker. did you mean targetModel")

    def params(self, settings: Mapping[str, Any]) -> Params:
        defaults = family(str(settings.get("model") or "")) if bedrock(settings) else OTHER
        given = settings.get("maxTokens") or settings.get(defaults.legacy_max)
        stop = settings.get("stopSequences")
        return Params(
            temperature=settings.get("temperature") if settings.get("temperature") is not None
            else defaults.temperature,
            max_tokens=given or defaults.max_tokens,
            top_p=settings.get("topP") if settings.get("topP") is not None else defaults.top_p,
            top_k=settings.get("topK") or defaults.top_k,
            stop=list(stop) if stop is not None else defaults.stop,
            max_tokens_given=bool(settings.get("maxTokens")),
        )

    def request(self, request: GenerativeRequest, settings: Mapping[str, Any]) -> tuple[str, Any]:
        if not bedrock(settings):
            if request.images:
                raise ModuleError(f"{self.name}: SageMaker endpoints take no images", 422)
            return f"/endpoints/{quote(str(settings['endpoint']), safe='')}/invocations", {"prompt": request.prompt}
        model = str(settings["model"])
        body_kind = kind(model)
        if request.images and body_kind not in TAKES_IMAGES:
            raise ModuleError(f"{self.name}: model {model!r} takes no images", 422)
        p = self.params(settings)
        prompt = request.prompt
        if body_kind == "converse":
            return f"/model/{quote(model, safe='')}/converse", self._converse(request, p)
        bodies: dict[str, Any] = {
            "titan": lambda: {"inputText": prompt},
            "nova": lambda: {"messages": [{"role": "user", "content": [
                *({"image": {"format": "jpg", "source": {"bytes": image}}} for image in request.images),
                {"text": prompt}]}],
                "inferenceConfig": _omit_none({"temperature": p.temperature,
                                               "max_new_tokens": p.max_tokens if p.max_tokens_given else None})},
            "claude": lambda: _omit_none({"anthropic_version": "bedrock-2023-05-31", "max_tokens": p.max_tokens,
                                          "temperature": p.temperature,
                                          "messages": [{"role": "user", "content": claude_content(request)}]}),
            "claude-legacy": lambda: _omit_none({
                "prompt": f"\n\nHuman: {prompt}\n\nAssistant:", "max_tokens_to_sample": p.max_tokens,
                "temperature": p.temperature, "stop_sequences": p.stop or None, "top_k": p.top_k, "top_p": p.top_p,
                "anthropic_version": "bedrock-2023-05-31"}),
            "ai21": lambda: {**_omit_none({"prompt": prompt, "maxTokens": p.max_tokens, "temperature": p.temperature,
                                           "top_p": p.top_p, "stop_sequences": p.stop or None}),
                             "countPenalty": {}, "presencePenalty": {}, "frequencyPenalty": {}},
            "command-r": lambda: {"message": prompt},
            "cohere": lambda: _omit_none({"prompt": prompt, "max_tokens": p.max_tokens, "temperature": p.temperature}),
            "mistral": lambda: _omit_none({"prompt": f"<s>[INST] {prompt} [/INST]", "max_tokens": p.max_tokens,
                                           "temperature": p.temperature}),
            "meta": lambda: _omit_none({"prompt": prompt, "max_gen_len": p.max_tokens, "temperature": p.temperature}),
        }
        return f"/model/{quote(model, safe='')}/invoke", bodies[body_kind]()

    def _converse(self, request: GenerativeRequest, p: Params) -> dict[str, Any]:
        content = [*({"image": {"format": "jpeg", "source": {"bytes": image}}} for image in request.images),
                   {"text": request.prompt}]
        config = _omit_none({"maxTokens": p.max_tokens, "temperature": p.temperature, "topP": p.top_p,
                             "stopSequences": p.stop or None})
        return {"messages": [{"role": "user", "content": content}], **({"inferenceConfig": config} if config else {})}

    def answer(self, answer: Any, settings: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        if not bedrock(settings):
            if answer.get("message") or answer.get("Message"):
                raise ModuleError(f"connection to AWS Sagemaker failed with status: 200 error: "
                                  f"{answer.get('message') or answer.get('Message')}", 500)
            generation = answer["generations"][0]
            if not generation.get("id"):
                raise ModuleError("received empty response from AWS Sagemaker", 500)
            return generation["text"], {}
        body_kind = kind(str(settings["model"]))
        readers: dict[str, Any] = {
            "titan": lambda a: a["results"][0]["outputText"],
            "nova": lambda a: a["output"]["message"]["content"][0]["text"],
            "converse": lambda a: a["output"]["message"]["content"][0]["text"],
            "claude": lambda a: a["content"][0]["text"],
            "claude-legacy": lambda a: a["completion"],
            "ai21": lambda a: a["completions"][0]["data"]["text"],
            "command-r": lambda a: a["text"],
            "cohere": lambda a: a["generations"][0]["text"],
            "mistral": lambda a: a["outputs"][0]["text"],
            "meta": lambda a: a["generation"],
        }
        return readers[body_kind](answer), {}

