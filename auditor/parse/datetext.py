"""Dates written for people and machines: "25 August 2008", "Posted on 12/03/2009", "3. März 2009 um
14:30", "12 de marzo de 2009", "19 октября 2019 г.", "2019-10-18T22:04:00+02:00", "© 2008". Pure
functions over one string.

Month names are read in English, German, French, Spanish, Italian, Portuguese, Dutch, Polish,
Russian and Turkish (full names, their usual abbreviations and the genitive forms Polish and
Russian write after a day). A date is kept as written: a time without a zone is given UTC as a
placeholder, a written offset is kept as it is, and the calendar day is never moved. Slash dates
are month-first on US-English pages and day-first elsewhere, unless one part is over 12; dotted
and dashed numeric dates are day-first everywhere. Relative phrases ("3 days ago", "heute") and
dates missing their day or year are not read at all: completing them from a clock would date a
stale page to the day it was fetched.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone

MONTHS: dict[str, int] = {}
_NAMES = {
    1: "january jan januar jänner janvier enero gennaio janeiro januari stycznia styczeń styczen "
       "января январь янв ocak ene janv gen",
    2: "february feb februar feber février fevrier febrero febbraio fevereiro februari lutego luty "
       "февраля февраль фев şubat subat févr fevr fev",
    3: "march mar märz maerz mars marzo março marco maart marca marzec марта март mart mrt mär",
    4: "april apr avril abril aprile kwietnia kwiecień kwiecien апреля апрель апр nisan avr abr",
    5: "may mai mayo maggio maio mei maja maj мая май mayıs mayis mag",
    6: "june jun juni juin junio giugno junho czerwca czerwiec июня июнь haziran giu",
    7: "july jul juli juillet julio luglio julho lipca lipiec июля июль temmuz juil lug",
    8: "august aug août aout agosto augustus sierpnia sierpień sierpien августа август авг ağustos agustos ago",
    9: "september sep sept septembre septiembre setiembre settembre setembro września wrzesnia wrzesień "
       "wrzesien сентября сентябрь сен eylül eylul set",
    10: "october oct oktober octobre octubre ottobre outubro października pazdziernika październik "
        "pazdziernik октября октябрь окт ekim okt ott out",
    11: "november nov novembre noviembre novembro listopada listopad ноября ноябрь ноя kasım kasim",
    12: "december dec dezember décembre decembre diciembre dicembre dezembro grudnia grudzień grudzien "
        "декабря декабрь дек aralık aralik dez déc dic",
}
for _number, _words in _NAMES.items():
    for _word in _words.split():
        MONTHS[_word] = _number

# Longest names first so "march" wins over "mar" and "juillet" over "juil".
_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
# Look-aheads in front of the patterns let the scan skip, cheaply, every position where no match
# can start: each states what the pattern needs with the month alternation replaced by "a whole
# word of month length that starts like a month" (every month name is such a word).
_MONTH_WORD = (r"[" + "".join(sorted({re.escape(m[0]) for m in MONTHS} | {re.escape(m[0].upper()) for m in MONTHS}))
               + r"]\w{" + f"{min(map(len, MONTHS)) - 1},{max(map(len, MONTHS)) - 1}" + r"}")
_DAY_SUFFIX = r"(?:st|nd|rd|th|er|e|\.|º|°)?"
_DAY_MONTH_YEAR_SHAPE = (r"(?=\d{1,2}" + _DAY_SUFFIX + r"\s*(?:de\s+)?" + _MONTH_WORD
                         + r"\.?,?\s*(?:de\s+|del\s+)?(?:19|20)\d{2}\b)")
_MONTH_DAY_YEAR_SHAPE = r"(?=" + _MONTH_WORD + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}\b)"
_TIME = (r"(?:\s*(?:,|at|um|à|a\s+las|a\s+la|alle|às|om|o|в|saat|-|–|\|)?\s*"
         r"(?P<hour>\d{1,2})[:h.](?P<minute>\d{2})(?::\d{2})?\s*(?P<ampm>[ap]\.?\s?m\.?)?(?:\s*[Uu]hr)?)?")

DAY_MONTH_YEAR = re.compile(
    _DAY_MONTH_YEAR_SHAPE + r"(?<![\w.])(?P<day>\d{1,2})" + _DAY_SUFFIX + r"\s*(?:de\s+)?(?P<month>" + _MONTH
    + r")\.?,?\s*(?:de\s+|del\s+)?(?P<year>(?:19|20)\d{2})\b" + _TIME, re.IGNORECASE)
MONTH_DAY_YEAR = re.compile(
    _MONTH_DAY_YEAR_SHAPE + r"(?<![\w])(?P<month>" + _MONTH
    + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})\b" + _TIME, re.IGNORECASE)
ISO_DATE = re.compile(
    r"(?=[12])(?<![\d/.])(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2}))?")
NUMERIC_DATE = re.compile(
    r"(?=\d)(?<![\d/.\-])(?P<a>\d{1,2})(?P<sep>/|\.\s?|-)(?P<b>\d{1,2})(?P=sep)(?P<year>(?:19|20)\d{2})(?![\d/])"
    + _TIME)
YEAR_FIRST_SLASH_DATE = re.compile(  # 2016/11/18, as version control and some CMSs write it
    r"(?=[12])(?<![\d/])(?P<year>(?:19|20)\d{2})/(?P<month>0?[1-9]|1[0-2])/(?P<day>0?[1-9]|[12]\d|3[01])(?![\d/])"
    + _TIME)
COPYRIGHT = re.compile(
    r"(?:©|&copy;|\(c\)|copyright)\s*(?:©\s*)?(?P<first>(?:19|20)\d{2})(?:\s*[-–—]\s*(?P<last>(?:19|20)\d{2}))?",
    re.IGNORECASE)
URL_DATE = re.compile(r"/(?P<year>(?:19|20)\d{2})/(?P<month>0?[1-9]|1[0-2])/(?:(?P<day>0?[1-9]|[12]\d|3[01])/)?")
URL_DAY_FIRST = re.compile(r"[/_~-](?P<day>0[1-9]|[12]\d|3[01])-(?P<month>0[1-9]|1[0-2])-(?P<year>(?:19|20)\d{2})"
                           r"(?=[/_.-]|$)")
URL_DAY = re.compile(r"[/_-](?P<year>(?:19|20)\d{2})[/_-]?(?P<month>0[1-9]|1[0-2])[/_-]?(?P<day>0[1-9]|[12]\d|3[01])"
                     r"(?=[/_.-]|$)")

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# One pattern per century: each opens with a literal, which the scan looks for as fast as str.find;
# no look-arounds (the bounds are checked after).
_NINETEEN, _TWENTY = re.compile(r"19\d\d"), re.compile(r"20\d\d")


@dataclass(frozen=True, slots=True)
class TextDate:
    """One date found in a string: when, how precise, and the exact text it came from."""

    value: datetime
    precision: str  # "minute" | "day"
    text: str
    start: int


def month_number(name: str) -> int | None:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS.get(_fold(key)) or MONTHS.get(_fold(key.replace("\u0131", "i")))


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _make(year: int, month: int, day: int, hour: int | None = None, minute: int | None = None,
          ampm: str | None = None) -> datetime | None:
    if hour is not None and ampm:
        marker = ampm.lower().replace(".", "").replace(" ", "")
        if hour > 12:
            return None
        hour = hour % 12 + (12 if marker == "pm" else 0)
    try:
        return datetime(year, month, day, hour or 0, minute or 0, tzinfo=timezone.utc)
    except ValueError:
        return None


def _with_time(match: re.Match[str], year: int, month: int, day: int) -> tuple[datetime | None, str]:
    hour = match.group("hour")
    if hour is not None:
        value = _make(year, month, day, int(hour), int(match.group("minute")), match.group("ampm"))
        if value is not None:
            return value, "minute"
    return _make(year, month, day), "day"


def hinted_runs(text: str, separator: str) -> list[tuple[int, int, int]]:
    """(run index, start, end) of each run of ``text`` (split at ``separator``) that holds a year, in order.

    Every date :func:`find_dates` reads and every notice :func:`copyright_years` reads holds a
    year from 1900 to 2099, so the other runs need no closer look; one scan of the whole text is
    far cheaper than a few per run (it looks for each century's digits apart, a literal's fast search,
    and takes the nearer). ``separator`` must be a character no date spans (a NUL).
    """
    runs: list[tuple[int, int, int]] = []
    index, counted_to, position = 0, 0, 0
    nineteen, twenty = _year_digits(_NINETEEN, text, 0), _year_digits(_TWENTY, text, 0)
    while True:
        if nineteen < position:
            nineteen = _year_digits(_NINETEEN, text, position)
        if twenty < position:
            twenty = _year_digits(_TWENTY, text, position)
        hit = min(nineteen, twenty)
        if hit == len(text):
            return runs
        if (hit and text[hit - 1].isdecimal()) or text[hit + 4:hit + 5].isdecimal():
            position = hit + 1  # part of a longer number: not a year
            continue
        start = text.rfind(separator, 0, hit) + 1
        end = text.find(separator, hit)
        end = len(text) if end < 0 else end
        index += text.count(separator, counted_to, start)
        counted_to = start
        runs.append((index, start, end))
        position = end  # the next year after this run


def _year_digits(century: re.Pattern[str], text: str, position: int) -> int:
    """Where the century's next four digits in ``text`` from ``position`` start; the text's length if nowhere."""
    match = century.search(text, position)
    return len(text) if match is None else match.start()


def runs_with_hints(text: str, separator: str) -> list[tuple[int, str]]:
    """The runs of ``text`` that may hold a date (see :func:`hinted_runs`), as (run index, run)."""
    return [(index, text[start:end]) for index, start, end in hinted_runs(text, separator)]


def find_dates(text: str, *, month_first: bool = False) -> list[TextDate]:
    """Every absolute date with day, month and year in ``text``, in reading order."""
    found: list[TextDate] = []
    if _YEAR.search(text) is None:  # every pattern holds a year: the cheap common case
        return found
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], value: datetime | None, precision: str) -> None:
        span = match.span()
        if value is None or any(s < span[1] and span[0] < e for s, e in taken):
            return
        taken.append(span)
        found.append(TextDate(value, precision, match.group(0).strip(), span[0]))

    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR):
        for match in pattern.finditer(text):
            month = month_number(match.group("month"))
            if month is not None:
                add(match, *_with_time(match, int(match.group("year")), month, int(match.group("day"))))
    for match in ISO_DATE.finditer(text) if "-" in text else ():
        year, month, day = int(match.group("year")), int(match.group("month")), int(match.group("day"))
        if match.group("hour") is not None:
            add(match, _make(year, month, day, int(match.group("hour")), int(match.group("minute"))), "minute")
        else:
            add(match, _make(year, month, day), "day")
    for match in YEAR_FIRST_SLASH_DATE.finditer(text) if "/" in text else ():
        add(match, *_with_time(match, int(match.group("year")), int(match.group("month")), int(match.group("day"))))
    for match in NUMERIC_DATE.finditer(text) if ("/" in text or "." in text or "-" in text) else ():
        a, b, year = int(match.group("a")), int(match.group("b")), int(match.group("year"))
        if match.group("sep") != "/":
            day, month = a, b  # 03.12.2009 and 03-12-2009 are day-first everywhere they are written
        elif a > 12 >= b:
            day, month = a, b
        elif b > 12 >= a:
            month, day = a, b
        else:
            month, day = (a, b) if month_first else (b, a)
        add(match, *_with_time(match, year, month, day))
    found.sort(key=lambda d: d.start)
    return found


def copyright_years(text: str) -> list[tuple[int, str]]:
    """Years in copyright notices ("© 2008", "Copyright 2005–2009": the last year), with the text."""
    if "©" not in text and "opyright" not in text and "(c)" not in text.lower() and "&copy" not in text:
        return []
    return [(int(m.group("last") or m.group("first")), m.group(0)) for m in COPYRIGHT.finditer(text)]


def url_date(url: str) -> tuple[datetime, str] | None:
    """The date in a permalink path (/2019/03/02/slug/, /2019-03-02-slug → day; /2008/03/slug.html → month)."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    match = URL_DATE.search(path)
    if match is not None and match.group("day"):
        value = _make(int(match.group("year")), int(match.group("month")), int(match.group("day")))
        return (value, "day") if value is not None else None
    compact = URL_DAY.search(path) or URL_DAY_FIRST.search(path)
    if compact is not None:
        value = _make(int(compact.group("year")), int(compact.group("month")), int(compact.group("day")))
        if value is not None:
            return value, "day"
    if match is None:
        return None
    value = _make(int(match.group("year")), int(match.group("month")), 1)
    return (value, "month") if value is not None else None


