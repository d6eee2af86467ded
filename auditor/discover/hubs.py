"""Reading a link-in-bio hub (Linktree, Beacons, Carrd, ...): the links it lists, as candidates found through it.

Takes a parsed hub page; gives :class:`~auditor.discover.candidates.Candidate` values, one per
distinct link outside the page's footer (where the hub service links its own sign-up page
and profiles), at the confidence of the link that led to the hub, with evidence naming
the hub. Nothing is fetched here; at most :data:`MAX_HUB_LINKS` links are read.
"""

from __future__ import annotations

from auditor.discover.candidates import Candidate, absolute, region_of
from auditor.models import Confidence, Evidence
from auditor.plugin import Page

MAX_HUB_LINKS = 200
HUB_ORIGIN = "hub"


def hub_candidates(page: Page, confidence: Confidence, vendor: str) -> list[Candidate]:
    """The channel candidates a hub page links, each with the hub as its evidence."""
    found: list[Candidate] = []
    seen: set[str] = set()
    for node in page.css("a[href]"):
        if len(seen) >= MAX_HUB_LINKS:
            break
        href = node.attributes.get("href") or ""
        url = absolute(page, href)
        if url is None or url in seen:
            continue
        region, element = region_of(node)
        if region == "chrome" and element == "footer":
            continue
        seen.add(url)
        found.append(Candidate(url, confidence, Evidence(page.url, f"link-in-bio hub ({vendor or 'hub'}) a[href]",
                                                         href.strip()), origin=HUB_ORIGIN))
    return found
