/* The nesting guard's common case in C: is a page within every cap of auditor/parse/htmldepth.py?
 *
 * htmldepth.py holds the rules (its docstring says what the caps are and why) and stays the one
 * place that edits a page. This module reads the page's tokens exactly as htmldepth's token pattern
 * does and follows the same model of the parser's stack of open elements, but only until the model
 * would make its first edit. It answers True (the model makes no edit: hand the page to lexbor as it
 * is), False (the model edits the page) or None (this module does not decide: a tag name with
 * non-ASCII bytes, more tokens than the element cap). For False and None the Python model plans the edits.
 *
 * The names and their kinds come from htmldepth.py (``configure``), and the caps with every call, so
 * neither is written down twice. tests/test_htmlscan.py checks the answers against the Python model
 * on real pages, the fixture pages and generated token soups.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* What a name is to the model (the same numbers as htmldepth's _UNCOUNTED…_FOREIGN_ROOT). */
enum { UNCOUNTED, SPECIAL, ORDINARY, BOUNDARY, FORMATTING, FOREIGN_ROOT, KINDS };
/* What content the parser is in. */
enum { CONTENT_HTML, CONTENT_FOREIGN, CONTENT_UNSURE };
/* Flags a name may carry (the module's BREAKOUT… constants, which htmldepth.py configures it with). */
enum { BREAKOUT = 1, HTML_INSIDE = 2, UNSURE_INSIDE = 4, TEXT_IS_HTML = 8 };
/* How a scan ends. */
enum { GOING_ON, EDITS, UNDECIDED };

#define LONGEST_NAME 32   /* longer names are in no table */
#define TABLE_SIZE 1024   /* open addressing, a power of two */
#define FORMATTING_NAMES 64

typedef struct {
    uint64_t hash;
    Py_ssize_t length;
    char name[LONGEST_NAME];
    int kind;
    int flags;
    int formatting; /* the formatting element's index, or -1 */
    int used;
} Entry;

static Entry table[TABLE_SIZE];
static int formatting_names = 0;
static int configured = 0;

typedef struct {
    const unsigned char *spelled;
    Py_ssize_t length;
    uint64_t hash;
    int kind;
    int flags;
    int formatting;
} Name;

typedef struct {
    Py_ssize_t max_depth, max_attributes, max_formatting, max_elements, reach, max_raw_nesting;
} Caps;

typedef struct {
    Name *names;
    Py_ssize_t depth;
    Py_ssize_t *content_height;
    int *content;
    Py_ssize_t contents;
    Py_ssize_t formatting[FORMATTING_NAMES];
    Py_ssize_t open_formatting;
    Py_ssize_t tokens;
    Caps caps;
} Stack;

static int is_space(unsigned char c) { return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '; }
static int is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c; }
/* A character that may follow a tag's name ("<script>" but not "<scripts>"). */
static int ends_name(const unsigned char *s, Py_ssize_t at, Py_ssize_t end) {
    return at < end && (is_space(s[at]) || s[at] == '/' || s[at] == '>');
}

/* ``word`` (lower case) at ``at``, in any letter case. */
static int spelled_at(const unsigned char *s, Py_ssize_t at, Py_ssize_t end, const char *word, Py_ssize_t length) {
    if (end - at < length)
        return 0;
    for (Py_ssize_t i = 0; i < length; i++)
        if (lower(s[at + i]) != (unsigned char)word[i])
            return 0;
    return 1;
}

/* ``word`` as a whole tag name at ``at``. */
static int name_at(const unsigned char *s, Py_ssize_t at, Py_ssize_t end, const char *word, Py_ssize_t length) {
    return spelled_at(s, at, end, word, length) && ends_name(s, at + length, end);
}

static uint64_t hash_of(const unsigned char *s, Py_ssize_t length) {
    uint64_t hash = 1469598103934665603ULL;
    for (Py_ssize_t i = 0; i < length; i++)
        hash = (hash ^ lower(s[i])) * 1099511628211ULL;
    return hash;
}

