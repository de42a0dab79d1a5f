"""The reviewer's report: one self-contained HTML page per change (issue 22)."""

from __future__ import annotations

from agent.report.html import render_html
from agent.report.model import ReviewReport

__all__ = ["ReviewReport", "render_html"]
