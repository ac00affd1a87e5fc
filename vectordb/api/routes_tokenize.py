"""POST /v1/tokenize and /v1/schema/{class}/properties/{prop}/tokenize: how text is tokenized."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from vectordb.analyze import analyze, analyze_property
from vectordb.api.body import read_body
from vectordb.api.deps import get_db
from vectordb.api.errors import JSON
from vectordb.api.models.schema import TokenizeRequest, TokenizeResponse
from vectordb.api.openapi import BODY_ERRORS, doc

router = APIRouter()


@router.post("/v1/tokenize", **doc(body=TokenizeRequest, ok=TokenizeResponse, errors=BODY_ERRORS))
async def tokenize(request: Request) -> Response:
    body = await read_body(request, get_db(request).settings.max_request_body_bytes)
    return JSON(analyze(body))


@router.post("/v1/schema/{class_name}/properties/{property_name}/tokenize",
             **doc(body=TokenizeRequest, ok=TokenizeResponse, errors=(*BODY_ERRORS, 404)))
async def tokenize_property(request: Request, class_name: str, property_name: str) -> Response:
    db = get_db(request)
    body = await read_body(request, db.settings.max_request_body_bytes)
    return JSON(analyze_property(db.class_def(class_name), property_name, body))
