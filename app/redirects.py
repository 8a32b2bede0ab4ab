"""The one place that decides whether a `next`-style parameter may be redirected to.

Only a path on this portal survives. Browsers are generous with what they treat as "another site":
they drop tabs and newlines anywhere in a URL, strip leading spaces and control characters, read a
backslash as a slash, and follow `//host` as a new host. So a value is refused (the caller gets the
fallback page) rather than repaired when it contains anything a browser would reinterpret; the path
is checked again after percent-decoding, because a proxy or a later redirect may decode it
(`/%2F%2Fevil.example`, `/%5Cevil.example`).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from flask import url_for

MAX_LENGTH = 2048
# C0 controls, space, DEL, backslash, and the Unicode spaces and format characters that browsers or
# proxies may strip or fold
_REINTERPRETED = re.compile(
    r"[\x00-\x20\x7f\\\u0080-\u009f\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def _is_local_path(value: str) -> bool:
    if _REINTERPRETED.search(value) or not value.startswith("/") or value.startswith("//"):
        return False
    parts = urlsplit(value)
    return not (parts.scheme or parts.netloc)


def is_same_origin_path(target: object) -> bool:
    """True for a plain path on this site (`/dashboard?status=absent`), false for anything else."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH or not _is_local_path(target):
        return False
    path = urlsplit(target).path
    for _ in range(3):  # double and triple encoding: check every layer a later decoder may peel off
        decoded = unquote(path)
        if decoded == path:
            return True
        if not _is_local_path(decoded):
            return False
        path = decoded
    return False  # still encoded after three layers: no link of ours looks like that


def safe_next(target: object, fallback_endpoint: str = "dashboard.home") -> str:
    """`target` when it is a path on this portal (fragment dropped, non-ASCII quoted), else the fallback."""
    if not is_same_origin_path(target):
        return url_for(fallback_endpoint)
    parts = urlsplit(target)
    return urlunsplit(("", "", quote(parts.path, safe=_PATH_SAFE), quote(parts.query, safe=_QUERY_SAFE), ""))
