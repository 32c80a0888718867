"""Pseudonyms for the people behind forum and social posts.

People are not targets: a forum or social author is stored only as a keyed hash, so the same
person's posts can be grouped for context (a thread, a spam wave) without the system holding
their name or handle. The key comes from ``PHUXANH_AUTHOR_HASH_KEY`` and must stay the same
across runs for the pseudonyms to stay stable; without it no author is stored at all.
"""

from __future__ import annotations

import hashlib
import hmac

from phuxanh.text import fold

KEY_ENV = "PHUXANH_AUTHOR_HASH_KEY"


def author_hash(raw: str, key: str, platform: str = "web") -> str:
    """``a:`` + 16 hex digits of HMAC-SHA256(key, platform:folded handle). The same handle on
    the same platform gives the same pseudonym; nothing about it can be read back."""
    message = f"{platform}:{fold(raw)}".encode()
    return "a:" + hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:16]
