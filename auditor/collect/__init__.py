"""Stage 2, collect: takes the discovered :class:`~auditor.models.Channel` values and gives
one :class:`~auditor.models.Activity` per channel (status, last activity, items,
interactions, evidence), each read by the channel's platform plugin through the shared
fetcher. ``walled`` holds the platforms whose activity sits behind a login; ``signals``
turns comments and replies into response signals.
"""
