"""read_date: one rule per test; every answer is an aware UTC instant and a precision, or None."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import pytest
from conftest import utc

from auditor.parse import feeddates
from auditor.parse.feeddates import DateReading, parse_date, read_date


def reading(text):
    found = read_date(text)
    return (found.instant, found.precision) if found else None


@pytest.mark.parametrize("text, zone_hours", [
    ("Thu, 01 Jan 2004 12:00:00 EST", -5), ("Thu, 01 Jan 2004 12:00:00 EDT", -4),
    ("Thu, 01 Jan 2004 12:00:00 CST", -6), ("Thu, 01 Jan 2004 12:00:00 MDT", -6),
    ("Thu, 01 Jan 2004 12:00:00 PST", -8), ("Thu, 01 Jan 2004 12:00:00 PDT", -7),
    ("Thu, 01 Jan 2004 12:00:00 ET", -5), ("Thu, 01 Jan 2004 12:00:00 PT", -8),
    ("Thu, 01 Jan 2004 12:00:00 CET", 1), ("Thu, 01 Jan 2004 12:00:00 CEST", 2),
    ("Thu, 01 Jan 2004 12:00:00 MET", 1), ("Thu, 01 Jan 2004 12:00:00 MEST", 2),
    ("Thu, 01 Jan 2004 12:00:00 BST", 1), ("Thu, 01 Jan 2004 12:00:00 EET", 2),
    ("Thu, 01 Jan 2004 12:00:00 JST", 9),
    ("Thu, 01 Jan 2004 12:00:00 UT", 0), ("Thu, 01 Jan 2004 12:00:00 GMT", 0), ("Thu, 01 Jan 2004 12:00:00 Z", 0),
    ("Thu, 01 Jan 2004 12:00:00 Etc/GMT", 0),
])
def test_zone_names_have_their_real_offsets(text, zone_hours):
    assert read_date(text).instant == utc(2004, 1, 1, 12 - zone_hours)


@pytest.mark.parametrize("letter, hours", [("A", 1), ("I", 9), ("K", 10), ("M", 12), ("N", -1), ("Y", -12)])
def test_military_letters_have_their_real_offsets(letter, hours):
    assert read_date(f"Sat, 10 Jan 2004 12:00:00 {letter}").instant == utc(2004, 1, 10, 12) - timedelta(hours=hours)


@pytest.mark.parametrize("text, expected", [
    ("Wed, 19 Feb 2012 22:40:00 GMT-01:01", utc(2012, 2, 19, 23, 41)),
    ("Wed, 19 Feb 2012 22:40:00 -01:01", utc(2012, 2, 19, 23, 41)),
    ("2004-07-08 23:56:58 -00:20", utc(2004, 7, 9, 0, 16, 58)),
    ("2003-12-31T10:14:55-08:00", utc(2003, 12, 31, 18, 14, 55)),
])
def test_numeric_offsets_are_applied(text, expected):
    assert read_date(text).instant == expected


@pytest.mark.parametrize("text", ["9999-12-31T23:59:59-99:99", "Sun, 16 Dec 2012 11:47:32 +2400",
                                  "Sun, 16 Dec 2012 11:47:32 +zz:00", "Sun, 16 Dec 2012 11:47:32 +00:61",
                                  "2003-12-31T10:14:55+15:00"])
def test_offsets_beyond_fourteen_hours_or_malformed_are_no_date(text):
    assert read_date(text) is None


@pytest.mark.parametrize("text, year", [("Thu, 01 Jan 04 19:48:21 GMT", 2004), ("Thu, 01 Jan 49 19:48:21 GMT", 2049),
                                        ("Fri, 01 Jan 50 19:48:21 GMT", 1950), ("Fri, 01 Jan 99 19:48:21 GMT", 1999),
                                        ("031231", 2003), ("-03-12", 2003)])
def test_two_digit_years_follow_rfc_2822(text, year):
    assert read_date(text).instant.year == year


@pytest.mark.parametrize("text, expected", [
    ("2003", (utc(2003, 1, 1), "year")),
    ("2003-12", (utc(2003, 12, 1), "month")),
    ("Dec 2003", (utc(2003, 12, 1), "month")),
    ("-0312", (utc(2003, 12, 1), "month")),
    ("2003-12-31", (utc(2003, 12, 31), "day")),
    ("01 Jan 2004", (utc(2004, 1, 1), "day")),
    ("Thu, 01 Jan 2004 00:00 GMT", (utc(2004, 1, 1), "minute")),
    ("2003-12-31T10:14:55Z", (utc(2003, 12, 31, 10, 14, 55), "second")),
])
def test_precision_is_what_the_text_gave(text, expected):
    assert reading(text) == expected


@pytest.mark.parametrize("text", ["Wed", "Dec", "16 Dec", "10:14", "Wed 10:14:00 GMT"])
def test_partial_dates_are_never_completed(text):
    assert read_date(text) is None


def test_no_answer_depends_on_the_clock():
    texts = ["2003-12", "Dec 2003", "Thu, 01 Jan 04 19:48:21 GMT", "Wed", "2003", "-03-12"]
    before = [reading(t) for t in texts]
    with mock.patch.object(feeddates, "datetime", wraps=datetime) as clock:
        again = [reading(t) for t in texts]
    assert again == before
    assert not clock.now.called and not clock.utcnow.called and not clock.today.called


@pytest.mark.parametrize("text", ["Thu, 31 Jun 2004 19:48:21 GMT", "Sun, 99 Jun 2009 12:00:00 GMT",
                                  "2003-12-31T25:14:55Z", "2003-12-31T10:61:55Z", "2003-12-31T10:14:61Z",
                                  "2003-02-29", "99999-01-01", "Sun, 31 Dec 9999 23:59:59 -0100"])
def test_out_of_range_fields_are_no_date_not_rolled_over(text):
    assert read_date(text) is None


@pytest.mark.parametrize("text", ["", "   ", "soon", "32/13/2008", "2013-01-27-01", "2013-01-28T11:30:00-06:00Textra",
                                  "2013-xx-27", "Sun, 16 Dec 2012 1:2:3:4 GMT", "Sun, 16 zzz 2012 11:47:32 GMT",
                                  "22013", "013", "x" * 500])
def test_unreadable_text_is_no_date(text):
    assert read_date(text) is None


@pytest.mark.parametrize("value", [None, 5, b"2003-12-31"])
def test_non_text_is_no_date(value):
    assert read_date(value) is None


@pytest.mark.parametrize("text, expected", [
    ("Sun Jan  4 16:29:06 2004", utc(2004, 1, 4, 16, 29, 6)),  # asctime
    ("Sun Jan  4 16:29:06 PST 2004", utc(2004, 1, 5, 0, 29, 6)),
    ("Sun Jul 15 01:16:00 +0000 2012", utc(2012, 7, 15, 1, 16)),  # Twitter's
    ("Thu Aug 30 2012 17:26:16 +0200", utc(2012, 8, 30, 15, 26, 16)),  # month before day
    ("Mon, 13 Feb, 2012 06:28:00 UTC", utc(2012, 2, 13, 6, 28)),  # an extra comma
    ("Mon, 26 January 2004 16:31:00 EST", utc(2004, 1, 26, 21, 31)),  # a full month name
    ("Tue, 10 Jun 2003 09:41:01 -0400 (EDT)", utc(2003, 6, 10, 13, 41, 1)),  # a comment after the zone
    ("Fri, 2006/09/15 08:19:53 EDT", utc(2006, 9, 15, 12, 19, 53)),  # Perforce
    ("2003-012-31T10:14:55+00:00", utc(2003, 12, 31, 10, 14, 55)),  # a zero too many in the month
    ("2003-335", utc(2003, 12, 1)),  # an ordinal day
    ("20031231", utc(2003, 12, 31)),
    ("2004-07-08 23:56:58.0", utc(2004, 7, 8, 23, 56, 58)),  # MS SQL
    ("\u039a\u03c5\u03c1, 11 \u0399\u03bf\u03cd\u03bb 2004 12:00:00 EST", utc(2004, 7, 11, 17)),  # Greek
    ("2004-j\u00falius-13T9:15-05:00", utc(2004, 7, 13, 14, 15)),  # Hungarian
    ("2004-05-25 \uc624\ud6c4 11:23:17", utc(2004, 5, 25, 14, 23, 17)),  # Korean, PM, Seoul time
    ("2004\ub144 05\uc6d4 28\uc77c  01:31:15", utc(2004, 5, 27, 16, 31, 15)),
])
def test_the_old_forms_feeds_write(text, expected):
    assert read_date(text).instant == expected


def test_a_date_without_a_zone_is_utc_and_fractions_are_kept():
    assert read_date("2004-07-08 23:56:58") == DateReading(utc(2004, 7, 8, 23, 56, 58), "second")
    assert read_date("2026-01-02T03:04:05.250Z").instant.microsecond == 250_000


def test_parse_date_is_the_instant_alone():
    assert parse_date("2003-12-31T10:14:55-08:00") == utc(2003, 12, 31, 18, 14, 55)
    assert parse_date("Wed") is None


def test_the_feed_and_date_readers_are_importable_from_the_package():
    import auditor

    assert auditor.parse_date is parse_date and auditor.read_date is read_date
    assert auditor.parse_feed.__module__ == "auditor.parse.feeds" and issubclass(auditor.FeedError, ValueError)


@pytest.mark.parametrize("text, expected", [
    ("Sat, 02 Mar 2019 10:15:00 +0000", utc(2019, 3, 2, 10, 15)),
    ("Sat, 02 Mar 2019 10:15:00 -0530", utc(2019, 3, 2, 15, 45)),
    ("2 mar 2019 10:15:00 GMT", utc(2019, 3, 2, 10, 15)),
    ("Sat, 31 Dec 2016 23:59:60 +0100", utc(2016, 12, 31, 22, 59, 59)),  # a leap second: the careful path
    ("Sat, \u0660\u0662 Mar 2019 10:15:00 +0000", utc(2019, 3, 2, 10, 15)),  # digits the C reader refuses
    ("2019-03-02T10:15:00Z", utc(2019, 3, 2, 10, 15)),
    ("2019-03-02T10:15:00+05:30", utc(2019, 3, 2, 4, 45)),
    ("2019-03-02 10:15", utc(2019, 3, 2, 10, 15)),
])
def test_the_common_shapes_read_fast_give_a_reading_like_any_other(text, expected):
    found = read_date(text)
    assert found == DateReading(expected, found.precision) and hash(found) == hash(DateReading(expected, found.precision))
    assert found.instant.tzinfo is feeddates.UTC
    with pytest.raises(AttributeError):
        found.precision = "year"


@pytest.mark.parametrize("text", ["Sat, 30 Feb 2019 10:15:00 +0000", "Sat, 02 Mar 0000 10:15:00 GMT",
                                  "Sat, 02 Mar 2019 24:15:00 GMT", "Sat, 02 Mar 2019 10:15:00 +1401",
                                  "Sat, 02 Mar 2019 10:15:00 +0060", "Sat, 02 Foo 2019 10:15:00 GMT",
                                  "Mon, 01 Jan 0001 00:10:00 +0100", "2019-02-30T10:15:00Z"])
def test_the_common_shapes_out_of_range_are_no_date(text):
    assert read_date(text) is None
