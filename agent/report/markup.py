"""Small HTML builders for the report: every text that is not markup goes through `text`."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["badge", "section", "table", "text"]


def text(value: object) -> str:
    return html.escape(str(value), quote=True)


def section(anchor: str, title: str, body: Iterable[str]) -> str:
    return "\n".join([f'<section id="{anchor}">', f"<h2>{text(title)}</h2>", *body, "</section>"])


def table(headings: Sequence[str], rows: Iterable[Sequence[str]], css: str = "") -> str:
    """`rows` hold markup already (escape cells with `text`)."""
    head = "".join(f"<th>{text(h)}</th>" for h in headings)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>'


def badge(passed: bool | None, yes: str = "passed", no: str = "FAILED", neither: str = "skipped") -> str:
    css, word = ("ok", yes) if passed else ("bad", no) if passed is False else ("skip", neither)
    return f'<span class="badge {css}">{text(word)}</span>'
