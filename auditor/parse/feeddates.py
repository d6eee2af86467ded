"""Dates as feeds, sitemaps, HTTP headers and APIs write them, read without a clock.

Takes one date string; gives a :class:`DateReading` (an aware UTC instant and how precise
the source was) or ``None``. Nothing here reads the current time: a partial date is kept at
the precision it was written with ("2003-12" is December 2003 at month precision, "Wed" is
no date at all), so the same text gives the same answer on any day.

Read forms: W3C-DTF / ISO 8601 / RFC 3339 (basic and extended, ordinal days, two-digit
years, MS SQL's space-separated form), RFC 822 / 2822 / 1123 and their common breakages
(four-digit or two-digit years, no seconds, no time, full month names, an extra comma,
month before day, zone names), asctime and Twitter's asctime-with-offset, Perforce's
``yyyy/mm/dd``, and Greek, Hungarian and Korean month words. Zone names map to their real
offsets; a date without a zone is read as UTC. Out-of-range fields, offsets beyond ±14 h and
instants outside the representable years are "no date", never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

__all__ = ["DateReading", "PRECISIONS", "parse_date", "read_date"]

PRECISIONS = ("year", "month", "day", "minute", "second")
UTC = timezone.utc
MAX_OFFSET_MINUTES = 14 * 60
_MAX_OFFSET = timedelta(minutes=MAX_OFFSET_MINUTES)
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class DateReading:
    """An instant (aware, UTC) and the finest field the text gave: one of :data:`PRECISIONS`."""

    instant: datetime
    precision: str


_new = object.__new__
_set_instant = vars(DateReading)["instant"].__set__
_set_precision = vars(DateReading)["precision"].__set__


def _reading(instant: datetime, precision: str) -> DateReading:
    """A DateReading equal to ``DateReading(instant, precision)``, built by its slots: the frozen
    dataclass's ``__init__`` costs more than the rest of reading a common date."""
    reading = _new(DateReading)
    _set_instant(reading, instant)
    _set_precision(reading, precision)
    return reading


def _hours(h: float) -> int:
    return int(h * 60)


# Zone names and their offsets in minutes east of UTC.
ZONES: dict[str, int] = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "ETC/GMT": 0, "ETC/UTC": 0, "WET": 0,
    # North America (RFC 822's four, their daylight forms, and the bare "ET"-style ones)
    "EST": _hours(-5), "EDT": _hours(-4), "CST": _hours(-6), "CDT": _hours(-5),
    "MST": _hours(-7), "MDT": _hours(-6), "PST": _hours(-8), "PDT": _hours(-7),
    "AST": _hours(-4), "ADT": _hours(-3), "AKST": _hours(-9), "AKDT": _hours(-8),
    "HST": _hours(-10), "NST": _hours(-3.5), "NDT": _hours(-2.5),
    "AT": _hours(-4), "ET": _hours(-5), "CT": _hours(-6), "MT": _hours(-7), "PT": _hours(-8),
    # Europe
    "WEST": _hours(1), "BST": _hours(1), "CET": _hours(1), "MET": _hours(1), "MEZ": _hours(1),
    "CEST": _hours(2), "MEST": _hours(2), "MESZ": _hours(2), "EET": _hours(2), "EEST": _hours(3),
    "MSK": _hours(3),
    # Asia and Oceania
    "JST": _hours(9), "KST": _hours(9), "HKT": _hours(8), "SGT": _hours(8), "AWST": _hours(8),
    "ACST": _hours(9.5), "AEST": _hours(10), "AEDT": _hours(11), "NZST": _hours(12), "NZDT": _hours(13),
}
# Military letters with their real offsets: A-I are +1..+9, K-M +10..+12, N-Y -1..-12 (J is unused).
for _n, _letter in enumerate("ABCDEFGHI", start=1):
    ZONES[_letter] = _hours(_n)
for _n, _letter in enumerate("KLM", start=10):
    ZONES[_letter] = _hours(_n)
for _n, _letter in enumerate("NOPQRSTUVWXY", start=1):
    ZONES[_letter] = _hours(-_n)

