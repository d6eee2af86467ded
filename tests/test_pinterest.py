"""Pinterest: a profile's last pin from its RSS feed; a redirect to the home page means no such account."""

from __future__ import annotations

import pytest
from auditor.plugins.pinterest import PinterestPlatform
from conftest import AS_OF, utc
from conftest import audit_profile as audit_user_channel

from auditor import Status
from auditor.collect.signals import response_signals

PINTEREST = PinterestPlatform()


def audit_profile(url: str):
    _, channel, activity = audit_user_channel(url, "pinterest")
    return channel, activity


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://www.pinterest.com/acmewidgets/", "https://www.pinterest.com/acmewidgets/"),
        ("https://pinterest.com/acmewidgets", "https://www.pinterest.com/acmewidgets/"),
        ("https://uk.pinterest.com/acmewidgets/", "https://www.pinterest.com/acmewidgets/"),
        ("https://www.pinterest.co.uk/acmewidgets/", "https://www.pinterest.com/acmewidgets/"),
        ("https://www.pinterest.de/acmewidgets/_saved/", "https://www.pinterest.com/acmewidgets/"),
        ("https://www.pinterest.com/acmewidgets/winter-ideas/", "https://www.pinterest.com/acmewidgets/"),  # a board
        ("pinterest.com/acmewidgets/feed.rss", "https://www.pinterest.com/acmewidgets/"),
    ],
)
def test_recognises_profiles_on_every_pinterest_host(url, canonical):
    channel = PINTEREST.recognise(url)
    assert channel is not None and (channel.url, channel.kind, channel.handle) == (canonical, "social", "acmewidgets")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.pinterest.com/pin/813244520987654321/",
        "https://www.pinterest.com/pin/create/button/?url=https%3A%2F%2Facme.example%2F",
        "https://pin.it/3xAmPlE",
        "https://www.pinterest.com/",
        "https://www.pinterest.com/search/pins/?q=widgets",
        "https://www.pinterest.com/ideas/",
        "https://www.pinterest.com/acmewidgets/board/section/extra/",
        "https://www.pinterest.com/acmewidgets/_tools/",
        "https://pinterest.example.com/acmewidgets/",
    ],
)
def test_does_not_recognise_pins_share_buttons_or_pinterest_pages(url):
    assert PINTEREST.recognise(url) is None


def test_an_active_profile_is_dated_by_its_newest_pin(fixture_internet):
    _, activity = audit_profile("https://www.pinterest.com/acmewidgets/")
    assert activity.status is Status.OK
    assert activity.last_activity == utc(2026, 11, 19, 14, 5)
    assert activity.last_activity_source.url == "https://www.pinterest.com/pin/813244520987654321/"
    assert len(activity.items) == 3
    assert response_signals(activity.interactions, AS_OF, 90).total == 0  # pins show no conversations


def test_a_profile_silent_since_2022(fixture_internet):
    _, activity = audit_profile("https://www.pinterest.com/staleco/")
    assert activity.last_activity == utc(2022, 7, 3, 10)


def test_a_profile_without_pins_has_no_date_and_says_so(fixture_internet):
    _, activity = audit_profile("https://www.pinterest.com/emptyco/")
    assert activity.status is Status.OK and activity.last_activity is None
    assert activity.reason == "the feed has no pins"


def test_a_redirect_to_the_home_page_means_the_account_does_not_exist(fixture_internet):
    _, activity = audit_profile("https://www.pinterest.com/nosuchpinner/")
    assert activity.status is Status.NOT_FOUND
    assert "redirects to the home page" in activity.reason
