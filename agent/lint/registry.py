"""The ordered rule registry: a code or a name registered twice is an error at import."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from agent.lint.model import Check, Rule, Severity

__all__ = ["DuplicateRuleError", "Registry", "UnknownRuleError"]


class DuplicateRuleError(RuntimeError):
    """Two rules share a code or a name."""


class UnknownRuleError(KeyError):
    """A code or name given to `--enable` / `--disable` that no rule has."""

    def __str__(self) -> str:
        return f"no rule has the code or name {self.args[0]!r}"


class Registry:
    def __init__(self, rules: Iterable[Rule] = (), levels: Mapping[str, Severity] | None = None) -> None:
        self._rules: dict[str, Rule] = {}
        self._names: dict[str, Rule] = {}
        self._checks: dict[tuple[type, frozenset[int] | None], tuple[Check, ...]] = {}
        # severities chosen for this run (by code), which the findings take (`Rule.at`)
        self.levels: dict[str, Severity] = dict(levels or {})
        for rule in rules:
            self.register(rule)

    def register(self, rule: Rule) -> Rule:
        if rule.code in self._rules:
            raise DuplicateRuleError(f"rule code {rule.code} is registered twice")
        if rule.name in self._names:
            raise DuplicateRuleError(f"rule name {rule.name} is registered twice")
        self._rules[rule.code] = rule
        self._names[rule.name] = rule
        self._checks.clear()
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

    def resolve(self, key: str) -> Rule:
        """The rule with this code (any case) or name; `UnknownRuleError` otherwise."""
        key = key.strip()
        rule = self._rules.get(key.upper()) or self._names.get(key.lower())
        if rule is None:
            raise UnknownRuleError(key)
        return rule

    def selected(self, enable: Iterable[str] = (), disable: Iterable[str] = ()) -> Registry:
        """The rules on by default, plus `enable`, minus `disable` (codes or names).

        A rule both enabled and disabled is off.
        """
        on = {rule.code for rule in self if rule.enabled_by_default}
        on |= {self.resolve(key).code for key in enable}
        on -= {self.resolve(key).code for key in disable}
        return Registry(rule for rule in self if rule.code in on)

    def with_severities(self, levels: Mapping[str, Severity]) -> Registry:
        """The same rules, their findings at the severity `levels` gives (by code or name)."""
        if not levels:
            return self
        wanted = {self.resolve(key).code: level for key, level in levels.items()}
        return Registry(self, {**self.levels, **wanted})

    def checks_for(self, node_type: type, kinds: frozenset[int] | None = None) -> tuple[Check, ...]:
        """The checks to run on a statement of this node class, in registry order.

        `kinds`, for an ALTER TABLE, are the kinds of its subcommands: rules whose
        `alter_kinds` name none of them are left out.
        """
        key = (node_type, kinds)
        found = self._checks.get(key)
        if found is None:
            found = tuple(
                rule.check
                for rule in self
                if rule.checks_statements
                and (not rule.node_types or issubclass(node_type, rule.node_types))
                and (kinds is None or not rule.alter_kinds or not rule.alter_kinds.isdisjoint(kinds))
            )
            self._checks[key] = found
        return found
