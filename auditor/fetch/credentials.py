"""API keys and tokens the platform plugins may use, read from the environment by name.

Nothing here is required: without a key a plugin reads what is public and says what it
could not see. Plugins read ``context.credentials[NAME]``, never the environment itself,
so the library can be given credentials explicitly (``AuditOptions(credentials=...)``).
"""

from __future__ import annotations

import os

KNOWN = {
    "GITHUB_TOKEN": "GitHub REST API token (5,000 requests/hour instead of 60)",
    "YOUTUBE_API_KEY": "YouTube Data API key: comments and owner replies",
    "TUMBLR_API_KEY": "Tumblr API key: blog info and notes",
    "X_BEARER_TOKEN": "X (Twitter) API v2 bearer token",
    "REDDIT_CLIENT_ID": "Reddit OAuth client id (with REDDIT_CLIENT_SECRET)",
    "REDDIT_CLIENT_SECRET": "Reddit OAuth client secret",
}


def credentials_from_env() -> dict[str, str]:
    return {name: os.environ[name] for name in KNOWN if os.environ.get(name)}
