"""The ordered rule registry: a code or a name registered twice is an error at import."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from agent.lint.model import Rule

__all__ = ["DuplicateRuleError", "Registry"]


class DuplicateRuleError(RuntimeError):
    """Two rules share a code or a name."""


class Registry:
    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._rules: dict[str, Rule] = {}
        self._names: set[str] = set()
        for rule in rules:
            self.register(rule)

    def register(self, rule: Rule) -> Rule:
        if rule.code in self._rules:
            raise DuplicateRuleError(f"rule code {rule.code} is registered twice")
        if rule.name in self._names:
            raise DuplicateRuleError(f"rule name {rule.name} is registered twice")
        self._rules[rule.code] = rule
        self._names.add(rule.name)
        return rule

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def get(self, code: str) -> Rule | None:
        return self._rules.get(code)

    def __getitem__(self, code: str) -> Rule:
        return self._rules[code]
