"""What the acceptance and work-site routes share: the language of a response, the report formats
and the shapes of free-text fields."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import Field

from irpatrol.registry.model import User
from irpatrol.reports.exports import KMZ_MEDIA_TYPE, formats, media_types

__all__ = ["KMZ", "REPORT_CONTENT", "LangQuery", "Name", "ReportFormat", "Text", "user_lang"]

KMZ = KMZ_MEDIA_TYPE
REPORT_CONTENT: dict[str, Any] = {media: {} for media in media_types("site")}
"""The media types of a field-work report, for the OpenAPI description."""
ReportFormat = Annotated[str, Query(max_length=10, description=f"One of {', '.join(formats('site'))}")]
"""The format of a field-work report (:data:`irpatrol.reports.exports.EXPORTERS`)."""
LangQuery = Annotated[Literal["en", "zh"] | None, Query(description="Language (default: the user's)")]
Text = Annotated[str | None, Field(max_length=2000)]
Name = Annotated[str | None, Field(max_length=200)]


def user_lang(lang: str | None, user: User) -> str:
    """The language asked for, else the user's (en or zh)."""
    return lang or (user.language if user.language in ("en", "zh") else "en")
