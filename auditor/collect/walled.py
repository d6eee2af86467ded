"""What login-walled platforms (X, Facebook, Instagram, LinkedIn, TikTok, Threads) share.

Their profile pages hide posts and dates from clients that are not signed in. Collection
therefore fetches the profile page (robots.txt permitting), looks for an existence signal
the platform is known to leave in that page, and reports ``login_wall`` with the reason:
activity is unknown, never guessed.

Existence is the Activity's typed ``exists`` fact (handle probing reads it), and evidence
with the field :data:`EXISTS_FIELD` says why, for people. A ``no`` read from a page's HTML is
an observed, unofficial marker, so collection keeps the status ``login_wall`` and says so;
only an API answer (TikTok's oEmbed, X's API) may report ``not_found`` or ``gone``. A profile
that sends the client to a login page (or another wall, :func:`~auditor.collect.interstitial.wall_of`)
says nothing about the account: ``login_wall`` with the wall in ``interstitial`` and existence unknown.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from auditor.collect.interstitial import wall_of
from auditor.fetch.client import Fetched
from auditor.models import Activity, Channel, Evidence, Status
from auditor.plugin import Context, Platform, PlatformSpec, Priority, Signal
from auditor.urls import Link

EXISTS_FIELD = "account exists"


def walled_spec(name: str, summary: str, *hosts: str, signals: tuple[Signal, ...] = (Signal.EXISTENCE,),
                credentials: tuple[str, ...] = ()) -> PlatformSpec:
    """The row of a social platform behind a login wall, recognised by ``hosts``; by default it reads existence."""
    return PlatformSpec(name=name, kind="social", summary=summary, hosts=hosts, priority=Priority.WALLED, walled=True,
                        signals=signals, credentials=credentials)


def at_profile(url: str, hosts: frozenset[str], pattern: re.Pattern[str]) -> str | None:
    """The handle (lower-cased) of a profile URL ``/@{handle}`` on one of ``hosts``, else None."""
    link = Link.of(url)
    if link is None or link.host not in hosts or not link.segments:
        return None
    first = link.segments[0]
    if not first.startswith("@") or not pattern.fullmatch(first[1:]):
        return None
    return first[1:].lower()


@dataclass(frozen=True, slots=True)
class Existence:
    """What one answer said about an account: True, False, or None (cannot tell), and why."""

    exists: bool | None
    why: str = ""
    from_api: bool = False

    def evidence(self, url: str) -> Evidence | None:
        if self.exists is None:
            return None
        word = "yes" if self.exists else "no"
        if not self.exists and not self.from_api:
            word = "no (observed marker, unconfirmed)"
        return Evidence(url, EXISTS_FIELD, f"{word}: {self.why}")


UNKNOWN = Existence(None)


def title_of(page: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", page, re.IGNORECASE | re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(match.group(1))).strip() if match else ""


class WalledPlatform(Platform):
    """A platform whose profile pages sit behind a login wall; subclasses read its markers."""

    kind = "social"
    priority = 30
    label = ""  # "Facebook"
    wall_reason = ""  # what cannot be seen, and what would show it
    KNOWN_PRESENT = "bigbrand"  # a handle that exists on the fixture internet (self-check)
    KNOWN_ABSENT = "nosuchbrand"  # one that does not
    PROBE_EXPECTS: tuple[str, str] = ("found", "absent")  # what probing those two can honestly say

    def existence(self, channel: Channel, fetched: Fetched) -> Existence:
        """What a 2xx profile page says about the account; override per platform."""
        return UNKNOWN

    async def collect(self, channel: Channel, context: Context) -> Activity:
        fetched = await context.get(channel.url)
        return self.from_page(channel, fetched)

    def from_page(self, channel: Channel, fetched: Fetched, extra: tuple[Evidence, ...] = ()) -> Activity:
        """The Activity a walled profile page supports: blocked, error, or login_wall with its evidence."""
        evidence = list(extra)
        if fetched.error:
            blocked = fetched.error_kind in ("robots", "refused")
            return Activity(channel_url=channel.url, status=Status.BLOCKED if blocked else Status.ERROR,
                            reason=fetched.error, evidence=tuple(evidence))
        code = fetched.status or 0
        evidence.append(Evidence(fetched.final_url, "HTTP status", str(code)))
        if code == 999 or code in (401, 403):
            reason = (f"{self.label} answered HTTP {code} to a non-browser client; {self.wall_reason}")
            return Activity(channel_url=channel.url, status=Status.LOGIN_WALL, reason=reason, evidence=tuple(evidence))
        if not 200 <= code < 300:
            reason = (f"{self.label} answered HTTP {code} for {fetched.final_url}; its pages are no reliable sign "
                      "of whether an account exists, so nothing is concluded")
            return Activity(channel_url=channel.url, status=Status.ERROR, reason=reason, evidence=tuple(evidence))
        wall = wall_of(fetched)
        if wall:  # sent to the login page (or another wall): the profile's own markers are not there
            evidence.append(Evidence(fetched.final_url, "interstitial", wall))
            return Activity(channel_url=channel.url, status=Status.LOGIN_WALL, interstitial=wall,
                            evidence=tuple(evidence),
                            reason=f"{self.label} showed a {wall} page ({fetched.final_url}) instead of the profile, "
                                   f"so whether the account exists cannot be told; {self.wall_reason}")
        seen = self.existence(channel, fetched)
        found = seen.evidence(fetched.final_url)
        if found is not None:
            evidence.append(found)
        page_title = title_of(fetched.text()[:200_000])
        if page_title:
            evidence.append(Evidence(fetched.final_url, "page title", page_title))
        return Activity(channel_url=channel.url, status=Status.LOGIN_WALL,
                        reason=self.wall_sentence(seen), evidence=tuple(evidence), exists=seen.exists)

    def wall_sentence(self, seen: Existence) -> str:
        if seen.exists is True:
            lead = f"the {self.label} profile exists ({seen.why}), but"
        elif seen.exists is False:
            lead = (f"the {self.label} page carries the marker seen on missing accounts ({seen.why}); that is an "
                    "unofficial signal behind a login wall, so the account is not reported missing, and")
        else:
            lead = f"{self.label} showed a login wall;"
        return f"{lead} {self.wall_reason}"


