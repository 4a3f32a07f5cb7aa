"""Output formats of a rendered document: text, markdown, html and json.

* ``text`` – each quote in quotation marks with a ``[n]`` marker (or its in-text
  citation), then "Notes" and "Bibliography";
* ``markdown`` – block quotes with real ``[^n]`` footnotes;
* ``html`` – a standalone page; every piece of user data is escaped (the
  engine escapes what it renders, this module the quote text and ids);
* ``json`` – ``{"style", "quotes": [{"id", "text", "note"}], "bibliography"}``
  with notes and entries as plain text.
"""

from __future__ import annotations

import html
import json
import re

from citeman.render.document import RenderedDocument

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def format_document(doc: RenderedDocument) -> str:
    """The document in its ``output`` format, ending with a newline."""
    formatter = {
        "text": _as_text,
        "markdown": _as_markdown,
        "html": _as_html,
        "json": _as_json,
    }[doc.output]
    return formatter(doc)


def _as_text(doc: RenderedDocument) -> str:
    lines: list[str] = []
    for quote in doc.quotes:
        if doc.is_note_style:
            lines.append(f"“{quote.text}”[{quote.number}]")
        else:
            lines.append(f"“{quote.text}” {quote.note}")
        lines.append("")
    if doc.is_note_style and doc.quotes:
        lines += ["Notes", ""]
        lines += [f"{q.number}. {q.note}" for q in doc.quotes]
        lines.append("")
    if doc.bibliography:
        lines += [doc.bibliography_heading, ""]
        for entry in doc.bibliography:
            lines += [entry, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _as_markdown(doc: RenderedDocument) -> str:
    lines: list[str] = []
    for quote in doc.quotes:
        body = escape_markdown(quote.text).splitlines() or [""]
        if doc.is_note_style:
            body[-1] += f"[^{quote.number}]"
        else:
            body[-1] += f" {quote.note}"
        lines += [f"> {line}".rstrip() for line in body]
        lines.append("")
    if doc.is_note_style:
        lines += [f"[^{q.number}]: {q.note}" for q in doc.quotes]
        lines.append("")
    if doc.bibliography:
        lines += [f"## {doc.bibliography_heading}", ""]
        for entry in doc.bibliography:
            lines += [entry, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _as_html(doc: RenderedDocument) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>Quotes — {esc(doc.style_title)}</title>",
        "</head>",
        "<body>",
    ]
    for quote in doc.quotes:
        text = esc(quote.text).replace("\n", "<br>\n")
        anchor = f"q-{esc(quote.id)}"
        if doc.is_note_style:
            marker = (
                f'<sup><a href="#note-{quote.number}" id="ref-{quote.number}">'
                f"{quote.number}</a></sup>"
            )
            parts.append(f'<blockquote id="{anchor}"><p>{text}{marker}</p></blockquote>')
        else:
            parts.append(f'<blockquote id="{anchor}"><p>{text} {quote.note}</p></blockquote>')
    if doc.is_note_style and doc.quotes:
        parts.append('<section class="notes"><h2>Notes</h2><ol>')
        for quote in doc.quotes:
            parts.append(
                f'<li id="note-{quote.number}">{quote.note} '
                f'<a href="#ref-{quote.number}">↩</a></li>'
            )
        parts.append("</ol></section>")
    if doc.bibliography:
        parts.append(f'<section class="bibliography"><h2>{doc.bibliography_heading}</h2>')
        parts += [f'<div class="csl-entry">{entry}</div>' for entry in doc.bibliography]
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _as_json(doc: RenderedDocument) -> str:
    payload = {
        "style": doc.style,
        "quotes": [{"id": q.id, "text": q.text, "note": q.note} for q in doc.quotes],
        "bibliography": doc.bibliography,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