static Entry *slot_for(uint64_t hash, const unsigned char *s, Py_ssize_t length) {
    size_t slot = (size_t)hash & (TABLE_SIZE - 1);
    while (table[slot].used) {
        Entry *entry = &table[slot];
        if (entry->hash == hash && entry->length == length) {
            Py_ssize_t i = 0;
            while (i < length && lower(s[i]) == (unsigned char)entry->name[i])
                i++;
            if (i == length)
                return entry;
        }
        slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    return &table[slot];
}

/* The name spelled at ``s``: 0, or -1 when it holds a byte that is not ASCII. */
static int read_name(const unsigned char *s, Py_ssize_t length, Name *name) {
    for (Py_ssize_t i = 0; i < length; i++)
        if (s[i] >= 0x80)
            return -1;
    name->spelled = s;
    name->length = length;
    name->hash = hash_of(s, length);
    name->kind = ORDINARY;
    name->flags = 0;
    name->formatting = -1;
    if (length <= LONGEST_NAME) {
        Entry *entry = slot_for(name->hash, s, length);
        if (entry->used) {
            name->kind = entry->kind;
            name->flags = entry->flags;
            name->formatting = entry->formatting;
        }
    }
    return 0;
}

static int same_name(const Name *a, const Name *b) {
    if (a->hash != b->hash || a->length != b->length)
        return 0;
    for (Py_ssize_t i = 0; i < a->length; i++)
        if (lower(a->spelled[i]) != lower(b->spelled[i]))
            return 0;
    return 1;
}

/* ---- Tokens: the same extents and groups as htmldepth's _TOKENS ---- */

enum { TOKEN_OTHER, TOKEN_START, TOKEN_END, TOKEN_RAW, TOKEN_CDATA };
enum { MORE_NONE, MORE_SELF_CLOSING, MORE_ATTRIBUTES };

typedef struct {
    int type;
    Py_ssize_t name_at, name_end; /* a tag's name (after "/" for an end tag), or a raw element's */
    int more;
    Py_ssize_t raw_at, raw_end; /* a raw token: from after its "<" to its end */
    Py_ssize_t tag_end;         /* a raw element: where its start tag ends */
} Token;

/* A "/" that does not close the tag: a separator. */
static int is_separator(const unsigned char *s, Py_ssize_t at, Py_ssize_t end) {
    return is_space(s[at]) || (s[at] == '/' && !(at + 1 < end && s[at + 1] == '>'));
}

static Py_ssize_t attribute_end(const unsigned char *s, Py_ssize_t at, Py_ssize_t end) {
    at++; /* the first character may be "=" or a quote */
    while (at < end && !is_space(s[at]) && s[at] != '/' && s[at] != '>' && s[at] != '=')
        at++;
    Py_ssize_t value = at;
    while (value < end && is_space(s[value]))
        value++;
    if (value >= end || s[value] != '=')
        return at;
    value++;
    while (value < end && is_space(s[value]))
        value++;
    if (value < end && (s[value] == '"' || s[value] == '\'')) {
        const unsigned char *quote = memchr(s + value + 1, s[value], (size_t)(end - value - 1));
        return quote ? quote - s + 1 : end;
    }
    while (value < end && !is_space(s[value]) && s[value] != '>')
        value++;
    return value;
}

/* Whether a part of the tag (separators or an attribute) starts at ``at``, not its end. */
static int is_part(const unsigned char *s, Py_ssize_t at, Py_ssize_t end) {
    return is_separator(s, at, end) || (s[at] != '>' && s[at] != '/');
}

/* One part of a tag after its name, from ``at``: a run of separators or an attribute. */
static Py_ssize_t part_end(const unsigned char *s, Py_ssize_t at, Py_ssize_t end) {
    if (!is_separator(s, at, end))
        return attribute_end(s, at, end);
    while (at < end && is_separator(s, at, end))
        at++;
    return at;
}

/* A tag's attributes and its end from ``at`` (after its name): where the tag ends. ``parts`` counts
 * the runs of separators and the attributes; ``self_closing`` says whether it ends with "/>". */
static Py_ssize_t tag_end(const unsigned char *s, Py_ssize_t at, Py_ssize_t end, Py_ssize_t *parts, int *self_closing) {
    *parts = 0;
    while (at < end && is_part(s, at, end)) {
        at = part_end(s, at, end);
        (*parts)++;
    }
    *self_closing = at < end && s[at] == '/'; /* not a separator, so a ">" follows */
    if (*self_closing)
        at++;
    if (at < end && s[at] == '>')
        at++;
    return at;
}

/* How many attributes a start tag holds between its name and ``end`` (each found from where the last
 * ended, as htmldepth's _attributes finds them). */
static Py_ssize_t attributes(const unsigned char *s, Py_ssize_t at, Py_ssize_t end) {
    Py_ssize_t count = 0;
    while (at < end) {
        if (is_space(s[at]) || s[at] == '/' || s[at] == '>') {
            at++;
        } else {
            at = attribute_end(s, at, end);
            count++;
        }
    }
    return count;
}

static const char *const RAW_NAMES[] = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
                                        "plaintext"};
