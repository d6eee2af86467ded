"""Comments on a page, who wrote them, when, in answer to what, and which are the owner's.

Read from common markup: WordPress (``li.comment``, ``.comment-author``, ``.comment-metadata
time``, nested ``ol.children``, the ``bypostauthor`` class on the post author's replies),
pre-2.7 WordPress lists (``ol.commentlist > li``), Blogger (``li.comment`` with a
``.blog-author`` marker in threaded templates; ``dl#comments-block`` in classic ones) and plain
static threads (``div.comment``). When markup does not mark the owner, a commenter whose name
is the post's author counts as the owner.

Unthreaded answers are linked too: an owner comment that starts "@Beth –" answers the most
recent earlier comment by Beth (old blogs replied this way, flat, below the question).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from auditor.models import Interaction
from auditor.parse.datetext import find_dates, parse_machine_date
from auditor.parse.regions import tokens

CONTAINERS = ("li.comment, article.comment, div.comment, .commentlist > li, .comment-list > li, ol.comments > li, "
              "div.wc-comment")
CLASSIC_BLOCK = "dl#comments-block"
_CONTAINERS_OR_BLOCK = f"{CONTAINERS}, {CLASSIC_BLOCK}"  # one pass over the page for both
SKIP_CLASSES = frozenset({"pingback", "trackback"})
AUTHOR_SELECTORS = (".comment-author .fn", ".comment-author cite", "cite.fn", ".fn", "cite.user", ".wc-comment-author", "cite",
                    ".comment-author", ".comment-name", ".commenter", "[itemprop=author]", ".author", ".user",
                    ".name", "strong", "b")
TIME_SELECTORS = (".comment-metadata", ".comment-meta", ".commentmetadata", ".comment-date", ".comment-timestamp",
                  ".wc-comment-date",
                  ".datetime", ".date", ".time", ".published", "small")
BODY_SELECTORS = (".comment-content", ".comment-text", ".comment-entry", ".comment-body-text", "p.comment-content",
                  ".wc-comment-text")
OWNER_CLASSES = frozenset({"bypostauthor", "blog-author", "comment-author-admin", "by-author", "owner-comment",
                           "wc-blog-post_author"})
# The number in a comment's id: WordPress "comment-12", "li-comment-12", "div-comment-12", wpDiscuz "wc-comm-12_0".
_COMMENT_NUMBER = re.compile(r"comm(?:ent)?-(\d+)")
_SAYS = re.compile(r"\s*(?:says|said|wrote|schreibt|sagt|dit|a dit|dice|dijo|zegt|schreef)?\s*(?:\.\.\.|…|:)?\s*$",
                   re.IGNORECASE)
_MENTION_SEPARATORS = re.compile(r"^\s*(?:,|&|and|und|et|y|en)?\s*")
_MENTION_END = re.compile(r"^\s*(?:[-–—:,!]|\s|$)")


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment: its id, who wrote it and when, the comment it answers, and whether the owner wrote it."""

    id: str
    author: str
    at: datetime | None
    url: str = ""
    parent: str = ""  # id of the comment it is threaded under; "" = top level
    is_owner: bool = False
    owner_because: str = ""  # the markup or match that made it the owner's
    replies_to: tuple[str, ...] = ()  # ids it answers by "@Name" without threading
    text: str = ""  # the first words, for "@Name" replies and for people


def _clean(text: str) -> str:
    return " ".join(text.split())


