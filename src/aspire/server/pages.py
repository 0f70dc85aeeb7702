"""The two HTML pages, rendered on the server from templates in this package: the drafting
page and an offline API reference built from the OpenAPI schema. Everything they load is
served from ``/static``: no CDN, no build step."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from .. import __version__
from ..backends import Backend
from ..models import MAX_INPUT_BYTES

HERE = Path(__file__).parent
_METHODS = ("get", "post", "put", "patch", "delete")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(*, questions: Sequence[str], backend: Backend, verified: tuple[bool | None, str]) -> str:
    return (
        _environment()
        .get_template("page.html")
        .render(
            questions=questions,
            backend=backend.name,
            model=backend.model,
            verified=verified[0],
            verified_detail=verified[1],
            limit_mb=MAX_INPUT_BYTES // (1024 * 1024),
            version=__version__,
        )
    )


def _schema_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_schema_name(schema.get('items'))}"
    return str(schema.get("type", ""))


def render_docs(openapi: dict[str, Any]) -> str:
    """The API reference: every operation with its body and replies, from ``/openapi.json``."""
    operations = []
    for path, item in openapi.get("paths", {}).items():
        for method in _METHODS:
            if (operation := item.get(method)) is None:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body = [f"{kind}: {_schema_name(spec.get('schema'))}" for kind, spec in content.items()]
            replies = []
            for status, reply in operation.get("responses", {}).items():
                kinds = reply.get("content", {})
                shapes = ", ".join(f"{kind} {_schema_name(spec.get('schema'))}" for kind, spec in kinds.items())
                replies.append((status, reply.get("description", ""), shapes))
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "body": body,
                    "replies": replies,
                }
            )
    schemas = openapi.get("components", {}).get("schemas", {})
    return (
        _environment()
        .get_template("docs.html")
        .render(
            title=openapi.get("info", {}).get("title", "aspire"),
            version=__version__,
            operations=operations,
            schemas=sorted(schemas.items()),
        )
    )
