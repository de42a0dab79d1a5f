"""The one error planning raises."""

from __future__ import annotations

from collections.abc import Mapping

from agent.schema.diagnostics import Diagnostic, KeyPath
from agent.schema.yaml_source import SourceDocument

__all__ = ["PlanError"]


class PlanError(ValueError):
    """The change cannot be planned safely (or was not allowed); the message says which and why.
    `file` and `key_path` name the YAML that asks for it, where one key does."""

    def __init__(self, message: str, *, file: str = "", key_path: KeyPath = ()) -> None:
        super().__init__(message)
        self.file = file
        self.key_path = key_path
        self.diagnostic: Diagnostic | None = None
        """Where, once `located`: the CLI shows its file inside the schema folder."""

    def located(self, documents: Mapping[str, SourceDocument]) -> PlanError:
        """The same error, led by `file:line:column key.path` when the file is one of `documents`."""
        document = documents.get(self.file)
        if document is None:
            return self
        diagnostic = document.diagnostic(self.key_path, str(self))
        located = PlanError(str(diagnostic), file=self.file, key_path=self.key_path)
        located.diagnostic = diagnostic
        return located