#define RAW_KINDS 9
#define SCRIPT 0
#define PLAINTEXT 8

/* A script's text after "<!--" (the tokenizer's escaped and double-escaped states): where it ends. */
static Py_ssize_t escaped_end(const unsigned char *s, Py_ssize_t at, Py_ssize_t end) {
    while (at < end) {
        unsigned char c = s[at];
        if (c == '-') {
            if (at + 2 < end && s[at + 1] == '-' && s[at + 2] == '>')
                return at + 3;
            at++;
        } else if (c != '<') {
            at++;
        } else if (at + 1 < end && s[at + 1] == '/' && name_at(s, at + 2, end, "script", 6)) {
            return at;
        } else if (name_at(s, at + 1, end, "script", 6)) {
            at += 7;
            while (at < end) {
                c = s[at];
                if (c == '-' && at + 2 < end && s[at + 1] == '-' && s[at + 2] == '>')
                    break;
                if (c == '<' && at + 1 < end && s[at + 1] == '/' && name_at(s, at + 2, end, "script", 6)) {
                    at += 8;
                    break;
                }
                at++;
            }
        } else {
            at++;
        }
    }
    return at;
}

/* A raw-text element's text from ``at``: where it ends (before its end tag, or at the end). */
static Py_ssize_t raw_text_end(const unsigned char *s, Py_ssize_t at, Py_ssize_t end, int raw) {
    const char *name = RAW_NAMES[raw];
    Py_ssize_t length = (Py_ssize_t)strlen(name);
    if (raw == PLAINTEXT)
        return end;
    while (at < end) {
        const unsigned char *next = memchr(s + at, '<', (size_t)(end - at));
        if (!next)
            return end;
        at = next - s;
        if (at + 1 < end && s[at + 1] == '/' && name_at(s, at + 2, end, name, length))
            return at;
        if (raw == SCRIPT && at + 3 < end && s[at + 1] == '!' && s[at + 2] == '-' && s[at + 3] == '-')
            at = escaped_end(s, at + 4, end);
        else
            at++;
    }
    return at;
}

static int raw_kind(const unsigned char *s, Py_ssize_t at, Py_ssize_t end) {
    for (int raw = 0; raw < RAW_KINDS; raw++)
        if (name_at(s, at, end, RAW_NAMES[raw], (Py_ssize_t)strlen(RAW_NAMES[raw])))
            return raw;
    return -1;
}

