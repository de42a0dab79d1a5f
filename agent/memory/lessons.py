"""Core lessons from `memory/core-lessons.yaml` (packaged as agent._memory), seeded into the core tier."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel

from agent.memory.resources import core_lessons_file
from agent.memory.store import MemoryStore, NewMemory
from agent.verify.report import VerificationReport

__all__ = ["Lesson", "learn_new_lessons", "load_lessons", "seed_core"]


class Lesson(BaseModel):
    key: str
    title: str
    what_could_happen: str
    prevention: list[str]
    lint_rules: list[str]
    verification_steps: list[str]


def load_lessons(path: Path | None = None) -> list[Lesson]:
    data = yaml.safe_load((path or core_lessons_file()).read_text(encoding="utf-8")) or {}
    return [Lesson.model_validate(item) for item in data.get("lessons", [])]


async def seed_core(store: MemoryStore, agent_name: str, path: Path | None = None) -> int:
    lessons = load_lessons(path)
    for lesson in lessons:
        await _remember(store, agent_name, lesson)
    return len(lessons)


async def learn_new_lessons(store: MemoryStore, agent_name: str, report: VerificationReport,
                            path: Path | None = None) -> list[Lesson]:
    """A verification step that failed where no core lesson names it caught a new class of
    disaster: it becomes a core lesson, tied to the step, with the failure as what could happen."""
    stored = [Lesson.model_validate(m.content) for m in await store.entries(agent_name, "core") if m.kind == "lesson"]
    covered = {step for lesson in [*load_lessons(path), *stored] for step in lesson.verification_steps}
    learned = []
    for step in report.steps:
        if step.failures and step.name not in covered:
            failure = step.failures[0]
            lesson = Lesson(
                key=f"caught-by-{step.name}", title=f"Caught by: {step.title}",
                what_could_happen=f"{failure.table + ': ' if failure.table else ''}{failure.message}"[:500],
                prevention=[f"the verification step {step.name} runs on every migration before it is written"],
                lint_rules=[], verification_steps=[step.name])
            await _remember(store, agent_name, lesson)
            learned.append(lesson)
    return learned


async def _remember(store: MemoryStore, agent_name: str, lesson: Lesson) -> None:
    await store.remember(NewMemory(
        agent_name=agent_name, tier="core", kind="lesson", key=lesson.key, content=lesson.model_dump(),
        about=[*lesson.lint_rules, *lesson.verification_steps], importance=1.0))
