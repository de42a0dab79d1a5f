"""Diagrams drawn by the agent itself, with no Graphviz: the ER diagram of a schema as SVG."""

from __future__ import annotations

from agent.diagram.erd_svg import render_erd_svg

__all__ = ["render_erd_svg"]
