"""Bytes into facts, with no network: each module reads one kind of document.

``feeds`` (RSS, Atom, JSON Feed → items), ``page`` and ``pages`` (an HTML page → its
publication date, items and comments), ``dates`` and ``datetext`` (dates in markup and
prose), ``comments`` (threads and owner replies), ``regions`` (which part of a page a
node sits in), ``sitemaps``, ``jsonshape`` (JSON-LD and JSON walking) and ``htmldepth``
(HTML parsed with bounded nesting). Everything here is a plain function of its input.
"""