MONTHS: dict[str, int] = {}
for _n, _names in enumerate((
    "jan january janv ιαν ιανουαρίου január",
    "feb february febr φεβ φεβρουαρίου február",
    "mar march mär μάρ μαρ μαρτίου március",
    "apr april απρ απριλίου április",
    "may μάι μαϊ μαι μαΐου május",
    "jun june ιούν ιον ιουνίου június",
    "jul july ιούλ ιολ ιουλίου július",
    "aug august αύγ αυγ αυγούστου augusztus",
    "sep sept september σεπ σεπτεμβρίου szeptember",
    "oct october οκτ οκτωβρίου október",
    "nov november νοέ νοε νοεμβρίου",
    "dec december δεκ δεκεμβρίου",
), start=1):
    for _name in _names.split():
        MONTHS[_name] = _n
WEEKDAYS = frozenset(
    "mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday"
    " κυρ δευ τρι τετ πεμ παρ σαβ".split()
)
_MONTH3 = {name: f"{number:02d}" for name, number in MONTHS.items() if len(name) == 3 and name.isascii()}
KOREA = _hours(9)  # Korean blog platforms write local time without a zone

_ISO = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2,3})(?:-(?P<day>\d{2}))?|(?P<bmonth>\d{2})(?P<bday>\d{2}))?"
    r"(?:[T ](?P<hour>\d{1,2})(?::?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?P<fraction>[.,]\d+)?)?)?)?"
    r"(?: ?(?P<zone>Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{2,5}))?"
)
_MONTH_WORD = re.compile(r"(?<=^\d{4}-)[^\W\d_]+(?=-)")  # Hungarian: 2004-július-13
_ISO_ORDINAL = re.compile(r"(?P<year>\d{4})-(?P<yday>\d{3})")
_ISO_SHORT = re.compile(  # two-digit years: -yy-mm, -yymm, -yy-mm-dd, yy-mm-dd, yymmdd, yyddd
    r"-(?P<y1>\d{2})-?(?P<m1>\d{2})(?:-(?P<d1>\d{2}))?|(?P<y2>\d{2})-(?P<m2>\d{2})-(?P<d2>\d{2})"
    r"|(?P<y3>\d{2})(?P<m3>\d{2})(?P<d3>\d{2})"
)
_RFC822 = re.compile(  # the form nearly every RSS feed writes: "Sat, 02 Mar 2019 10:15:00 +0000"
    r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}:\d{2}:\d{2}) ([+-]\d{4}|[A-Z]{1,4})"
)
_OFFSET = re.compile(r"(?:GMT|UTC|UT)?([+-])(\d{1,2}):?(\d{2})?")
_TIME = re.compile(r"(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,]\d+)?)?")
_KOREAN = re.compile(
    r"(\d{4})\s*(?:년\s*|-)(\d{1,2})\s*(?:월\s*|-)(\d{1,2})\s*일?\s*(오전|오후)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?"
)
_COMMENT = re.compile(r"\s*\([^)]*\)\s*$")
_UTC_NAMES = frozenset({"+0000", "-0000", "GMT", "UTC", "UT", "Z"})
_SHIFTS: dict[int, timedelta] = {}  # offsets in minutes, at most 2 x 14 x 60 + 1 of them
_fromisoformat = datetime.fromisoformat


def parse_date(value: str | None) -> datetime | None:
    """The instant of :func:`read_date`, or None; kept for callers that want a datetime only."""
    reading = read_date(value)
    return reading.instant if reading is not None else None


