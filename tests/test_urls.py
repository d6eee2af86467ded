"""URL canonicalisation: one channel however a link is spelled; idempotent; sites compared by registered domain."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from auditor.urls import canonical_url, clean_url, registered_domain, same_site


@pytest.mark.parametrize("variant", [
    "https://x.com/bigbrand",
    "https://x.com/bigbrand/",
    "https://www.x.com/bigbrand",
    "https://mobile.x.com/bigbrand",
    "https://m.x.com/BigBrand",
    "HTTPS://X.COM/BigBrand?utm_source=site&utm_medium=footer",
    "http://x.com/bigbrand?ref=footer",
    "https://x.com/bigbrand?fbclid=IwAR0abc#top",
    "https://x.com:443/bigbrand//",
])
def test_spelling_variants_share_one_canonical_url(variant):
    assert canonical_url(variant) == "https://x.com/bigbrand"


def test_clean_url_keeps_a_fetchable_url_and_meaningful_query():
    assert clean_url("HTTPS://Blog.Example:443/Feed?utm_campaign=x&page=2#c") == "https://blog.example/Feed?page=2"
    assert clean_url("https://www.facebook.com/profile.php?id=123&ref=br_rs") == \
        "https://www.facebook.com/profile.php?id=123"


def test_registered_domains_use_the_bundled_suffix_list_and_fall_back_for_reserved_tlds():
    assert registered_domain("blog.bigbrand.co.uk") == "bigbrand.co.uk"
    assert registered_domain("blog.bigbrand.example") == "bigbrand.example"
    assert registered_domain("acme.github.io") == "acme.github.io"  # a private suffix: its own site
    assert same_site("https://blog.bigbrand.example/", "https://bigbrand.example/about/")
    assert not same_site("https://acme.github.io/", "https://other.github.io/")


urls = st.builds(
    lambda scheme, prefix, host, path, slash, query, fragment: f"{scheme}://{prefix}{host}{path}{slash}{query}{fragment}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.sampled_from(["", "www.", "m.", "mobile.", "WWW.", "www.m."]),
    st.from_regex(r"[a-zA-Z][a-zA-Z0-9\-]{0,10}\.(com|example|co\.uk)", fullmatch=True),
    st.from_regex(r"(/[a-zA-Z0-9_@.%\-]{1,8}){0,3}", fullmatch=True),
    st.sampled_from(["", "/", "//"]),
    st.sampled_from(["", "?utm_source=x", "?ref=footer", "?id=5&utm_medium=y", "?a=b%20c", "?q=a+b"]),
    st.sampled_from(["", "#top", "#!/x"]),
)


@given(urls)
@example("http://a.com:443/")
@example("https://[::1]:8080/x")
def test_canonicalisation_is_idempotent(url):
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert clean_url(clean_url(url)) == clean_url(url)


@given(st.from_regex(r"[a-z][a-z0-9_]{0,14}", fullmatch=True), st.data())
def test_link_variants_of_one_profile_collapse(handle, data):
    prefix = data.draw(st.sampled_from(["", "www.", "m.", "mobile."]))
    suffix = data.draw(st.sampled_from(["", "/", "?utm_source=a", "/?ref=b", "?fbclid=z"]))
    case = data.draw(st.sampled_from([str.lower, str.upper, str.title]))
    assert canonical_url(f"https://{prefix}x.com/{case(handle)}{suffix}") == canonical_url(f"https://x.com/{handle}")
