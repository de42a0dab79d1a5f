"""Core lessons from `memory/core-lessons.yaml`, seeded into the core tier."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel

from agent.memory.store import MemoryStore, NewMemory

__all__ = ["CORE_LESSONS", "Lesson", "load_lessons", "seed_core"]

CORE_LESSONS = Path(__file__).resolve().parents[2] / "memory" / "core-lessons.yaml"


class Lesson(BaseModel):
    key: str
    title: str
    what_could_happen: str
    prevention: list[str]
    lint_rules: list[str]
    verification_steps: list[str]


def load_lessons(path: Path = CORE_LESSONS) -> list[Lesson]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [Lesson.model_validate(item) for item in data.get("lessons", [])]


async def seed_core(store: MemoryStore, agent_name: str, path: Path = CORE_LESSONS) -> int:
    lessons = load_lessons(path)
    for lesson in lessons:
        await store.remember(NewMemory(
            agent_name=agent_name, tier="core", kind="lesson", key=lesson.key,
            content=lesson.model_dump(), about=[*lesson.lint_rules, *lesson.verification_steps],
            importance=1.0))
    return len(lessons)