def read_date(value: str | None) -> DateReading | None:
    """Read one date string; None when it is empty, unreadable, partial below a year or out of range."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    length = len(text)
    if not length or length > 120:
        return None
    if length >= 16 and text[4] == "-" and text[10] in "T " and text[13] == ":":  # RFC 3339, the common case
        try:
            moment = _fromisoformat(text)
        except ValueError:
            pass
        else:
            precision = "second" if length >= 19 and text[16] == ":" else "minute"
            tz = moment.tzinfo
            if tz is UTC:  # "Z", "+00:00"
                reading = _new(DateReading)
                _set_instant(reading, moment)
                _set_precision(reading, precision)
                return reading
            if tz is None:
                return _reading(moment.replace(tzinfo=UTC), precision)
            found = _shifted(moment, precision)
            if found is not None:
                return found
    elif (matched := _RFC822.fullmatch(text)) is not None:
        day, month_name, year, clock, zone_name = matched.groups()
        month = _MONTH3.get(month_name.lower())
        if zone_name in _UTC_NAMES:
            zone: int | None = 0
        elif zone_name[0] in "+-":  # "-0500": what _zone reads, without its regular expression
            minutes = int(zone_name[3:])
            total = int(zone_name[1:3]) * 60 + minutes
            zone = None if minutes > 59 or total > MAX_OFFSET_MINUTES else (-total if zone_name[0] == "-" else total)
        else:
            zone = _zone(zone_name)
        if month is not None and zone is not None:
            try:  # the fields rewritten as RFC 3339 for the C reader, in UTC; the offset applied after
                instant = _fromisoformat(f"{year}-{month}-{day:0>2}T{clock}+00:00")
                if zone:
                    instant -= _shift(zone)
            except (ValueError, OverflowError):  # a leap second, a field out of range, non-ASCII digits
                return _build(int(year), int(month), int(day), int(clock[:2]), int(clock[3:5]), int(clock[6:]), zone,
                              "second")
            reading = _new(DateReading)
            _set_instant(reading, instant)
            _set_precision(reading, "second")
            return reading
    if text[0].isdigit() or text[0] == "-":
        found = _read_iso(text)
        if found is not None:
            return found
        if "년" in text or "오" in text:
            return _read_korean(text)
        word = _MONTH_WORD.search(text)
        if word is not None and word.group().lower() in MONTHS:
            return _read_iso(f"{text[:5]}{MONTHS[word.group().lower()]:02d}{text[word.end():]}")
    return _read_words(text)


def _shifted(moment: datetime, precision: str) -> DateReading | None:
    """An RFC 3339 instant with a numeric offset, in UTC; None for an offset beyond ±14 h or not in whole minutes."""
    offset = moment.utcoffset()
    if offset is None or abs(offset) > _MAX_OFFSET or offset % _MINUTE:
        return None
    try:
        return _reading(moment.astimezone(UTC), precision)
    except (OverflowError, ValueError):
        return None


def _shift(minutes: int) -> timedelta:
    shift = _SHIFTS.get(minutes)
    if shift is None:
        shift = _SHIFTS[minutes] = timedelta(minutes=minutes)
    return shift


def _read_iso(text: str) -> DateReading | None:
    match = _ISO.fullmatch(text)
    if match is not None:
        year = int(match["year"])
        month_text = match["month"] or match["bmonth"]
        if month_text is not None and len(month_text) == 3:
            if match["day"] is None:  # yyyy-ddd is an ordinal day
                return _ordinal(year, int(month_text))
            if month_text[0] != "0":
                return None
        month = int(month_text) if month_text else 1
        day = int(match["day"] or match["bday"] or 1)
        precision = "day" if (match["day"] or match["bday"]) else ("month" if month_text else "year")
        hour = minute = second = 0
        if match["hour"] is not None:
            if match["minute"] is None:  # an hour alone is not a time anyone writes
                return None
            hour, minute = int(match["hour"]), int(match["minute"])
            second = int(match["second"] or 0)
            precision = "second" if match["second"] else "minute"
        elif match["zone"]:  # an offset needs a time of day to apply to
            return None
        offset = _zone(match["zone"]) if match["zone"] else 0
        if offset is None:
            return None
        micro = int(f"{match['fraction'][1:7]:0<6}") if match["fraction"] else 0
        return _build(year, month, day, hour, minute, second, offset, precision, micro)
    match = _ISO_ORDINAL.fullmatch(text)
    if match is not None:
        return _ordinal(int(match["year"]), int(match["yday"]))
    match = _ISO_SHORT.fullmatch(text)
    if match is not None:
        y, m, d = (match["y1"], match["m1"], match["d1"]) if match["y1"] else (
            (match["y2"], match["m2"], match["d2"]) if match["y2"] else (match["y3"], match["m3"], match["d3"]))
        return _build(_two_digit_year(int(y)), int(m), int(d or 1), 0, 0, 0, 0, "day" if d else "month")
    return None


def _ordinal(year: int, yday: int) -> DateReading | None:
    if not 1 <= yday <= 366:
        return None
    try:
        start = datetime(year, 1, 1, tzinfo=UTC)
        instant = start + timedelta(days=yday - 1)
    except (ValueError, OverflowError):
        return None
    return _reading(instant, "day") if instant.year == year else None


def _read_korean(text: str) -> DateReading | None:
    match = _KOREAN.fullmatch(text)
    if match is None:
        return None
    year, month, day, half, hour, minute, second = match.groups()
    hour_n = int(hour)
    if half is not None:
        if not 1 <= hour_n <= 12:
            return None
        hour_n = hour_n % 12 + (12 if half == "오후" else 0)
    return _build(int(year), int(month), int(day), hour_n, int(minute), int(second or 0), KOREA,
                  "second" if second else "minute")


def _read_words(text: str) -> DateReading | None:
    """RFC 822 and its relatives, asctime, Perforce: a bag of tokens, each of which must be placed."""
    text = _COMMENT.sub("", text).replace(",", " ")
    tokens = text.split()
    if not tokens or len(tokens) > 8:
        return None
    if tokens[0].lower().rstrip(".") in WEEKDAYS:
        tokens = tokens[1:]
    day = month = year = None
    time: tuple[int, int, int | None] | None = None
    offset: int | None = None
    meridiem = None
    numbers: list[str] = []
    for token in tokens:
        lower = token.lower().rstrip(".")
        if lower in MONTHS and month is None:
            month = MONTHS[lower]
            if numbers and day is None:  # "30 Aug": the number before the month is its day
                day = int(numbers.pop())
            continue
        if token.isdigit():
            numbers.append(token)
            continue
        if ":" in token and token[0].isdigit() and time is None:
            matched = _TIME.fullmatch(token)
            if matched is None:
                return None
            hour_s, minute_s, second_s = matched.groups()
            time = (int(hour_s), int(minute_s), int(second_s) if second_s is not None else None)
            continue
        if "/" in token and token[:4].isdigit() and year is None:  # Perforce: 2006/09/15
            parts = token.split("/")
            if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
                return None
            year, month, day = int(parts[0]), int(parts[1]), int(parts[2])
            continue
        if lower in ("am", "pm") and meridiem is None:
            meridiem = lower
            continue
        if offset is None:
            zone = _zone(token)
            if zone is not None:
                offset = zone
                continue
        return None
    if month is None:
        return None
    if year is None:
        if not numbers:
            return None
        year_text = numbers.pop()
        if day is None:
            if not numbers:  # "Dec 2003": month precision
                if len(year_text) < 3:
                    return None
                return _build(int(year_text), month, 1, 0, 0, 0, 0 if offset is None else offset, "month")
            day = int(numbers.pop(0))
        year = int(year_text) if len(year_text) == 4 else (
            _two_digit_year(int(year_text)) if len(year_text) <= 2 else int(year_text) + 1900 if len(year_text) == 3 else -1)
    if numbers or day is None:
        return None
    hour = minute = second = 0
    precision = "day"
    if time is not None:
        hour, minute, seconds = time
        second = seconds or 0
        precision = "second" if seconds is not None else "minute"
        if meridiem is not None:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
    elif meridiem is not None:
        return None
    return _build(year, month, day, hour, minute, second, 0 if offset is None else offset, precision)


def _zone(token: str) -> int | None:
    """Minutes east of UTC for a zone name or numeric offset; None if it is neither or out of range."""
    named = ZONES.get(token.upper())
    if named is not None:
        return named
    matched = _OFFSET.fullmatch(token)
    if matched is None:
        return None
    sign, hours_s, minutes_s = matched.groups()
    if minutes_s is None and len(hours_s) == 1 and not token[0].isalpha():
        return None
    minutes = int(minutes_s or 0)
    total = int(hours_s) * 60 + minutes
    if minutes > 59 or total > MAX_OFFSET_MINUTES:
        return None
    return -total if sign == "-" else total


def _two_digit_year(year: int) -> int:
    """RFC 2822 section 4.3: 00-49 are 2000-2049, 50-99 are 1950-1999."""
    return year + (2000 if year < 50 else 1900)


def _build(year: int, month: int, day: int, hour: int, minute: int, second: int, offset: int,
           precision: str, microsecond: int = 0) -> DateReading | None:
    if second == 60:  # a leap second is the last second of its minute
        second = 59
    if not (1 <= year <= 9999 and 1 <= month <= 12 and hour <= 23 and minute <= 59 and second <= 59):
        return None
    try:
        instant = datetime(year, month, day, hour, minute, second, microsecond, tzinfo=UTC)
        if offset:
            instant -= _shift(offset)
    except (ValueError, OverflowError):
        return None
    return _reading(instant, precision)
