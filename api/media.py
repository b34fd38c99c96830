"""Audio responses that a browser's player can seek in: HTTP byte ranges (206 Partial Content) on bytes in memory."""

from __future__ import annotations

import re

from fastapi import Request, Response

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def ranged(request: Request, data: bytes, media_type: str, headers: dict[str, str] | None = None) -> Response:
    """The whole body (200), or the one range asked for (206), or 416 for a range past the end."""
    common = {**(headers or {}), "Accept-Ranges": "bytes"}
    match = _RANGE.match(request.headers.get("range", "").strip())
    if match is None or not (match.group(1) or match.group(2)):
        return Response(data, media_type=media_type, headers=common)
    size = len(data)
    first, last = match.group(1), match.group(2)
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        return Response(status_code=416, headers={**common, "Content-Range": f"bytes */{size}"})
    return Response(data[start:end + 1], status_code=206, media_type=media_type,
                    headers={**common, "Content-Range": f"bytes {start}-{end}/{size}"})