/* Up to the next token at or after ``at``: where it ends, or -1 when there is none. */
static Py_ssize_t next_token(const unsigned char *s, Py_ssize_t at, Py_ssize_t end, Py_ssize_t max_attributes,
                             Token *token) {
    while (at < end) {
        const unsigned char *next = memchr(s + at, '<', (size_t)(end - at));
        if (!next)
            return -1;
        Py_ssize_t open = next - s, i = open + 1;
        at = i;
        if (i >= end)
            return -1;
        token->type = TOKEN_OTHER;
        int closing = s[i] == '/';
        if (closing && i + 1 < end && is_alpha(s[i + 1])) {
            token->type = TOKEN_END;
            i++;
        } else if (!closing && is_alpha(s[i])) {
            int raw = raw_kind(s, i, end);
            if (raw >= 0) {
                Py_ssize_t parts;
                int self_closing;
                token->type = TOKEN_RAW;
                token->name_at = i;
                token->name_end = i + (Py_ssize_t)strlen(RAW_NAMES[raw]);
                token->raw_at = i;
                token->tag_end = tag_end(s, token->name_end, end, &parts, &self_closing);
                token->raw_end = raw_text_end(s, token->tag_end, end, raw);
                return token->raw_end;
            }
            token->type = TOKEN_START;
        }
        if (token->type != TOKEN_OTHER) {
            Py_ssize_t parts, name_end = i + 1;
            while (name_end < end && !is_space(s[name_end]) && s[name_end] != '/' && s[name_end] != '>')
                name_end++;
            token->name_at = i;
            token->name_end = name_end;
            int self_closing;
            Py_ssize_t stop = tag_end(s, name_end, end, &parts, &self_closing);
            /* what the pattern's second group holds: attributes past the cap, or the "/" of "/>" */
            token->more = parts > max_attributes ? MORE_ATTRIBUTES : self_closing ? MORE_SELF_CLOSING : MORE_NONE;
            return stop;
        }
        if (s[i] == '!' && end - i >= 8 && memcmp(s + i, "![CDATA[", 8) == 0) {
            Py_ssize_t stop = end;
            for (Py_ssize_t k = i + 8; k + 2 < end; k++)
                if (s[k] == ']' && s[k + 1] == ']' && s[k + 2] == '>') {
                    stop = k + 3;
                    break;
                }
            token->type = TOKEN_CDATA;
            token->raw_at = i;
            token->raw_end = stop;
            return stop;
        }
        if (s[i] == '!' && end - i >= 3 && s[i + 1] == '-' && s[i + 2] == '-') {
            Py_ssize_t k = i + 3;
            if (k < end && s[k] == '>')
                return k + 1;
            if (k + 1 < end && s[k] == '-' && s[k + 1] == '>')
                return k + 2;
            for (; k < end; k++) {
                if (s[k] == '-' && k + 1 < end && s[k + 1] == '-') {
                    if (k + 2 < end && s[k + 2] == '>')
                        return k + 3;
                    if (k + 3 < end && s[k + 2] == '!' && s[k + 3] == '>')
                        return k + 4;
                }
            }
            return end;
        }
        if (s[i] == '!' || s[i] == '?' || s[i] == '/') {
            const unsigned char *close = memchr(s + i, '>', (size_t)(end - i));
            return close ? close - s + 1 : end;
        }
        /* "<" starts no token here: look on from the next character */
    }
    return -1;
}

/* ---- The model of the stack of open elements: htmldepth's _follow and the functions it calls ---- */

static void close_to(Stack *stack, Py_ssize_t height) {
    stack->depth = height;
    while (stack->contents && stack->content_height[stack->contents - 1] >= height)
        stack->contents--;
}

static void enter_content(Stack *stack, int content) {
    stack->content_height[stack->contents] = stack->depth - 1;
    stack->content[stack->contents] = content;
    stack->contents++;
}

/* A counted start tag opened as ``kind``: GOING_ON, or EDITS where the model would drop it. */
static int open_element(Stack *stack, const Name *name, int kind) {
    if (stack->depth + stack->open_formatting >= stack->caps.max_depth ||
        (kind == FORMATTING && stack->open_formatting >= stack->caps.max_formatting))
        return EDITS;
    stack->names[stack->depth++] = *name;
    if (kind == FORMATTING && name->formatting >= 0) {
        stack->formatting[name->formatting]++;
        stack->open_formatting++;
    } else if (kind == FOREIGN_ROOT) {
        enter_content(stack, CONTENT_FOREIGN);
    }
    return GOING_ON;
}

/* An end tag for another element is not looked for below these. */
static int stops(int kind, int below) {
    if (kind == SPECIAL || kind == BOUNDARY || kind == FOREIGN_ROOT)
        return below == BOUNDARY || below == FOREIGN_ROOT;
    return below == SPECIAL || below == BOUNDARY || below == FOREIGN_ROOT;
}

