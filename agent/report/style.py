"""The report's style sheet, inline in the page: system fonts only, and a print layout."""

from __future__ import annotations

__all__ = ["STYLE"]

STYLE = """
:root { --ok: #166534; --ok-bg: #dcfce7; --bad: #991b1b; --bad-bg: #fee2e2; --warn: #92400e; --warn-bg: #fef3c7;
  --muted: #64748b; --line: #e2e8f0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: #0f172a; background: #f8fafc; }
main { max-width: 1200px; margin: 0 auto; padding: 0 16px 32px; }
nav { position: sticky; top: 0; z-index: 1; background: #0f172a; padding: 6px 16px; }
nav a { color: #e2e8f0; margin-right: 14px; text-decoration: none; font-size: 13px; }
header.verdict { margin: 12px 0; padding: 12px 16px; border-radius: 6px; border: 2px solid; }
header.verdict h1 { margin: 0 0 4px; font-size: 22px; }
header.verdict p { margin: 0; }
header.passed { background: var(--ok-bg); border-color: var(--ok); color: var(--ok); }
header.failed { background: var(--bad-bg); border-color: var(--bad); color: var(--bad); }
header.not-verified { background: var(--warn-bg); border-color: var(--warn); color: var(--warn); }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 12px 0; padding: 4px 16px 12px; }
section.failures { border: 2px solid var(--bad); background: var(--bad-bg); }
section.failures li { margin: 4px 0; }
h2 { font-size: 18px; margin: 10px 0; }
h3 { font-size: 15px; margin: 14px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
table.facts td:first-child { width: 160px; color: var(--muted); }
table.matrix td, table.matrix th { text-align: center; }
table.matrix td:first-child { text-align: left; }
code, pre, .code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.bad-text { color: var(--bad); }
.badge { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 12px; font-weight: 600; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.skip { background: var(--line); color: var(--muted); }
details { margin: 6px 0; }
details > summary { cursor: pointer; padding: 4px 0; }
details.step.failed { border-left: 4px solid var(--bad); padding-left: 8px; }
.code { border: 1px solid var(--line); border-radius: 4px; background: #fbfdff; padding: 4px 0; }
.line { display: flex; white-space: pre-wrap; overflow-wrap: anywhere; }
.line .no { flex: 0 0 44px; text-align: right; padding-right: 10px; color: #94a3b8; user-select: none; }
.line code { flex: 1; }
.line.flagged { background: var(--warn-bg); }
.lint { margin: 2px 8px 6px 54px; padding: 4px 8px; border-left: 4px solid; font-size: 13px; }
.lint.bad { border-color: var(--bad); background: var(--bad-bg); }
.lint.warn { border-color: var(--warn); background: var(--warn-bg); }
.sql .k { color: #1d4ed8; font-weight: 600; }
.sql .c { color: #6b7280; font-style: italic; }
.sql .s { color: #047857; }
.sql .n { color: #b45309; }
.sql .i { color: #7c3aed; }
.sql .p { color: #be185d; }
figure.erd { margin: 8px 0; }
figure.erd .scroll { overflow: auto; border: 1px solid var(--line); }
figure.erd figcaption { color: var(--muted); font-size: 12px; }
.bar { height: 10px; background: #93c5fd; border-radius: 2px; }
table.timings td:last-child { width: 45%; }
table.proof td:first-child { width: 24%; overflow-wrap: anywhere; }
table.proof td:nth-child(2) { width: 70px; }
table.proof td:last-child { width: 42%; }
pre.plan { font-size: 11.5px; }
table.trace td:first-child { width: 50px; }
table.trace td:nth-child(2) { width: 34%; overflow-wrap: anywhere; }
table.checks td:first-child { width: 44px; }
table.checks td:nth-child(2) { width: 170px; }
table.checks td:nth-child(3) { width: 170px; overflow-wrap: anywhere; }
table.deploy td:first-child { width: 30px; }
footer { text-align: center; color: var(--muted); font-size: 12px; padding: 12px; }
@media print {
  nav { display: none; }
  body { background: #fff; }
  section { border: none; padding: 0; break-inside: auto; }
  figure.erd .scroll { overflow: visible; }
  figure.erd svg { max-width: 100%; height: auto; }
  details > summary { list-style: none; }
  a { color: inherit; text-decoration: none; }
}
"""
