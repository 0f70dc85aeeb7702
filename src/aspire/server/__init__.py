"""``aspire serve``: the web page and HTTP API over the library (FastAPI on uvicorn)."""

from __future__ import annotations

from .app import create_app
from .drafting import DraftQueue, QueueFull

__all__ = ["DraftQueue", "QueueFull", "create_app"]
