"""POST /v1/graphql and POST /v1/graphql/batch.

Query errors are answered with HTTP 200 and a GraphQL `errors` array; only a body that is not JSON, or has no
`query` string, is a 422.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from vectordb.api.body import module_headers, read_body
from vectordb.api.deps import get_db
from vectordb.api.errors import JSON
from vectordb.api.graphql.executor import GraphQLService
from vectordb.api.models.graphql import GraphQLQuery, GraphQLResponse
from vectordb.api.openapi import doc
from vectordb.api.query_runner import run_query
from vectordb.errors import UserError
from vectordb.query.deadline import QueryTimeout

router = APIRouter()


def _service(request: Request) -> GraphQLService:
    service = getattr(request.app.state, "graphql", None)
    db = get_db(request)
    if service is None or service.db is not db:
        service = GraphQLService(db)
        request.app.state.graphql = service
    return service


async def _body(request: Request) -> Any:
    db = get_db(request)
    try:
        return await read_body(request, db.settings.max_request_body_bytes)
    except UserError as exc:
        if exc.status == 413:
            raise
        raise UserError(exc.message, 422) from exc


def _check_query(body: Any) -> str | None:
    """Why this body is not a GraphQL request, or None when it is one."""
    if not isinstance(body, dict):
        return "the body must be a JSON object with a 'query' string"
    if not isinstance(body.get("query"), str) or not body["query"].strip():
        return "the body has no 'query': a JSON object {\"query\": \"{ Get { ... } }\"} is required"
    return None


@router.post("/v1/graphql", **doc(body=GraphQLQuery, ok=GraphQLResponse, errors=(401, 413, 422, 500)))
async def graphql_query(request: Request) -> Response:
    body = await _body(request)
    problem = _check_query(body)
    if problem is not None:
        raise UserError(problem, 422)
    service = _service(request)
    try:
        result = await run_query(request, service.execute, body, module_headers(request))
    except QueryTimeout as exc:
        return JSON({"errors": [{"message": exc.message}]})
    return JSON(result)


@router.post("/v1/graphql/batch", **doc(body=list[GraphQLQuery], ok=list[GraphQLResponse], errors=(401, 413, 422, 500)))
async def graphql_batch(request: Request) -> Response:
    body = await _body(request)
    if not isinstance(body, list):
        raise UserError("the body must be a JSON array of {\"query\": ...} objects", 422)
    service = _service(request)
    headers = module_headers(request)

    def run_all() -> list[dict[str, Any]]:
        out = []
        for item in body:
            problem = _check_query(item)
            out.append({"errors": [{"message": problem}]} if problem else service.execute(item, headers))
        return out

    try:
        return JSON(await run_query(request, run_all))
    except QueryTimeout as exc:
        return JSON([{"errors": [{"message": exc.message}]} for _ in body])
