"""File downloads over HTTP, shared by the API and the pages."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

__all__ = ["attachment"]


def attachment(data: bytes, media_type: str, filename: str) -> Response:
    """``data`` offered for download as ``filename`` (RFC 6266: an ASCII ``filename`` and the UTF-8
    ``filename*`` for names with other characters)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
