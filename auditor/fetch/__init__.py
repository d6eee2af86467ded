"""Stage 0, under every other stage: HTTP.

Takes URLs; gives :class:`~auditor.fetch.client.Fetched` responses (status, final URL,
capped body, or a typed error) and a :class:`~auditor.models.RequestRecord` per exchange.
One :class:`~auditor.fetch.client.Fetcher` owns the polite client: per-host concurrency
and gaps, Retry-After, robots.txt, the private-address guard, the body cap, retries and
the optional HTTP cache. ``credentials`` reads API tokens from the environment.
"""
