"""GitHub accounts (users and organisations): when they last pushed, and whether maintainers answer issues.

Reads the REST API at ``api.github.com``:

* ``/users/{name}``: the account's ``type`` (User or Organization) and ``created_at``;
  404 means there is no such account;
* ``/orgs/{name}/repos`` or ``/users/{name}/repos`` (``sort=pushed``, 100 per page): last
  activity is the newest ``pushed_at`` among repositories that are not archived; when
  every repository is archived the account is marked ``expired``;
* ``/repos/{o}/{r}/issues?state=open&sort=created&direction=desc`` for the few most
  recently pushed repositories with issues enabled (pull requests, which carry a
  ``pull_request`` key, are skipped, and so are issues opened by bots or by maintainers);
* ``/repos/{o}/{r}/issues/{n}/comments`` for issues that have comments. An issue is
  answered when a comment's ``author_association`` is OWNER, MEMBER or COLLABORATOR;
  the first such comment is the owner's reply.

Calls are budgeted per channel (60 an hour is all GitHub allows without a token): when
the budget or GitHub's own ``x-ratelimit-remaining`` runs out, issue reading stops, what
was read is kept, and the evidence says the responsiveness part is incomplete. A 403/429
whose ``x-ratelimit-remaining`` is 0 ends collection the same way, with the reset time in
the reason. A token (``GITHUB_TOKEN``) is sent as ``Authorization: Bearer``.

URL forms: ``github.com/{owner}`` is the channel. A repository URL
``github.com/{owner}/{repo}`` names its owner's account (the brand that links its SDK
links its organisation); anything deeper (``/issues/7``, ``/blob/...``) is a single item
and is not a channel. Site pages (``/sponsors``, ``/login``, ``/features``...) are not
accounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlsplit

from auditor.parse.feeds import parse_date
from auditor.fetch.client import Fetched
from auditor.plugin import PlatformSpec, Priority, Signal, hookimpl
from auditor.models import Activity, Channel, Evidence, Interaction, Item, Status
from auditor.plugin import Context, Platform, failed, json_of
from auditor.plugin import Registry
from auditor.urls import Link

API = "https://api.github.com"
HOSTS = frozenset({"github.com", "www.github.com"})
# First path segments that are GitHub's own pages, not accounts.
RESERVED = frozenset("""
    about account apps blog codespaces collections contact customer-stories dashboard enterprise
    events explore features home issues join login logout marketplace new notifications orgs
    organizations password_reset pricing pulls readme search security sessions settings signup
    site sponsors stars team topics trending users watching wiki git-guides resources solutions
    premium-support mobile copilot partners
""".split())
HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
MAINTAINERS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
ISSUE_REPOS = 3  # the most recently pushed repositories whose issues are read
ISSUES_PER_REPO = 30
BUDGET_WITHOUT_TOKEN = 10  # requests per channel; 60 an hour is shared by the whole audit
BUDGET_WITH_TOKEN = 60


class RateLimited(Exception):
    """GitHub said no requests are left (or a secondary limit hit); carries the reason."""


@dataclass
class _Session:
    """One channel's API calls: headers, the call budget, and what ran short."""

    context: Context
    headers: dict[str, str]
    budget: int
    used: int = 0
    shortfalls: list[str] = field(default_factory=list)

    @property
    def left(self) -> int:
        return self.budget - self.used

    async def get(self, url: str) -> Fetched:
        self.used += 1
        fetched = await self.context.get(url, headers=self.headers)
        remaining = fetched.headers.get("x-ratelimit-remaining", "")
        if fetched.status in (403, 429) and (remaining == "0" or _says_rate_limited(fetched)):
            raise RateLimited(_rate_limit_reason(fetched))
        if remaining.isdigit():  # GitHub's own count may be lower than our budget
            self.budget = min(self.budget, self.used + int(remaining))
        return fetched


