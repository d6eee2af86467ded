"""Dates written for people: "25 August 2008", "Posted on 12/03/2009", "3. März 2009 um 14:30",
"12 de marzo de 2009", "3 days ago", "© 2008". Pure functions over one string.

Month names are read in English, German, French, Spanish and Dutch. Dates without a time
zone are taken as UTC. Slash dates are month-first on English (``en``, ``en-US``) pages
and day-first elsewhere, unless one part is over 12. Relative phrases are resolved against
the moment the page was fetched, never the clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

MONTHS: dict[str, int] = {}
_NAMES = {
    1: "january jan januar jänner janvier enero januari ene janv",
    2: "february feb februar février fevrier febrero februari févr fevr",
    3: "march mar märz maerz mars marzo maart mrt mär",
    4: "april apr avril abril avr abr",
    5: "may mai mayo mei",
    6: "june jun juni juin junio",
    7: "july jul juli juillet julio juil",
    8: "august aug août aout agosto augustus ago",
    9: "september sep sept septembre septiembre setiembre",
    10: "october oct oktober octobre octubre okt",
    11: "november nov novembre noviembre",
    12: "december dec dezember décembre decembre diciembre dic dez déc",
}
for _number, _words in _NAMES.items():
    for _word in _words.split():
        MONTHS[_word] = _number

# Longest names first so "march" wins over "mar" and "juillet" over "juil".
_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
# Look-aheads in front of the patterns let the scan skip, cheaply, every position where no match
# can start: each states what the pattern needs with the ~100-way month alternation replaced by
# "a whole word of month length that starts like a month" (every month name is such a word).
_MONTH_WORD = (r"[" + "".join(sorted({re.escape(m[0]) for m in MONTHS})) + r"]\w{"
               + f"{min(map(len, MONTHS)) - 1},{max(map(len, MONTHS)) - 1}" + r"}")
_DAY_MONTH_YEAR_SHAPE = (r"(?=\d{1,2}(?:st|nd|rd|th|er|e|\.|º)?\s+(?:de\s+)?" + _MONTH_WORD
                         + r"\.?,?\s+(?:de\s+)?(?:19|20)\d{2}\b)")
_MONTH_DAY_YEAR_SHAPE = r"(?=" + _MONTH_WORD + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}\b)"
_TIME = (r"(?:\s*(?:,|at|um|à|a\s+las|a\s+la|om|-|–|@)?\s*"
         r"(?P<hour>\d{1,2})[:h.](?P<minute>\d{2})(?::\d{2})?\s*(?P<ampm>[ap]\.?\s?m\.?)?(?:\s*[Uu]hr)?)?")

DAY_MONTH_YEAR = re.compile(
    _DAY_MONTH_YEAR_SHAPE + r"(?<![\w.])(?P<day>\d{1,2})(?:st|nd|rd|th|er|e|\.|º)?\s+(?:de\s+)?(?P<month>" + _MONTH
    + r")\.?,?\s+(?:de\s+)?(?P<year>(?:19|20)\d{2})\b" + _TIME, re.IGNORECASE)
MONTH_DAY_YEAR = re.compile(
    _MONTH_DAY_YEAR_SHAPE + r"(?<![\w])(?P<month>" + _MONTH
    + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})\b" + _TIME, re.IGNORECASE)
ISO_DATE = re.compile(
    r"(?=[12])(?<![\d/])(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2}))?")
NUMERIC_DATE = re.compile(
    r"(?=\d)(?<![\d/.])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<year>(?:19|20)\d{2})(?![\d/])" + _TIME)
RELATIVE = re.compile(
    r"(?:(?P<n1>\d+|an?|one)\s+(?P<unit1>minute|hour|day|week|month|year)s?\s+ago"
    r"|vor\s+(?P<n2>\d+|einem|einer)\s+(?P<unit2>minute|stunde|tag|woche|monat|jahr)(?:e|en|n)?"
    r"|il\s+y\s+a\s+(?P<n3>\d+|une?)\s+(?P<unit3>minute|heure|jour|semaine|mois|an)s?"
    r"|hace\s+(?P<n4>\d+|una?)\s+(?P<unit4>minuto|hora|día|dia|semana|mes|año|ano)(?:s|es)?"
    r"|(?P<n5>\d+|een)\s+(?P<unit5>minuut|minuten|uur|dag|dagen|week|weken|maand|maanden|jaar)\s+geleden"
    r"|\b(?P<word>yesterday|today|gestern|heute|hier|aujourd'hui|ayer|hoy|gisteren|vandaag)\b)",
    re.IGNORECASE)
COPYRIGHT = re.compile(
    r"(?:©|&copy;|\(c\)|copyright)\s*(?:©\s*)?(?P<first>(?:19|20)\d{2})(?:\s*[-–—]\s*(?P<last>(?:19|20)\d{2}))?",
    re.IGNORECASE)
URL_DATE = re.compile(r"/(?P<year>(?:19|20)\d{2})/(?P<month>0?[1-9]|1[0-2])/(?:(?P<day>0?[1-9]|[12]\d|3[01])/)?")

_UNIT_DAYS = {
    "minute": 1 / 1440, "minuto": 1 / 1440, "minuut": 1 / 1440, "minuten": 1 / 1440,
    "hour": 1 / 24, "stunde": 1 / 24, "heure": 1 / 24, "hora": 1 / 24, "uur": 1 / 24,
    "day": 1, "tag": 1, "jour": 1, "día": 1, "dia": 1, "dag": 1, "dagen": 1,
    "week": 7, "woche": 7, "semaine": 7, "semana": 7, "weken": 7,
    "month": 30, "monat": 30, "mois": 30, "mes": 30, "maand": 30, "maanden": 30,
    "year": 365, "jahr": 365, "an": 365, "año": 365, "ano": 365, "jaar": 365,
}
_ONE = {"a", "an", "one", "einem", "einer", "un", "une", "una", "een"}
_DAYS_BACK = {"yesterday": 1, "gestern": 1, "hier": 1, "ayer": 1, "gisteren": 1,
              "today": 0, "heute": 0, "aujourd'hui": 0, "hoy": 0, "vandaag": 0}


@dataclass(frozen=True, slots=True)
class TextDate:
    """One date found in a string: when, how precise, and the exact text it came from."""

    value: datetime
    precision: str  # "minute" | "day" | "relative"
    text: str
    start: int


def month_number(name: str) -> int | None:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS.get(_fold(key))


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _plain(word: str) -> str:
    """``word`` as the tables spell it, for letters IGNORECASE matched but lower() keeps (ſ, ı, İ)."""
    return _fold(word.casefold()).replace("\u0131", "i")


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


_DIGIT = re.compile(r"\d")
_RELATIVE_WORD = re.compile(r"ago|vor|il y a|hace|geleden|yesterday|today|gestern|heute|hier|aujourd|ayer|hoy|"
                            r"gisteren|vandaag")
_RELATIVE_WORD_ANY_CASE = re.compile(_RELATIVE_WORD.pattern, re.IGNORECASE)

# Every date find_dates or copyright_years can read holds a year from 1900 to 2099 or one of these
# words, so a text without any of them needs no closer look.
_RELATIVE_HINT_WORDS = (r"ago|vor|il\s+y\s+a|hace|geleden|yesterday|today|gestern|heute|hier|aujourd|ayer|hoy"
                        r"|gisteren|vandaag")
_YEAR = re.compile(r"(?:19|20)\d\d")
_RELATIVE_HINT = re.compile(_RELATIVE_HINT_WORDS)
_RELATIVE_HINT_ANY_CASE = re.compile(_RELATIVE_HINT_WORDS, re.IGNORECASE)
# Letters that IGNORECASE matches to an ASCII letter but str.lower() does not lower to it (İ ı ſ).
_CASE_TRAP = re.compile("[\u0130\u0131\u017f]")


def _lowered(text: str) -> str | None:
    """``text.lower()`` when a case-sensitive scan of it for lower-case ASCII words, digits and spaces
    finds exactly what an IGNORECASE scan of ``text`` finds, at the same offsets; None otherwise."""
    if text.isascii():
        return text.lower()
    if _CASE_TRAP.search(text):
        return None
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


def _found_any_case(pattern: re.Pattern[str], any_case: re.Pattern[str], text: str) -> bool:
    """Whether ``any_case`` (``pattern`` with IGNORECASE) finds something in ``text``, scanning fast when it can."""
    lowered = _lowered(text)
    return (any_case.search(text) if lowered is None else pattern.search(lowered)) is not None


def runs_with_hints(text: str, separator: str) -> list[tuple[int, str]]:
    """The runs of ``text`` (split at ``separator``) that may hold a date, as (run index, run), in order.

    Every run :func:`find_dates` or :func:`copyright_years` finds anything in is among them; most
    runs of a page are not, and two scans of the whole text are far cheaper than a few per run.
    ``separator`` must be a character no date or hint word spans (a NUL).
    """
    lowered = _lowered(text)  # an IGNORECASE scan is many times slower
    words = _RELATIVE_HINT_ANY_CASE.finditer(text) if lowered is None else _RELATIVE_HINT.finditer(lowered)
    # Two simple scans are much faster than one over the combined pattern.
    hits = sorted([m.start() for m in _YEAR.finditer(text)] + [m.start() for m in words])
    runs: list[tuple[int, str]] = []
    index, counted_to, end = 0, 0, -1
    for hit in hits:
        if hit < end:
            continue  # another hit in the run just taken
        start = text.rfind(separator, 0, hit) + 1
        end = text.find(separator, hit)
        end = len(text) if end < 0 else end
        index += text.count(separator, counted_to, start)
        counted_to = start
        runs.append((index, text[start:end]))
    return runs


def find_dates(text: str, *, month_first: bool = False, fetched_at: datetime | None = None) -> list[TextDate]:
    """Every absolute (and, given ``fetched_at``, relative) date in ``text``, in reading order."""
    found: list[TextDate] = []
    if _DIGIT.search(text) is None:  # the cheap common case: no date without a digit, bar "yesterday"
        if fetched_at is None or not _found_any_case(_RELATIVE_WORD, _RELATIVE_WORD_ANY_CASE, text):
            return found
        absolute, relative = False, True
    else:  # every absolute pattern holds a year, every relative one one of the hint words
        absolute = _YEAR.search(text) is not None
        relative = fetched_at is not None and _found_any_case(_RELATIVE_HINT, _RELATIVE_HINT_ANY_CASE, text)
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], value: datetime | None, precision: str) -> None:
        span = match.span()
        if value is None or any(s < span[1] and span[0] < e for s, e in taken):
            return
        taken.append(span)
        found.append(TextDate(value, precision, match.group(0).strip(), span[0]))

    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR) if absolute else ():
        for match in pattern.finditer(text):
            month = month_number(match.group("month"))
            if month is not None:
                add(match, *_with_time(match, int(match.group("year")), month, int(match.group("day"))))
    for match in ISO_DATE.finditer(text) if absolute and "-" in text else ():
        year, month, day = int(match.group("year")), int(match.group("month")), int(match.group("day"))
        if match.group("hour") is not None:
            add(match, _make(year, month, day, int(match.group("hour")), int(match.group("minute"))), "minute")
        else:
            add(match, _make(year, month, day), "day")
    for match in NUMERIC_DATE.finditer(text) if absolute and ("/" in text or "." in text) else ():
        a, b, year = int(match.group("a")), int(match.group("b")), int(match.group("year"))
        if match.group("sep") == ".":
            day, month = a, b  # 03.12.2009 is day-first everywhere it is written
        elif a > 12 >= b:
            day, month = a, b
        elif b > 12 >= a:
            month, day = a, b
        else:
            month, day = (a, b) if month_first else (b, a)
        add(match, *_with_time(match, year, month, day))
    if relative and fetched_at is not None:
        for match in RELATIVE.finditer(text):
            add(match, _relative(match, fetched_at), "relative")
    found.sort(key=lambda d: d.start)
    return found


def _relative(match: re.Match[str], fetched_at: datetime) -> datetime | None:
    word = match.group("word")
    if word:
        back = _DAYS_BACK.get(word.lower(), _DAYS_BACK.get(_plain(word)))
        if back is None:
            return None
        day = fetched_at.astimezone(timezone.utc) - timedelta(days=back)
        return day.replace(hour=0, minute=0, second=0, microsecond=0)
    for index in range(1, 6):
        amount = match.group(f"n{index}")
        if amount is None:
            continue
        unit = match.group(f"unit{index}").lower()
        if amount.isdecimal():
            count = int(amount)
        elif amount.lower() in _ONE or _plain(amount) in _ONE:
            count = 1
        else:
            return None
        days = _UNIT_DAYS.get(unit) or _UNIT_DAYS.get(_fold(unit)) or _UNIT_DAYS.get(_plain(unit), 0)
        try:
            back = fetched_at - timedelta(days=count * days)
        except OverflowError:  # "99999 years ago": before the year 1
            return None
        return back.astimezone(timezone.utc).replace(second=0, microsecond=0)
    return None


def copyright_years(text: str) -> list[tuple[int, str]]:
    """Years in copyright notices ("© 2008", "Copyright 2005–2009": the last year), with the text."""
    if "©" not in text and "opyright" not in text and "(c)" not in text.lower() and "&copy" not in text:
        return []
    return [(int(m.group("last") or m.group("first")), m.group(0)) for m in COPYRIGHT.finditer(text)]


def url_date(url: str) -> tuple[datetime, str] | None:
    """The date in a permalink path (/2019/03/02/slug/ → day, /2008/03/slug.html → month), if any."""
    match = URL_DATE.search(url)
    if match is None:
        return None
    day = match.group("day")
    value = _make(int(match.group("year")), int(match.group("month")), int(day or 1))
    if value is None:
        return None
    return value, ("day" if day else "month")


def parse_machine_date(value: str) -> datetime | None:
    """An ISO 8601 / RFC 3339 value from an attribute (datetime=, content=, title=), as aware UTC."""
    value = value.strip()
    if not value:
        return None
    match = ISO_DATE.match(value)
    if match is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        parsed = _make(int(match.group("year")), int(match.group("month")), int(match.group("day")))
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)