_CAPTURE = re.compile(r"^https?://web\.archive\.org/web/(?P<stamp>(?:19|20)\d{12})")


def captured_at(url: str) -> datetime | None:
    """When a web archive's copy was captured, from its address (``web.archive.org/web/20120216182711/…``)."""
    found = _CAPTURE.match(url)
    if found is None:
        return None
    try:
        return datetime.strptime(found.group("stamp"), "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


_ZONE_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_machine_date(value: str) -> datetime | None:
    """An ISO 8601 / RFC 3339 value from an attribute (datetime=, content=, title=), its offset kept.

    A value without an offset gets UTC as a placeholder; one with an offset keeps it, so the
    value's ``date()`` is the day as the page wrote it.
    """
    value = value.strip()
    match = ISO_DATE.match(value)
    if match is None:
        return None
    text = value.replace("Z", "+00:00").replace(" ", "T", 1).replace(" ", "")
    text = _ZONE_WITHOUT_COLON.sub(r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        made = _make(int(match.group("year")), int(match.group("month")), int(match.group("day")))
        if made is None:
            return None
        parsed = made
        if match.group("hour") is not None:
            hour, minute = int(match.group("hour")), int(match.group("minute"))
            if hour < 24 and minute < 60:
                parsed = parsed.replace(hour=hour, minute=minute)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed
