"""Walls read from a 2xx answer: strictly, so a page that is itself content is never taken for one."""

from __future__ import annotations

import pytest

from auditor.collect.interstitial import interstitial_of, wall_of
from auditor.fetch.client import Fetched


def answer(body: str, url: str = "https://shop.example/", final: str = "") -> Fetched:
    return Fetched(url=url, final_url=final or url, status=200, body=body.encode())


@pytest.mark.parametrize(("fetched", "kind"), [
    (answer("<title>Login • Instagram</title>", "https://www.instagram.com/acme/",
            "https://www.instagram.com/accounts/login/?next=%2Facme%2F"), "login wall"),
    (answer("<title>Facebook</title>", "https://www.facebook.com/acme",
            "https://www.facebook.com/login/?next=x"), "login wall"),
    (answer("<title>reddit</title>", "https://www.reddit.com/r/x/.rss",
            "https://www.reddit.com/over18?dest=x"), "age gate"),
    (answer("<title>Cookies</title>", "https://news.example/feed/", "https://news.example/cookie-consent?r=/feed/"),
     "cookie wall"),
    (answer("<html><head><title>\n We value your privacy\n</title>"), "cookie wall"),
    (answer("<title>Before you continue to YouTube</title>", "https://www.youtube.com/@acme"), "cookie wall"),
    (answer("<title>Just a moment...</title>"), "robot check"),
    (answer("<title>reddit.com: over 18?</title>"), "age gate"),
    (answer('<title>Acme</title><form method="post" action="/over18?dest=x">'), "age gate"),
    (answer("<title>x</title>", "https://www.youtube.com/@acme", "https://consent.youtube.com/m?continue=x"), "consent"),
])
def test_a_wall_answered_with_200_is_recognised(fetched, kind):
    assert wall_of(fetched) == kind
    assert interstitial_of(fetched) == kind  # the lenient reading sees the same wall


@pytest.mark.parametrize("fetched", [
    # a shop whose cookie banner says what a wall says, below its own title
    answer("<title>Acme Shop</title><div id='banner'>Accept all cookies to continue browsing.</div>"),
    # a contact form protected by a captcha
    answer("<title>Contact us</title><div class='g-recaptcha' data-sitekey='x'></div>"),
    # a page that links the login, and a login page asked for by name
    answer("<title>Acme</title><a href='/login'>Log in</a>"),
    answer("<title>Log in</title>", "https://shop.example/login", "https://shop.example/login/"),
    # a blog post about age verification laws
    answer("<title>What the new age verification law means for small shops</title>"),
    # a page that moved within its site
    answer("<title>News</title>", "https://shop.example/news", "https://shop.example/blog/"),
])
def test_a_page_that_is_itself_content_is_no_wall(fetched):
    assert wall_of(fetched) == ""
