"""GitHub: an account's last push, archived accounts, and whether maintainers answer visitors' issues."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from auditor.plugins.github import GitHubPlatform
from conftest import AS_OF, utc
from conftest import audit_profile as audit_user_channel

from auditor import Status
from auditor.fetch.client import Fetcher, FetchSettings, make_client
from auditor.plugin import Context
from auditor.collect.signals import response_signals

GITHUB = GitHubPlatform()


def audit_profile(url: str, **options):
    """Audit one GitHub account named by the user, next to a homepage without feeds."""
    _, channel, activity = audit_user_channel(url, "github", credentials=options.get("credentials"))
    return channel, activity


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://github.com/acme-widgets", "https://github.com/acme-widgets"),
        ("https://github.com/acme-widgets/", "https://github.com/acme-widgets"),
        ("http://www.github.com/Acme-Widgets?tab=repositories", "https://github.com/Acme-Widgets"),
        ("github.com/acme-widgets", "https://github.com/acme-widgets"),
        # a repository names its owner's account
        ("https://github.com/acme-widgets/widget-core", "https://github.com/acme-widgets"),
        ("https://github.com/acme-widgets/widget-core.git", "https://github.com/acme-widgets"),
    ],
)
def test_recognises_accounts_and_repositories_as_the_owners_account(url, canonical):
    channel = GITHUB.recognise(url)
    assert channel is not None
    assert (channel.url, channel.kind, channel.platform) == (canonical, "code", "github")
    assert channel.handle == canonical.rsplit("/", 1)[1]


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/",
        "https://github.com/sponsors/acme-widgets",
        "https://github.com/login",
        "https://github.com/features/actions",
        "https://github.com/topics/widgets",
        "https://github.com/marketplace",
        "https://github.com/acme-widgets/widget-core/issues/41",  # one issue, not an account
        "https://github.com/acme-widgets/widget-core/blob/main/README.md",
        "https://gist.github.com/acme-widgets",
        "https://api.github.com/users/acme-widgets",
        "https://github.com/-bad-name",
        "https://example.com/acme-widgets",
        "mailto:hello@github.com",
    ],
)
def test_does_not_recognise_site_pages_single_items_or_other_hosts(url):
    assert GITHUB.recognise(url) is None


def test_an_active_organisation_is_dated_by_its_newest_push_and_answers_most_issues(fixture_internet):
    channel, activity = audit_profile("https://github.com/acme-widgets")
    assert channel.kind == "code"
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 20, 16, 42, 11)
    assert activity.last_activity_source.url == "https://github.com/acme-widgets/widget-core"
    assert activity.title == "Acme Widgets"
    assert not activity.expired
    assert len(activity.items) == 4  # the archived repo is listed but does not date the account
    by_url = {i.url: i for i in activity.interactions}
    # PRs, bot issues and the maintainers' own issues are not visitors' questions
    assert sorted(by_url) == [
        "https://github.com/acme-widgets/widget-cli/issues/11",
        "https://github.com/acme-widgets/widget-cli/issues/12",
        "https://github.com/acme-widgets/widget-core/issues/35",
        "https://github.com/acme-widgets/widget-core/issues/41",
    ]
    assert all(i.kind == "issue" for i in activity.interactions)
    # a contributor's comment is not an answer; the member's is
    assert by_url["https://github.com/acme-widgets/widget-core/issues/41"].owner_replied_at == utc(2026, 11, 11, 8, 30)
    # a bot's comment is not an answer; the owner's is
    assert by_url["https://github.com/acme-widgets/widget-core/issues/35"].owner_replied_at == utc(2026, 10, 21, 10)
    assert by_url["https://github.com/acme-widgets/widget-cli/issues/11"].owner_replied_at is None
    assert by_url["https://github.com/acme-widgets/widget-cli/issues/12"].author == "pvl"
    signals = response_signals(activity.interactions, AS_OF, 90)
    assert (signals.total, signals.answered) == (4, 2)
    assert signals.median_first_reply == timedelta(hours=21, minutes=45)
    assert [i.url for i in signals.unanswered] == [
        "https://github.com/acme-widgets/widget-cli/issues/11",
        "https://github.com/acme-widgets/widget-cli/issues/12",
    ]
    assert not any(e.field == "responsiveness incomplete" for e in activity.evidence)


def test_a_user_silent_since_2021_is_dated_by_its_last_push(fixture_internet):
    _, activity = audit_profile("https://github.com/dormant-co")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2021, 4, 9, 18, 20)
    assert activity.interactions == ()  # nothing open: no issue calls at all
    requests = [r.target for r in fixture_internet.log if r.host == "api.github.com" and "dormant-co" in r.target]
    assert requests == ["/users/dormant-co", "/users/dormant-co/repos?sort=pushed&per_page=100"]


def test_an_organisation_that_never_answers_issues(fixture_internet):
    _, activity = audit_profile("https://github.com/quiet-labs")
    assert activity.last_activity == utc(2026, 9, 30, 11)
    signals = response_signals(activity.interactions, AS_OF, 90)
    assert (signals.total, signals.answered) == (3, 0)  # the June issue is outside the window
    assert [i.url.rsplit("/", 1)[1] for i in signals.unanswered] == ["6", "8", "9"]
    assert signals.oldest_unanswered.at == utc(2026, 9, 1, 12)


def test_an_account_whose_repositories_are_all_archived_is_expired(fixture_internet):
    _, activity = audit_profile("https://github.com/retired-tools")
    assert activity.status is Status.OK
    assert activity.expired
    assert activity.last_activity == utc(2022, 2, 14, 10)
    assert "all 2 public repositories are archived" in activity.reason
    assert activity.interactions == ()


def test_a_missing_account_is_not_found(fixture_internet):
    _, activity = audit_profile("https://github.com/no-such-brand")
    assert activity.status is Status.NOT_FOUND
    assert activity.last_activity is None


def test_html_instead_of_json_is_an_error_not_an_exception(fixture_internet):
    _, activity = audit_profile("https://github.com/broken-org")
    assert activity.status is Status.ERROR
    assert "did not answer with an account object" in activity.reason


def test_when_the_rate_limit_runs_out_what_was_read_is_kept_and_the_reset_is_named(fixture_internet):
    _, activity = audit_profile("https://github.com/busy-oss")
    assert activity.status is Status.OK  # the account and its pushes were read
    assert activity.last_activity == utc(2026, 11, 21, 22, 10, 5)
    assert "rate limit ran out" in activity.reason
    assert "2026-11-22 09:00 UTC" in activity.reason
    assert "GITHUB_TOKEN" in activity.reason
    # the issue read before the limit is kept; the one whose comments were cut off is left out
    assert [i.url for i in activity.interactions] == ["https://github.com/busy-oss/engine/issues/101"]
    incomplete = [e for e in activity.evidence if e.field == "responsiveness incomplete"]
    assert incomplete and "rate limit" in incomplete[0].value
    # nothing was asked after GitHub said no
    targets = [r.target for r in fixture_internet.log if r.host == "api.github.com" and "busy-oss" in r.target]
    assert targets[-1] == "/repos/busy-oss/engine/issues/100/comments?per_page=100"
    assert not any("plugins/issues" in t for t in targets)


def test_without_a_token_the_call_budget_caps_issue_reading(fixture_internet):
    _, activity = audit_profile("https://github.com/chatty-dev")
    assert activity.status is Status.OK
    assert len(activity.interactions) == 7  # 10 calls: user, repos, issues, then 7 comment threads
    assert all(i.owner_replied_at is not None for i in activity.interactions)
    assert "call budget spent" in activity.reason and "GITHUB_TOKEN" in activity.reason
    assert any(e.field == "responsiveness incomplete" for e in activity.evidence)


def test_with_a_token_every_issue_is_read(fixture_internet):
    _, activity = audit_profile("https://github.com/chatty-dev", credentials={"GITHUB_TOKEN": "ghp_test"})
    assert len(activity.interactions) == 10
    signals = response_signals(activity.interactions, AS_OF, 90)
    assert (signals.total, signals.answered, signals.median_first_reply) == (10, 10, timedelta(hours=6))
    assert not any(e.field == "responsiveness incomplete" for e in activity.evidence)


def collect_with(handler, credentials):
    async def main():
        settings = FetchSettings(min_gap=0.0, respect_robots=False, retries=0)
        async with make_client(settings, transport=httpx.MockTransport(handler)) as client:
            context = Context(fetcher=Fetcher(client, settings), as_of=AS_OF, credentials=credentials)
            channel = GITHUB.recognise("https://github.com/acme-widgets")
            return await GITHUB.collect(channel, context)

    return asyncio.run(main())


def test_the_token_is_sent_as_a_bearer_header_and_githubs_own_count_lowers_the_budget():
    seen: list[httpx.Request] = []

    def handler(request):
        seen.append(request)
        path = request.url.path
        if path == "/users/acme-widgets":
            return httpx.Response(200, json={"login": "acme-widgets", "type": "Organization"},
                                  headers={"x-ratelimit-remaining": "1"})
        if path == "/orgs/acme-widgets/repos":
            return httpx.Response(200, json=[{"full_name": "acme-widgets/a", "pushed_at": "2026-11-01T00:00:00Z",
                                              "html_url": "https://github.com/acme-widgets/a", "open_issues_count": 1}])
        return httpx.Response(200, json=[])

    activity = collect_with(handler, {"GITHUB_TOKEN": "ghp_secret"})
    assert all(r.headers["authorization"] == "Bearer ghp_secret" for r in seen)
    assert all(r.headers["accept"] == "application/vnd.github+json" for r in seen)
    assert [r.url.path for r in seen] == ["/users/acme-widgets", "/orgs/acme-widgets/repos"]  # 1 was left after the first
    assert activity.last_activity == utc(2026, 11, 1)


def test_without_a_token_no_authorization_header_is_sent():
    seen: list[httpx.Request] = []

    def handler(request):
        seen.append(request)
        return httpx.Response(404, json={"message": "Not Found", "status": "404"})

    activity = collect_with(handler, {})
    assert activity.status is Status.NOT_FOUND
    assert "authorization" not in seen[0].headers


@pytest.mark.parametrize("body", [b"[]", b'{"login": 7}', b"not json", b'{"message": "Server Error"}'])
def test_junk_account_answers_are_errors(body):
    activity = collect_with(lambda r: httpx.Response(200, content=body), {})
    assert activity.status is Status.ERROR


def test_junk_repository_lists_are_errors_and_odd_repositories_are_skipped():
    def handler(request):
        if request.url.path.startswith("/users/"):
            return httpx.Response(200, json={"login": "acme-widgets", "type": "Organization"})
        return httpx.Response(200, json={"repositories": "nope"})

    assert collect_with(handler, {}).status is Status.ERROR

    def odd(request):
        if request.url.path.startswith("/users/"):
            return httpx.Response(200, json={"login": "acme-widgets", "type": "Organization"})
        if request.url.path.endswith("/repos"):
            return httpx.Response(200, json=["x", {"full_name": 3}, {"full_name": "acme-widgets/b", "pushed_at": "junk"}])
        return httpx.Response(200, json=[])

    activity = collect_with(odd, {})
    assert activity.status is Status.OK and activity.last_activity is None and len(activity.items) == 1