class GitHubPlatform(Platform):
    spec = PlatformSpec(
        name="github", kind="code",
        summary="GitHub accounts: pushes, and visitors' issues the maintainers answered", hosts=('github.com',),
        priority=Priority.SPECIFIC, signals=(Signal.LAST_ACTIVITY, Signal.OWNER_REPLIES),
        credentials=('GITHUB_TOKEN',)
    )

    def recognise(self, url: str) -> Channel | None:
        link = Link.of(url if "//" in url else f"https://{url}")
        if link is None or link.host not in HOSTS:
            return None
        segments = link.segments
        if not segments or len(segments) > 2:
            return None
        owner = segments[0]
        if owner.lower() in RESERVED or not HANDLE.match(owner):
            return None
        if len(segments) == 2 and not re.match(r"^[A-Za-z0-9._-]+$", segments[1]):
            return None
        return Channel(platform=self.name, url=f"https://github.com/{owner}", kind=self.kind, handle=owner)

    async def collect(self, channel: Channel, context: Context) -> Activity:
        token = context.credentials.get("GITHUB_TOKEN", "")
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        session = _Session(context, headers, BUDGET_WITH_TOKEN if token else BUDGET_WITHOUT_TOKEN)
        name = channel.handle or urlsplit(channel.url).path.strip("/").split("/")[0]
        try:
            return await _collect(channel, name, session, bool(token))
        except RateLimited as exc:
            return Activity(channel_url=channel.url, status=Status.ERROR,
                            reason=f"could not read the account: {exc}")


async def _collect(channel: Channel, name: str, session: _Session, has_token: bool) -> Activity:
    user_url = f"{API}/users/{quote(name)}"
    fetched = await session.get(user_url)
    failure = failed(channel, fetched)
    if failure is not None:
        return failure
    account = json_of(fetched)
    if account is None or not isinstance(account.get("login"), str):
        return _bad(channel, fetched, "an account object with a login")
    login: str = account["login"]
    is_org = account.get("type") == "Organization"
    evidence = [Evidence(user_url, "type", str(account.get("type", ""))),
                Evidence(user_url, "created_at", str(account.get("created_at", "")))]

    owner_path = "orgs" if is_org else "users"
    repos_url = f"{API}/{owner_path}/{quote(login)}/repos?sort=pushed&per_page=100"
    try:
        fetched = await session.get(repos_url)
    except RateLimited as exc:
        return Activity(channel_url=channel.url, status=Status.OK, title=str(account.get("name") or login),
                        reason=f"the account exists, but its repositories were not read: {exc}",
                        evidence=(*evidence, Evidence(repos_url, "incomplete", str(exc))))
    if not fetched.ok:
        outcome = failed(channel, fetched)
        assert outcome is not None
        return outcome
    repos = json_of(fetched, list)
    if repos is None:
        return _bad(channel, fetched, "a list of repositories")
    repos = [r for r in repos if isinstance(r, dict) and isinstance(r.get("full_name"), str)]
    items = tuple(_repo_item(r) for r in repos)
    live = [r for r in repos if not r.get("archived")]
    expired = bool(repos) and not live
    dated = sorted(((parse_date(r.get("pushed_at")), r) for r in (live or repos)),
                   key=lambda pair: pair[0] or datetime.min.replace(tzinfo=timezone.utc), reverse=True)
    newest, newest_repo = dated[0] if dated else (None, None)
    source = None
    if newest is not None and newest_repo is not None:
        source = Evidence(str(newest_repo.get("html_url", "")), "repository pushed_at", newest.isoformat())
    evidence.append(Evidence(repos_url, "repositories", f"{len(repos)} ({len(repos) - len(live)} archived)"))

    interactions: list[Interaction] = []  # filled as issues are read, so a rate limit keeps them
    stopped = ""
    try:
        await _read_issues(live, session, interactions)
    except RateLimited as exc:
        stopped = str(exc)
    if session.shortfalls or stopped:
        why = stopped or "; ".join(session.shortfalls)
        evidence.append(Evidence(API, "responsiveness incomplete", why))

    if not repos:
        reason = "no public repositories"
    elif expired:
        reason = f"all {len(repos)} public repositories are archived"
    elif newest is None or newest_repo is None:  # a push date always comes with its repository
        reason = f"{len(repos)} repositories, none with a push date"
    else:
        reason = f"{len(live)} active repositories; newest push to {newest_repo.get('full_name')}"
    reason += f"; {len(interactions)} open issues from visitors read"
    if stopped:
        reason += f"; stopped early: {stopped}"
    elif session.shortfalls:
        reason += f"; {'; '.join(session.shortfalls)}"
    if not has_token and (stopped or session.shortfalls):
        reason += " (set GITHUB_TOKEN for 5,000 requests an hour)"
    return Activity(
        channel_url=channel.url,
        status=Status.OK,
        reason=reason,
        last_activity=newest,
        last_activity_source=source,
        items=items,
        interactions=tuple(interactions),
        expired=expired,
        title=str(account.get("name") or login),
        evidence=tuple(evidence),
    )