/* Where the element an end tag certainly closes is on the stack, or -1. */
static Py_ssize_t open_height(const Stack *stack, const Name *name) {
    Py_ssize_t top = stack->depth - 1;
    if (top >= 0 && same_name(&stack->names[top], name))
        return top;
    if (name->kind == UNCOUNTED && !stack->contents)
        return -1;
    Py_ssize_t lowest = top - stack->caps.reach;
    for (Py_ssize_t height = top; height > lowest && height >= 0; height--) {
        if (same_name(&stack->names[height], name))
            return height;
        if (stops(name->kind, stack->names[height].kind))
            return -1;
    }
    return -1;
}

static void close_element(Stack *stack, const Name *name) {
    Py_ssize_t height = open_height(stack, name);
    if (height < 0)
        return;
    close_to(stack, height);
    if (name->formatting >= 0 && stack->formatting[name->formatting] > 0) {
        stack->formatting[name->formatting]--;
        stack->open_formatting--;
    }
}

/* A start tag inside <svg> or <math> content, or in HTML content within it. */
static int open_within(Stack *stack, const Name *name) {
    int content = stack->content[stack->contents - 1];
    if (content != CONTENT_HTML && !(name->flags & BREAKOUT)) {
        if (open_element(stack, name, ORDINARY) != GOING_ON)
            return EDITS;
        if (name->flags & HTML_INSIDE)
            enter_content(stack, CONTENT_HTML);
        else if (name->flags & UNSURE_INSIDE)
            enter_content(stack, CONTENT_UNSURE);
        return GOING_ON;
    }
    if (content == CONTENT_FOREIGN)
        close_to(stack, stack->content_height[stack->contents - 1]);
    return name->kind ? open_element(stack, name, name->kind) : GOING_ON;
}

static int follow(Stack *stack, const unsigned char *s, Py_ssize_t at, Py_ssize_t end, int honour_end_tags,
                  int nesting);

/* A raw-text element or a CDATA section. */
static int read_raw(Stack *stack, const unsigned char *s, const Token *token, int honour_end_tags, int nesting) {
    int content = stack->contents ? stack->content[stack->contents - 1] : CONTENT_HTML;
    Py_ssize_t text_at;
    if (token->type == TOKEN_CDATA) {
        if (content == CONTENT_FOREIGN)
            return GOING_ON;
        const unsigned char *close = memchr(s + token->raw_at, '>', (size_t)(token->raw_end - token->raw_at));
        text_at = close ? close - s + 1 : token->raw_end;
    } else {
        if (token->tag_end - token->raw_at > 2 * stack->caps.max_attributes &&
            attributes(s, token->name_end, token->tag_end) > stack->caps.max_attributes)
            return EDITS;
        if (content == CONTENT_HTML)
            return GOING_ON;
        Name name;
        if (read_name(s + token->name_at, token->name_end - token->name_at, &name) < 0)
            return UNDECIDED;
        if (open_element(stack, &name, ORDINARY) != GOING_ON)
            return EDITS;
        if (name.flags & TEXT_IS_HTML)
            enter_content(stack, CONTENT_HTML);
        text_at = token->tag_end;
    }
    if (!memchr(s + text_at, '<', (size_t)(token->raw_end - text_at)))
        return GOING_ON;
    if (nesting >= stack->caps.max_raw_nesting)
        return EDITS;
    return follow(stack, s, text_at, token->raw_end, honour_end_tags && content != CONTENT_UNSURE, nesting + 1);
}