class _Owned:
    """Which comment owns each element a selector finds: its nearest enclosing comment (or itself).

    Each selector is run once over the element that holds every comment (``scope``) and its
    matches are shared out among the comments, instead of once per comment over a subtree that
    also holds the nested replies. Lexbor's ``node.css`` matches the node itself and its
    descendants, with ancestors outside the node counting for combinators, so a comment's share
    equals what ``comment.css`` finds.
    """

    def __init__(self, scope: LexborNode, comments: set[int]) -> None:
        self.scope = scope
        self.comments = comments
        self._owner: dict[int, int | None] = {}
        self._shares: dict[str, dict[int, list[LexborNode]]] = {}

    def owner(self, node: LexborNode) -> int | None:
        climbed: list[int] = []
        current: LexborNode | None = node
        owner: int | None = None
        while current is not None:
            ident = current.mem_id
            if ident in self.comments:
                owner = ident
                break
            if ident in self._owner:
                owner = self._owner[ident]
                break
            climbed.append(ident)
            current = current.parent
        for ident in climbed:
            self._owner[ident] = owner
        return owner

    def share(self, comment: int, selector: str) -> list[LexborNode]:
        shares = self._shares.get(selector)
        if shares is None:
            shares = self._shares[selector] = {}
            for found in self.scope.css(selector):
                owner = self.owner(found)
                if owner is not None:
                    shares.setdefault(owner, []).append(found)
        return shares.get(comment, [])


class _Scope:
    """Queries inside one comment that ignore the comments nested in it."""

    def __init__(self, node: LexborNode, owned: _Owned) -> None:
        self.node = node
        self.owned = owned

    def first(self, selector: str) -> LexborNode | None:
        found = self.owned.share(self.node.mem_id, selector)
        return found[0] if found else None

    def all(self, selector: str) -> list[LexborNode]:
        return self.owned.share(self.node.mem_id, selector)


def find_comments(tree: LexborHTMLParser, page_url: str, post_author: str, *, month_first: bool,
                  owner_slugs: Callable[[], frozenset[str]] = frozenset) -> tuple[Comment, ...]:
    """Every comment on the page in reading order, owner flags and "@Name" replies resolved.

    ``owner_slugs`` reads the post author's WordPress user names ("jane-doe"), asked for only when
    the page has comment containers: a comment whose classes hold ``comment-author-jane-doe`` is
    the owner's.
    """
    base = page_url.split("#", 1)[0]
    nodes = []
    seen: set[int] = set()
    blocks = []  # a <dl> can only have matched the classic Blogger selector
    for node in tree.css(_CONTAINERS_OR_BLOCK):  # document order; a node matching two selectors comes once
        if node.tag == "dl":
            blocks.append(node)
        elif node.mem_id not in seen and not SKIP_CLASSES.intersection(tokens(node)):
            seen.add(node.mem_id)
            nodes.append(node)
    nodes, twins = _merge_twins(nodes)
    comments: list[Comment] = []
    if nodes:
        owners = {n.mem_id: n.mem_id for n in nodes}
        owned = _Owned(_holding(nodes[0], nodes[-1]), set(owners))
        owner_words = OWNER_CLASSES | {f"comment-author-{slug}" for slug in owner_slugs()}
        ids: dict[int, str] = {}
        for index, node in enumerate(nodes):
            scope = _Scope(node, owned)
            twin = twins.get(node.mem_id)
            ident = _comment_id(node, twin) or f"comment-{index + 1}"
            ids[node.mem_id] = ident
            parent = ""
            ancestor = node.parent
            while ancestor is not None:
                if ancestor.mem_id in owners:
                    parent = ids.get(ancestor.mem_id, "")
                    break
                ancestor = ancestor.parent
            classes = set(tokens(node)) | (set(tokens(twin)) if twin is not None else set())
            marked = classes & owner_words or {w for m in scope.all(".blog-author, .bypostauthor") for w in tokens(m)}
            body = _body(scope)
            comments.append(Comment(
                id=ident, author=_author(scope), at=_time(scope, month_first), url=f"{base}#{ident}",
                parent=parent, is_owner=bool(marked),
                owner_because=f"class {sorted(marked & owner_words)[0]}" if marked & owner_words else "",
                text=body[:300]))
    else:
        comments = _classic_blogger(blocks[0] if blocks else None, base, month_first)
    return tuple(link_flat_replies(mark_owner_by_name(comments, post_author)))


