"""Output file names per brand in --output-dir: stable (from the name alone) and unique (two names never
share a file, not even on a case-insensitive disk), however the names are spelt."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from auditor import Audit, Brand
from auditor.report import ReportOptions
from auditor.report.output import DirectorySink, file_key
from conftest import AS_OF


def test_plain_names_are_their_own_keys_and_the_rest_carry_a_digest():
    assert file_key("acme.example") == "acme.example"
    assert file_key("a_b") == "a_b"
    assert file_key("a/b").startswith("a_b~") and file_key("a/b") != file_key("a_b")
    assert file_key("Acme").startswith("Acme~")  # not "Acme" beside "acme" on a case-insensitive disk
    assert file_key("con").startswith("con~") and file_key("../../etc/passwd").startswith("etc_passwd~")
    assert file_key("a/b") == file_key("a/b")  # the same in every run


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=40), min_size=2, max_size=8, unique=True))
def test_distinct_names_never_share_a_file_even_ignoring_case(names):
    keys = [file_key(name) for name in names]
    assert len({key.lower() for key in keys}) == len(names)
    assert all("/" not in key and "\\" not in key and key not in (".", "..") and key for key in keys)


def test_two_brands_whose_names_slug_alike_both_get_their_report(tmp_path):
    sink = DirectorySink("json", ReportOptions(), tmp_path, resume=False)
    for name in ("a/b", "a_b", "a b", "A_B"):
        sink.write(Audit(brand=Brand(name=name, homepages=("https://a.example/",)), as_of=AS_OF, channels=(),
                         activities=(), findings=()))
    assert len(list(tmp_path.glob("*.json"))) == 4
    resumed = DirectorySink("json", ReportOptions(), tmp_path, resume=True)
    assert {resumed.key(n) for n in ("a/b", "a_b", "a b", "A_B")} == set(resumed.done)
