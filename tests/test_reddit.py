"""Reddit: Atom feeds without credentials, OAuth with them; a block page is blocked, never gone."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from auditor.plugins.reddit import RedditPlatform
from conftest import AS_OF, utc
from conftest import audit_profile as audit_user_channel

from auditor import Status
from auditor.fetch.client import Fetcher, FetchSettings, make_client
from auditor.plugin import Context
from auditor.collect.signals import response_signals

REDDIT = RedditPlatform()
OAUTH = {"REDDIT_CLIENT_ID": "fixture-id", "REDDIT_CLIENT_SECRET": "fixture-secret"}


def audit_profile(url: str, credentials=None):
    _, channel, activity = audit_user_channel(url, "reddit", credentials=credentials)
    return channel, activity


@pytest.mark.parametrize(
    ("url", "canonical", "handle"),
    [
        ("https://www.reddit.com/r/acmewidgets/", "https://www.reddit.com/r/acmewidgets/", "r/acmewidgets"),
        ("https://reddit.com/r/acmewidgets", "https://www.reddit.com/r/acmewidgets/", "r/acmewidgets"),
        ("https://old.reddit.com/r/acmewidgets/new/", "https://www.reddit.com/r/acmewidgets/", "r/acmewidgets"),
        ("https://www.reddit.com/user/acme_official", "https://www.reddit.com/user/acme_official/", "u/acme_official"),
        ("https://www.reddit.com/u/acme_official/", "https://www.reddit.com/user/acme_official/", "u/acme_official"),
        ("reddit.com/user/acme_official/submitted/", "https://www.reddit.com/user/acme_official/", "u/acme_official"),
    ],
)
def test_recognises_subreddits_and_users(url, canonical, handle):
    channel = REDDIT.recognise(url)
    assert channel is not None and (channel.url, channel.handle, channel.kind) == (canonical, handle, "social")


@pytest.mark.parametrize(
    "url",
    [
        "https://redd.it/abc2",
        "https://www.reddit.com/submit?url=https%3A%2F%2Facme.example%2F",
        "https://www.reddit.com/r/acmewidgets/comments/abc2/widget_spins_backwards/",
        "https://www.reddit.com/r/acmewidgets/s/Xy12Ab",
        "https://www.reddit.com/r/acmewidgets/submit",
        "https://www.reddit.com/user/acme_official/comments/usr1/hello/",
        "https://www.reddit.com/",
        "https://www.reddit.com/r/",
        "https://notreddit.example/r/acmewidgets",
    ],
)
def test_does_not_recognise_posts_share_links_or_other_hosts(url):
    assert REDDIT.recognise(url) is None


def test_without_credentials_an_active_subreddit_is_dated_from_its_atom_feed(fixture_internet):
    _, activity = audit_profile("https://www.reddit.com/r/acmewidgets/")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 21, 15)
    assert activity.last_activity_source.url == "https://www.reddit.com/r/acmewidgets/comments/abc1/winter_update_is_out/"
    assert len(activity.items) == 3 and activity.interactions == ()
    assert any(e.field == "responsiveness not visible" for e in activity.evidence)
    json_requests = [r.target for r in fixture_internet.log if r.host == "www.reddit.com" and ".json" in r.target]
    assert json_requests == []  # unauthenticated .json is closed: never asked


def test_a_stale_subreddit(fixture_internet):
    _, activity = audit_profile("https://www.reddit.com/r/oldacme/")
    assert activity.last_activity == utc(2024, 2, 10, 8, 30)


def test_a_user_feed(fixture_internet):
    _, activity = audit_profile("https://www.reddit.com/u/acme_official")
    assert activity.last_activity == utc(2026, 11, 19, 17, 45)


def test_a_missing_subreddit_is_not_found(fixture_internet):
    _, activity = audit_profile("https://www.reddit.com/r/nosuchsub/")
    assert activity.status is Status.NOT_FOUND


def test_the_403_block_page_is_blocked_never_gone(fixture_internet):
    _, activity = audit_profile("https://www.reddit.com/r/acmeblocked/")
    assert activity.status is Status.BLOCKED
    assert "block page" in activity.reason and "REDDIT_CLIENT_ID" in activity.reason


def test_with_oauth_moderator_answers_are_found_in_the_comment_tree(fixture_internet):
    _, activity = audit_profile("https://www.reddit.com/r/acmewidgets/", OAUTH)
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 21, 15)
    by_id = {i.url.split("/comments/")[1].split("/")[0]: i for i in activity.interactions}
    assert sorted(by_id) == ["abc2", "abc3", "abc4"]  # the moderator's announcement is not a question
    assert by_id["abc2"].owner_replied_at == utc(2026, 11, 18, 14)  # a nested reply from a listed moderator
    assert by_id["abc3"].owner_replied_at is None  # no comments at all
    assert by_id["abc4"].owner_replied_at is None  # AutoModerator does not count
    assert all(i.kind == "question" for i in activity.interactions)
    signals = response_signals(activity.interactions, AS_OF, 90)
    assert (signals.total, signals.answered, signals.median_first_reply) == (3, 1, timedelta(hours=4))
    token_posts = [r for r in fixture_internet.log if r.target == "/api/v1/access_token"]
    assert token_posts and token_posts[-1].method == "POST"


def test_with_oauth_a_user_is_dated_by_its_newest_post_or_comment(fixture_internet):
    _, activity = audit_profile("https://www.reddit.com/user/acme_official/", OAUTH)
    assert activity.last_activity == utc(2026, 11, 20, 18, 30)


def test_with_oauth_a_suspended_user_is_gone(fixture_internet):
    _, activity = audit_profile("https://www.reddit.com/user/banned_brand/", OAUTH)
    assert activity.status is Status.GONE


def collect(handler, url, credentials):
    async def main():
        settings = FetchSettings(min_gap=0.0, respect_robots=False, retries=0)
        async with make_client(settings, transport=httpx.MockTransport(handler)) as client:
            context = Context(fetcher=Fetcher(client, settings), as_of=AS_OF, credentials=credentials)
            return await REDDIT.collect(REDDIT.recognise(url), context)

    return asyncio.run(main())


def test_the_token_request_uses_basic_auth_and_the_reads_use_the_bearer_token():
    seen: list[httpx.Request] = []

    def handler(request):
        seen.append(request)
        if request.url.path == "/api/v1/access_token":
            return httpx.Response(200, json={"access_token": "tok123", "token_type": "bearer", "expires_in": 86400})
        if request.url.path == "/user/acme_official/about":
            return httpx.Response(200, json={"kind": "t2", "data": {"name": "acme_official", "created_utc": 1.5e9}})
        return httpx.Response(200, json={"kind": "Listing", "data": {"children": []}})

    activity = collect(handler, "https://www.reddit.com/user/acme_official/", OAUTH)
    token = seen[0]
    assert (token.method, str(token.url)) == ("POST", "https://www.reddit.com/api/v1/access_token")
    assert token.headers["authorization"].startswith("Basic ")
    assert token.content == b"grant_type=client_credentials"
    assert all(r.headers["authorization"] == "bearer tok123" for r in seen[1:])
    assert {r.url.host for r in seen[1:]} == {"oauth.reddit.com"}
    assert activity.status is Status.OK and activity.last_activity is None


def test_a_refused_token_falls_back_to_the_feed_and_says_so():
    def handler(request):
        if request.url.path == "/api/v1/access_token":
            return httpx.Response(401, json={"message": "Unauthorized", "error": 401})
        return httpx.Response(200, headers={"content-type": "application/atom+xml"}, content=(
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>t3_x</id>'
            b'<link href="https://www.reddit.com/r/acmewidgets/comments/x/y/"/>'
            b'<published>2026-11-01T00:00:00+00:00</published><title>y</title></entry></feed>'))

    activity = collect(handler, "https://www.reddit.com/r/acmewidgets/", OAUTH)
    assert activity.status is Status.OK and activity.last_activity == utc(2026, 11, 1)
    refused = [e for e in activity.evidence if e.field == "OAuth token refused"]
    assert refused and "HTTP 401" in refused[0].value


@pytest.mark.parametrize("body", [b"<html>oops</html>", b'{"data": {"children": "x"}}', b"[]"])
def test_junk_api_answers_are_errors(body):
    def handler(request):
        if request.url.path == "/api/v1/access_token":
            return httpx.Response(200, json={"access_token": "tok"})
        return httpx.Response(200, content=body)

    activity = collect(handler, "https://www.reddit.com/r/acmewidgets/", OAUTH)
    assert activity.status is Status.ERROR


def test_a_private_subreddit_is_behind_a_wall():
    def handler(request):
        if request.url.path == "/api/v1/access_token":
            return httpx.Response(200, json={"access_token": "tok"})
        return httpx.Response(403, json={"reason": "private", "message": "Forbidden", "error": 403})

    assert collect(handler, "https://www.reddit.com/r/acmewidgets/", OAUTH).status is Status.LOGIN_WALL


def test_a_feed_that_is_not_a_feed_is_an_error():
    activity = collect(lambda r: httpx.Response(200, text="<html>nope</html>"),
                       "https://www.reddit.com/r/acmewidgets/", {})
    assert activity.status is Status.ERROR