def _holding(first: LexborNode, last: LexborNode) -> LexborNode:
    """The deepest element holding both ``first`` and ``last`` (or one of them), which are in page order:
    it holds every element between them too."""
    around_first = []
    current: LexborNode | None = first
    while current is not None:
        around_first.append(current)
        current = current.parent
    held = {node.mem_id for node in around_first}
    current = last
    while current is not None and current.mem_id not in held:
        current = current.parent
    return current if current is not None else around_first[-1]


def _number(node: LexborNode) -> str | None:
    found = _COMMENT_NUMBER.search(node.attributes.get("id") or "")
    return found.group(1) if found else None


def _merge_twins(nodes: list[LexborNode]) -> tuple[list[LexborNode], dict[int, LexborNode]]:
    """The comment containers with each comment once: a container inside another of the same comment
    number (``li#li-comment-7 > div#comment-7``) is the same comment, kept as the outer one's twin."""
    found = {node.mem_id for node in nodes}
    twins: dict[int, LexborNode] = {}
    kept: list[LexborNode] = []
    for node in nodes:
        number = _number(node)
        ancestor = node.parent
        while ancestor is not None and ancestor.mem_id not in found:
            ancestor = ancestor.parent
        if number is not None and ancestor is not None and _number(ancestor) == number:
            twins.setdefault(ancestor.mem_id, node)
            continue
        kept.append(node)
    return kept, twins


def _comment_id(node: LexborNode, twin: LexborNode | None) -> str:
    """The comment's id, the permalink's "comment-N" form when either twin has it."""
    for candidate in (node, twin):
        ident = (candidate.attributes.get("id") or "") if candidate is not None else ""
        if re.fullmatch(r"comment-\d+", ident):
            return ident
    return node.attributes.get("id") or ""


def _author(scope: _Scope) -> str:
    for selector in AUTHOR_SELECTORS:
        found = scope.first(selector)
        if found is not None:
            name = _SAYS.sub("", _clean(found.text(deep=True)))
            if name:
                return name
    return ""


def _time(scope: _Scope, month_first: bool) -> datetime | None:
    """The comment's date: a machine date, a date in its date element, else the first date its own text
    writes outside its body (replies nested in it left out)."""
    for found in scope.all("time[datetime], abbr[title]"):
        value = parse_machine_date(found.attributes.get("datetime") or found.attributes.get("title") or "")
        if value is not None:
            return value
    for selector in TIME_SELECTORS:
        for found in scope.all(selector):
            dates = find_dates(found.text(deep=True), month_first=month_first)
            if dates:
                return dates[0].value
    own = _clean(_own_text(scope))
    for selector in BODY_SELECTORS:  # a date the comment's words mention is not when it was written
        body = scope.first(selector)
        if body is not None:
            own = own.replace(_clean(body.text(deep=True)), " ")
            break
    dates = find_dates(own, month_first=month_first)
    return dates[0].value if dates else None


def _own_text(scope: _Scope) -> str:
    """The comment's text up to the first comment nested in it."""
    text = scope.node.text(deep=True)
    for child in scope.node.traverse():
        if child.mem_id != scope.node.mem_id and child.mem_id in scope.owned.comments:
            nested = child.text(deep=True)
            cut = text.find(nested) if nested else -1
            return text[:cut] if cut >= 0 else text
    return text


def _body(scope: _Scope) -> str:
    for selector in BODY_SELECTORS:
        found = scope.first(selector)
        if found is not None:
            return _clean(found.text(deep=True))
    paragraphs = [p for p in scope.all("p") if not any(
        w.startswith(("comment-meta", "commentmeta", "comment-author", "comment-date")) for w in tokens(p))]
    return _clean(" ".join(p.text(deep=True) for p in paragraphs))