static int follow(Stack *stack, const unsigned char *s, Py_ssize_t at, Py_ssize_t end, int honour_end_tags,
                  int nesting) {
    Token token = {0};
    for (;;) {
        at = next_token(s, at, end, stack->caps.max_attributes, &token);
        if (at < 0)
            return GOING_ON;
        if (++stack->tokens > stack->caps.max_elements)
            return UNDECIDED; /* the model may cut the page here: it counts tokens another way */
        if (token.type == TOKEN_OTHER)
            continue;
        if (token.type == TOKEN_RAW || token.type == TOKEN_CDATA) {
            int outcome = read_raw(stack, s, &token, honour_end_tags, nesting);
            if (outcome != GOING_ON)
                return outcome;
            continue;
        }
        Name name;
        if (read_name(s + token.name_at, token.name_end - token.name_at, &name) < 0)
            return UNDECIDED;
        if (token.type == TOKEN_END) {
            if (!honour_end_tags)
                continue;
            if (stack->depth && same_name(&stack->names[stack->depth - 1], &name) && name.kind != FORMATTING) {
                stack->depth--;
                if (stack->contents && stack->content_height[stack->contents - 1] >= stack->depth)
                    stack->contents--;
            } else if (name.kind != UNCOUNTED || stack->contents) {
                close_element(stack, &name);
            }
            continue;
        }
        if (token.more == MORE_ATTRIBUTES)
            return EDITS;
        if (token.more == MORE_SELF_CLOSING && stack->contents &&
            stack->content[stack->contents - 1] == CONTENT_FOREIGN)
            continue;
        int outcome = GOING_ON;
        if (stack->contents)
            outcome = open_within(stack, &name);
        else if (name.kind && name.kind < FORMATTING && stack->depth + stack->open_formatting < stack->caps.max_depth)
            stack->names[stack->depth++] = name;
        else if (name.kind)
            outcome = open_element(stack, &name, name.kind);
        if (outcome != GOING_ON)
            return outcome;
    }
}

/* ---- The module ---- */

static PyObject *within_caps(PyObject *module, PyObject *args) {
    (void)module;
    Py_buffer page;
    Caps caps;
    if (!PyArg_ParseTuple(args, "y*nnnnnn", &page, &caps.max_depth, &caps.max_attributes, &caps.max_formatting,
                          &caps.max_elements, &caps.reach, &caps.max_raw_nesting))
        return NULL;
    if (!configured || caps.max_depth < 1) {
        PyBuffer_Release(&page);
        Py_RETURN_NONE;
    }
    Stack *stack = PyMem_Calloc(1, sizeof(Stack));
    Name *names = PyMem_Calloc((size_t)caps.max_depth + 1, sizeof(Name));
    Py_ssize_t *heights = PyMem_Calloc((size_t)caps.max_depth + 1, sizeof(Py_ssize_t));
    int *contents = PyMem_Calloc((size_t)caps.max_depth + 1, sizeof(int));
    if (!stack || !names || !heights || !contents) {
        PyMem_Free(stack), PyMem_Free(names), PyMem_Free(heights), PyMem_Free(contents);
        PyBuffer_Release(&page);
        return PyErr_NoMemory();
    }
    stack->names = names;
    stack->content_height = heights;
    stack->content = contents;
    stack->caps = caps;
    int outcome;
    Py_BEGIN_ALLOW_THREADS
    outcome = follow(stack, page.buf, 0, page.len, 1, 0);
    Py_END_ALLOW_THREADS
    PyMem_Free(stack), PyMem_Free(names), PyMem_Free(heights), PyMem_Free(contents);
    PyBuffer_Release(&page);
    if (outcome == UNDECIDED)
        Py_RETURN_NONE;
    return PyBool_FromLong(outcome == GOING_ON);
}

/* ``tokens(page, max_attributes)``: the tokens as htmldepth's ``_TOKENS.findall`` lists them (name,
 * what follows the attributes the cap allows, raw token), so that tests can hold the two side by side. */
