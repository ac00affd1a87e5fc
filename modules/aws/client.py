"""AWS's wire, shared by text2vec-aws and generative-aws: Bedrock (`https://bedrock-runtime.{region}.amazonaws.com`)
or SageMaker (`https://runtime.sagemaker.{region}.amazonaws.com`), every request signed with SigV4 through
botocore (the `aws` extra).

Credentials: X-Aws-Access-Key, else AWS_ACCESS_KEY_ID / AWS_ACCESS_KEY; X-Aws-Secret-Key, else
AWS_SECRET_ACCESS_KEY / AWS_SECRET_KEY; X-Aws-Session-Token, else AWS_SESSION_TOKEN (optional). `baseURL`
replaces the host; the request is still signed for the service and region. `region` must be a plain region
name: it builds the host. Errors read `connection to AWS failed with status: S error: <x-amzn-ErrorType> M`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from modules import http
from modules.base import ModuleContext, ModuleError
from modules.kit import ProviderClient

if TYPE_CHECKING:
    import httpx  # annotations only: httpx loads when a request is first sent (modules/http.py)

CREDENTIALS = (
    ("X-Aws-Access-Key", ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY")),
    ("X-Aws-Secret-Key", ("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY")),
    ("X-Aws-Session-Token", ("AWS_SESSION_TOKEN",)),
)
REGION = re.compile(r"[a-z0-9-]+")


def bedrock(settings: Mapping[str, Any]) -> bool:
    return settings["service"] == "bedrock"


def check_region(settings: Mapping[str, Any]) -> None:
    """ValueError unless `region` is set and a plain name (it goes into the host)."""
    region = settings.get("region")
    if not region:
        raise ValueError("region needs to be set")
    if not REGION.fullmatch(str(region)):
        raise ValueError(f"region {region!r} is not an AWS region name")


def _lookup(ctx: ModuleContext, header: str, env_vars: tuple[str, ...]) -> tuple[str | None, bool]:
    if ctx.header(header):
        return ctx.header(header), False
    value = next((ctx.env[v] for v in env_vars if ctx.env.get(v)), None)
    return value, value is not None


def credentials(ctx: ModuleContext) -> list[str | None]:
    found = [_lookup(ctx, header, env_vars)[0] for header, env_vars in CREDENTIALS]
    for (header, env_vars), value in zip(CREDENTIALS[:2], found[:2], strict=True):
        if not value:
            raise ModuleError(f"no AWS credential found neither in request header: {header} nor in environment "
                              f"variable under {' or '.join(env_vars)}", 401)
    return found


def sign(url: str, body: bytes, service: str, region: str, keys: list[str | None],
         headers: Mapping[str, str]) -> dict[str, str]:
    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
    except ImportError:
        raise ModuleError("the aws modules need botocore: pip install 'vectordb[aws]'", 500) from None
    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    SigV4Auth(Credentials(keys[0], keys[1], keys[2]), service, region).add_auth(request)
    return dict(request.headers.items())


class AWSClient(ProviderClient):
    provider = "AWS"
    # Named for the messages and for the kit's rule on hosts given by a query (key() below).
    key_header, key_env = CREDENTIALS[0][0], CREDENTIALS[0][1][0]

    def key(self, ctx: ModuleContext, settings: Mapping[str, Any]) -> tuple[str | None, bool]:
        """The access key and whether it came from the environment."""
        return _lookup(ctx, *CREDENTIALS[0])

    def base_url(self, settings: Mapping[str, Any]) -> str:
        host = "bedrock-runtime" if bedrock(settings) else "runtime.sagemaker"
        return str(settings.get("baseURL") or f"https://{host}.{settings['region']}.amazonaws.com")

    def error_message(self, response: httpx.Response, detail: str | None, settings: Mapping[str, Any]) -> str:
        kind = response.headers.get("x-amzn-ErrorType", "").split(":")[0]
        return f"connection to AWS failed with status: {response.status_code} error: {kind} {detail}".replace("  ", " ")

    def error_detail(self, body: Any) -> str | None:
        if isinstance(body, Mapping) and body.get("Message"):
            return str(body["Message"])
        return super().error_detail(body)

    def signed_headers(self, settings: Mapping[str, Any]) -> dict[str, str]:
        """The headers signed with the request (a capability adds its own)."""
        return {"Content-Type": "application/json"}

    async def post(self, ctx: ModuleContext, settings: Mapping[str, Any], path: str, body: Any, what: str) -> Any:
        keys = credentials(ctx)
        url = self.url(self.base_url(settings), path, settings)
        raw = json.dumps(body).encode()
        headers = sign(url, raw, "bedrock" if bedrock(settings) else "sagemaker", settings["region"], keys,
                       self.signed_headers(settings))
        response = await http.request("POST", url, provider=self.provider, env=ctx.env, content=raw,
                                      headers=headers, secrets=keys)
        return self.read(response, settings, tuple(k for k in keys if k), what)