def _classic_blogger(block: LexborNode | None, base: str, month_first: bool) -> list[Comment]:
    """Classic Blogger templates: ``<dl id="comments-block">`` of dt (author) / dd (body, footer) runs."""
    if block is None:
        return []
    comments: list[Comment] = []
    current: dict[str, object] | None = None

    def close() -> None:
        if current is not None:
            comments.append(Comment(**current))  # type: ignore[arg-type]

    for child in block.iter():
        words = set(tokens(child))
        if child.tag == "dt":
            close()
            anchor = child.css_first("a[name]")
            ident = child.attributes.get("id") or (anchor.attributes.get("name") if anchor else "") or \
                f"c{len(comments) + 1}"
            link = child.css_first("a[href]:not([name])") or child.css_first("a[href]")
            name = _SAYS.sub("", _clean((link or child).text(deep=True)))
            current = {"id": ident, "author": name, "at": None, "url": f"{base}#{ident}",
                       "is_owner": "blog-author" in words,
                       "owner_because": "class blog-author" if "blog-author" in words else ""}
        elif current is not None and "comment-body" in words:
            current["text"] = _clean(child.text(deep=True))[:300]
        elif current is not None and "comment-footer" in words:
            dates = find_dates(child.text(deep=True), month_first=month_first)
            current["at"] = dates[0].value if dates else None
    close()
    return comments


def _key(name: str) -> str:
    return _clean(name).casefold()


def mark_owner_by_name(comments: Sequence[Comment], post_author: str) -> list[Comment]:
    """Comments the markup did not mark, written under the post author's name, become the owner's."""
    if not post_author:
        return list(comments)
    author = _key(post_author)
    return [replace(c, is_owner=True, owner_because="name matches the post's author")
            if not c.is_owner and c.author and _key(c.author) == author else c for c in comments]


def link_flat_replies(comments: Sequence[Comment]) -> list[Comment]:
    """Resolve "@Name –" openings of owner comments to the latest earlier visitor comment by Name."""
    linked: list[Comment] = []
    for index, comment in enumerate(comments):
        if comment.is_owner and comment.text.lstrip().startswith("@"):
            earlier = [c for c in comments[:index] if not c.is_owner and c.author]
            targets = _mentions(comment.text, earlier)
            if targets:
                comment = replace(comment, replies_to=tuple(dict.fromkeys(comment.replies_to + targets)))
        linked.append(comment)
    return linked


def _mentions(text: str, earlier: list[Comment]) -> tuple[str, ...]:
    """Ids of the comments named by the leading "@A, @B –" of ``text`` (longest known name wins)."""
    names = sorted({c.author for c in earlier}, key=len, reverse=True)
    rest = text.lstrip()
    targets: list[str] = []
    while rest.startswith("@"):
        rest = rest[1:]
        match = next((n for n in names if rest.casefold().startswith(n.casefold())
                      and _MENTION_END.match(rest[len(n):])), None)
        if match is None:
            break
        latest = [c for c in earlier if _key(c.author) == _key(match)][-1]
        targets.append(latest.id)
        rest = _MENTION_SEPARATORS.sub("", rest[len(match):], count=1)
        rest = rest.lstrip(" ,&")
    return tuple(targets)


def interactions_from(comments: Iterable[Comment], parent_url: str) -> tuple[Interaction, ...]:
    """Visitor comments as interactions; ``owner_replied_at`` is the owner's first answer, threaded or "@Name"."""
    comments = list(comments)
    by_id = {c.id: c for c in comments}
    answers: dict[str, list[datetime]] = {}
    for reply in comments:
        if not reply.is_owner or reply.at is None:
            continue
        for target in {reply.parent, *reply.replies_to} - {""}:
            original = by_id.get(target)
            if original is not None and not original.is_owner and (original.at is None or reply.at >= original.at):
                answers.setdefault(target, []).append(reply.at)
    result = []
    for comment in comments:
        if comment.is_owner or comment.at is None:
            continue
        parent = by_id[comment.parent].url if comment.parent in by_id else parent_url
        replies = answers.get(comment.id)
        result.append(Interaction(url=comment.url or f"{parent_url}#{comment.id}", author=comment.author,
                                  at=comment.at, parent=parent, owner_replied_at=min(replies) if replies else None,
                                  kind="comment"))
    return tuple(result)