static PyObject *tokens(PyObject *module, PyObject *args) {
    (void)module;
    Py_buffer page;
    Py_ssize_t max_attributes;
    if (!PyArg_ParseTuple(args, "y*n", &page, &max_attributes))
        return NULL;
    const unsigned char *s = page.buf;
    PyObject *found = PyList_New(0);
    Token token = {0};
    for (Py_ssize_t at = 0; found && (at = next_token(s, at, page.len, max_attributes, &token)) >= 0;) {
        PyObject *item = NULL;
        if (token.type == TOKEN_START || token.type == TOKEN_END) {
            Py_ssize_t name_at = token.name_at - (token.type == TOKEN_END);
            const char *more = "";
            Py_ssize_t more_length = 0;
            if (token.more == MORE_SELF_CLOSING) {
                more = "/";
                more_length = 1;
            } else if (token.more == MORE_ATTRIBUTES) {
                Py_ssize_t kept = token.name_end, parts;
                for (parts = 0; parts < max_attributes; parts++)
                    kept = part_end(s, kept, page.len);
                Py_ssize_t rest = kept;
                while (rest < page.len && is_part(s, rest, page.len))
                    rest = part_end(s, rest, page.len);
                more = (const char *)s + kept;
                more_length = rest - kept;
            }
            item = Py_BuildValue("(y#y#y)", s + name_at, token.name_end - name_at, more, more_length, "");
        } else if (token.type == TOKEN_RAW || token.type == TOKEN_CDATA) {
            item = Py_BuildValue("(yyy#)", "", "", s + token.raw_at, token.raw_end - token.raw_at);
        } else {
            item = Py_BuildValue("(yyy)", "", "", "");
        }
        if (!item || PyList_Append(found, item) < 0)
            Py_CLEAR(found);
        Py_XDECREF(item);
    }
    PyBuffer_Release(&page);
    return found;
}

/* ``configure({name: (kind, flags)})``: the names the model tells apart (lower case, ASCII). */
static PyObject *configure(PyObject *module, PyObject *names) {
    (void)module;
    if (!PyDict_Check(names)) {
        PyErr_SetString(PyExc_TypeError, "configure() takes a dict of name -> (kind, flags)");
        return NULL;
    }
    memset(table, 0, sizeof(table));
    formatting_names = 0;
    configured = 0;
    PyObject *key, *value;
    Py_ssize_t position = 0;
    while (PyDict_Next(names, &position, &key, &value)) {
        const char *spelled;
        Py_ssize_t length;
        int kind, flags;
        if (!PyArg_Parse(key, "s#", &spelled, &length) || !PyArg_ParseTuple(value, "ii", &kind, &flags))
            return NULL;
        if (length > LONGEST_NAME || kind < 0 || kind >= KINDS) {
            PyErr_Format(PyExc_ValueError, "cannot follow the name %R", key);
            return NULL;
        }
        uint64_t hash = hash_of((const unsigned char *)spelled, length);
        Entry *entry = slot_for(hash, (const unsigned char *)spelled, length);
        if (!entry->used) {
            if (kind == FORMATTING && formatting_names >= FORMATTING_NAMES) {
                PyErr_SetString(PyExc_ValueError, "too many formatting names");
                return NULL;
            }
            entry->used = 1;
            entry->hash = hash;
            entry->length = length;
            for (Py_ssize_t i = 0; i < length; i++)
                entry->name[i] = (char)lower((unsigned char)spelled[i]);
            entry->formatting = kind == FORMATTING ? formatting_names++ : -1;
        }
        entry->kind = kind;
        entry->flags = flags;
    }
    configured = 1;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"within_caps", within_caps, METH_VARARGS,
     "within_caps(page, max_depth, max_attributes, max_formatting, max_elements, reach, max_raw_nesting)"
     " -> True | False | None"},
    {"tokens", tokens, METH_VARARGS, "tokens(page, max_attributes) -> [(name, more, raw)]"},
    {"configure", configure, METH_O, "configure(names): {lower-case name: (kind, flags)}"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_htmlscan", "The nesting guard's common case in C.", -1,
                                    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__htmlscan(void) {
    PyObject *created = PyModule_Create(&module);
    if (created && (PyModule_AddIntConstant(created, "BREAKOUT", BREAKOUT) < 0 ||
                    PyModule_AddIntConstant(created, "HTML_INSIDE", HTML_INSIDE) < 0 ||
                    PyModule_AddIntConstant(created, "UNSURE_INSIDE", UNSURE_INSIDE) < 0 ||
                    PyModule_AddIntConstant(created, "TEXT_IS_HTML", TEXT_IS_HTML) < 0))
        Py_CLEAR(created);
    return created;
}