async def _read_issues(repos: list[dict[str, Any]], session: _Session, found: list[Interaction]) -> None:
    """Add visitor issues of the most recently pushed repositories, with the maintainers' first replies."""
    candidates = [r for r in repos if r.get("has_issues", True) and r.get("open_issues_count", 1)]
    for repo in candidates[:ISSUE_REPOS]:
        if session.left <= 0:
            session.shortfalls.append(f"call budget spent before the issues of {repo['full_name']} were read")
            break
        issues_url = (f"{API}/repos/{repo['full_name']}/issues"
                      f"?state=open&sort=created&direction=desc&per_page={ISSUES_PER_REPO}")
        fetched = await session.get(issues_url)
        issues = json_of(fetched, list) if fetched.ok else None
        if issues is None:
            session.shortfalls.append(f"{fetched.describe()} for the issues of {repo['full_name']}")
            continue
        for issue in issues:
            opened = _visitor_issue(issue)
            if opened is None:
                continue
            url, author, at = opened
            replied: datetime | None = None
            if _int(issue.get("comments")) > 0:
                if session.left <= 0:
                    session.shortfalls.append(f"call budget spent; comments of {url} not read")
                    continue
                comments_url = f"{API}/repos/{repo['full_name']}/issues/{issue['number']}/comments?per_page=100"
                fetched = await session.get(comments_url)
                comments = json_of(fetched, list) if fetched.ok else None
                if comments is None:
                    session.shortfalls.append(f"{fetched.describe()} for the comments of {url}")
                    continue
                replied = _first_maintainer_reply(comments)
            found.append(Interaction(url=url, author=author, at=at, parent=str(repo.get("html_url", "")),
                                     owner_replied_at=replied, kind="issue"))


def _visitor_issue(issue: Any) -> tuple[str, str, datetime] | None:
    """(url, author, opened) for an issue a visitor opened; None for PRs, bots, maintainers, junk."""
    if not isinstance(issue, dict) or "pull_request" in issue or not isinstance(issue.get("number"), int):
        return None
    user: dict[str, Any] = issue["user"] if isinstance(issue.get("user"), dict) else {}
    if user.get("type") == "Bot" or issue.get("author_association") in MAINTAINERS:
        return None
    at = parse_date(issue.get("created_at"))
    if at is None:
        return None
    return str(issue.get("html_url", "")), str(user.get("login", "")), at


def _first_maintainer_reply(comments: list[Any]) -> datetime | None:
    times = [parse_date(c.get("created_at")) for c in comments
             if isinstance(c, dict) and c.get("author_association") in MAINTAINERS
             and (c.get("user") or {}).get("type") != "Bot"]
    dated = [t for t in times if t is not None]
    return min(dated) if dated else None


def _repo_item(repo: dict[str, Any]) -> Item:
    return Item(url=str(repo.get("html_url", "")), title=repo["full_name"],
                published=None, updated=parse_date(repo.get("pushed_at")))


def _says_rate_limited(fetched: Fetched) -> bool:
    try:
        message = fetched.json().get("message", "")
    except (ValueError, AttributeError):
        return False
    return isinstance(message, str) and "rate limit" in message.lower()


def _rate_limit_reason(fetched: Fetched) -> str:
    reset = fetched.headers.get("x-ratelimit-reset", "")
    when = ""
    if reset.isdigit():
        when = datetime.fromtimestamp(int(reset), tz=timezone.utc).strftime(" (it resets at %Y-%m-%d %H:%M UTC)")
    elif fetched.headers.get("retry-after", "").isdigit():
        when = f" (retry after {fetched.headers['retry-after']} s)"
    return f"GitHub's API rate limit ran out (HTTP {fetched.status} from {fetched.final_url}){when}"


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _bad(channel: Channel, fetched: Fetched, wanted: str) -> Activity:
    return Activity(channel_url=channel.url, status=Status.ERROR,
                    reason=f"{fetched.final_url} did not answer with {wanted} (content type "
                           f"{fetched.content_type or 'unknown'})")


@hookimpl
def auditor_register_platforms(registry: Registry) -> None:
    registry.add_platform(GitHubPlatform())
