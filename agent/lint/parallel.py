"""Lint many files on several CPUs, with the same report as `lint_sequence` on one.

The files are cut into consecutive chunks, one per worker: this process takes the first,
forked children the others. Each worker parses its chunk, then waits for the `Catalog`
the chunks before it leave behind (the only thing a file takes from earlier files), folds
its own files in, hands it to the next worker, and lints its chunk from there. Children
send their `FileReport`s back pickled, with the text of each file but not its syntax tree
(`source.statements` is empty there; `FileReport.statements` keeps the count), or, for
`lint_and_render` in a format that can be put together from parts, their rendered part
and counts only. `lint_and_render` is given paths, and each worker reads its own files.
A file that cannot be read is reported for the first file in order that has one, as reading
all files first would; a file that does not parse is a finding (MA000) like any other.

Forking is only done from a process with a single thread and on a platform that has
`os.fork`; otherwise, or for few files, everything runs here, in order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import itertools
import os
import pickle
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, BinaryIO

try:
    import fcntl
except ImportError:  # not on Windows, which has no os.fork either
    fcntl = None  # type: ignore[assignment]

from agent.lint.catalog import Catalog
from agent.lint.context import is_down
from agent.lint.engine import FileReport, Report, Summary, lint_sequence
from agent.lint.model import Finding
from agent.lint.registry import Registry
from agent.lint.source import Marker, SourceFile
from agent.lint.tools import DEFAULT, Tool, tool_sources

if TYPE_CHECKING:
    from agent.lint.render import Part

__all__ = [
    "MIN_FILES_PER_WORKER", "UnreadableFileError", "lint_and_render", "lint_texts", "read_files",
    "without_cyclic_gc", "worker_count",
]


class UnreadableFileError(ValueError):
    """A file that cannot be read as UTF-8 text."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: cannot read: {reason}")
        self.path, self.reason = path, reason


def read_files(paths: Sequence[str]) -> list[tuple[str, str]]:
    """(path, text) of each file, read as UTF-8 text; `UnreadableFileError` for the first
    that cannot be read."""
    found = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as file:
                found.append((path, file.read()))
        except (OSError, UnicodeDecodeError) as error:
            raise UnreadableFileError(path, str(error)) from None
    return found

# Below this many files per extra worker, forking costs more than it saves.
MIN_FILES_PER_WORKER = 100


def worker_count(files: int) -> int:
    """How many workers (this process included) are worth it for `files` files."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, files // MIN_FILES_PER_WORKER))


def _chunks(files: Sequence[tuple[str, str]], count: int) -> list[Sequence[tuple[str, str]]]:
    size, extra = divmod(len(files), count)
    bounds = [0]
    for index in range(count):
        bounds.append(bounds[-1] + size + (index < extra))
    return [files[start:end] for start, end in itertools.pairwise(bounds)]


def _folded(catalog: Catalog, sources: list[SourceFile]) -> Catalog:
    after = catalog.copy()
    for source in sources:
        if not is_down(source):
            after.fold(source)
    return after


_FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))
# A report as plain tuples, without the text (the parent has it) or the syntax tree:
# pickled many times faster than the objects.
_Flat = tuple[str, str | None, tuple[Marker, ...], tuple[int, ...], list[tuple[Any, ...]],
              list[tuple[tuple[Any, ...], str]], int]


def _flat(report: FileReport) -> _Flat:
    def fields(finding: Finding) -> tuple[Any, ...]:
        return tuple([getattr(finding, name) for name in _FINDING_FIELDS])

    source = report.source
    return (source.path, source.section, source.markers, source.line_starts,
            [fields(f) for f in report.findings],
            [(fields(f), reason) for f, reason in report.suppressed], report.statements)


def _restored(texts: dict[str, str], flat: _Flat) -> FileReport:
    path, section, markers, line_starts, findings, suppressed, statements = flat
    return FileReport(
        path, SourceFile(path, texts[path], (), markers, line_starts, section=section),
        tuple(Finding(*f) for f in findings),
        tuple((Finding(*f), reason) for f, reason in suppressed), statements,
    )


def _send(pipe: BinaryIO, value: object) -> None:
    pipe.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    pipe.flush()


# Room asked for in the pipes between workers: a run of thousands of files leaves a catalog
# of a few hundred kilobytes (reports are larger); Linux lets any process raise a pipe to 1 MiB.
_PIPE_BYTES = 1 << 20


def _pipe() -> tuple[int, int]:
    """A pipe, with as much room as the system grants up to `_PIPE_BYTES`."""
    read_end, write_end = os.pipe()
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(write_end, set_size, _PIPE_BYTES)
    return read_end, write_end


# What a worker makes of its chunk: the runs the migration tool makes of its files (read
# first when it was given paths)
_Load = Callable[[Sequence[Any]], list[SourceFile]]
_Parsed = list[SourceFile] | UnreadableFileError


def _parse(chunk: Sequence[Any], load: _Load) -> _Parsed:
    try:
        return load(chunk)
    except UnreadableFileError as error:
        return error


def _work(
    chunk: Sequence[Any], load: _Load, rules: Registry | None,
    before: BinaryIO | None, after: BinaryIO | None, start: Catalog | None = None,
) -> tuple[_Parsed, Report | None]:
    """One worker's share: read, parse, take the catalog, pass it on, lint.

    The catalog goes into a pipe made large enough to hold it (`_pipe`), so passing it on
    does not wait for the next worker to read it. (A thread that wrote it while this one
    linted sometimes did not get the interpreter back before the linting ended, and the
    next worker waited all that time.)"""
    parsed = _parse(chunk, load)
    # the first worker starts from `start` (what the run knows of its database), the others
    # from what the worker before them folded in
    catalog: Catalog | None = (pickle.load(before) if before is not None
                               else start.copy() if start is not None else Catalog())
    failed = not isinstance(parsed, list) or catalog is None
    if after is not None:
        onward = None if failed else _folded(catalog, parsed)  # type: ignore[arg-type]
        with contextlib.suppress(BrokenPipeError):  # the next worker stopped: its answer says why
            _send(after, onward)
    report = None if failed else lint_sequence(parsed, rules, catalog)  # type: ignore[arg-type]
    return parsed, report


def _rendered(report: Report, part: Part) -> tuple[tuple[int, ...], str]:
    """A worker's counts (`Summary` fields) and its files rendered."""
    return dataclasses.astuple(report.summary()), part(report.files)


def _child(
    chunk: Sequence[Any], load: _Load, rules: Registry | None,
    before: BinaryIO, after: BinaryIO | None, results: BinaryIO, part: Part | None,
) -> None:
    try:
        parsed, report = _work(chunk, load, rules, before, after)
        if isinstance(parsed, UnreadableFileError):
            _send(results, ("unreadable", (parsed.path, parsed.reason)))
        elif report is None:
            _send(results, ("skipped", None))
        elif part is not None:
            _send(results, ("ok", _rendered(report, part)))
        else:
            _send(results, ("ok", [_flat(f) for f in report.files]))
    except BaseException:  # everything goes back to the parent
        _send(results, ("crash", traceback.format_exc()))


def _fork_child(
    chunk: Sequence[Any], load: _Load, rules: Registry | None,
    before: int, after: int | None, results: int, every: list[int], part: Part | None,
) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:  # the child: its own pipe ends only, and never back into the caller's code
        for descriptor in set(every) - {before, after, results}:
            os.close(descriptor)
        onward = os.fdopen(after, "wb") if after is not None else None
        with os.fdopen(before, "rb") as source, os.fdopen(results, "wb") as sink:
            _child(chunk, load, rules, source, onward, sink, part)
        if onward is not None:
            onward.close()
    except BaseException:
        code = 1
    os._exit(code)


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector off: a run builds hundreds of thousands of tree nodes
    (no cycles among them), and each full collection walks them all again.

    On the way out, what the block allocated joins the oldest generation (`gc.freeze()`
    then `gc.unfreeze()`): left in the youngest, the first allocation after `gc.enable()`
    would start a collection that walks every tree of the run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def lint_texts(
    files: Sequence[tuple[str, str]], rules: Registry | None = None, workers: int | None = None,
    tool: Tool | None = None, tool_by: str = "", catalog: Catalog | None = None,
) -> Report:
    """`lint_sequence(tool_sources(tool, files), rules, catalog)`, on `workers` processes
    (default: as many as pay off); the report names `tool` (default: ours, unnamed) and
    `tool_by`. `catalog` (not changed) is what the run knows before its first file: its
    target database (`agent.lint.target`)."""
    count = worker_count(len(files)) if workers is None else max(1, min(workers, len(files)))
    name, by = (tool.name, tool_by) if tool is not None else ("", "")
    runs = tool or DEFAULT

    def load(chunk: Sequence[tuple[str, str]]) -> list[SourceFile]:
        return tool_sources(runs, chunk)

    with without_cyclic_gc():
        if count == 1:
            start = catalog.copy() if catalog is not None else None
            return dataclasses.replace(lint_sequence(load(files), rules, start), tool=name, tool_by=by)
        report, _, answers, chunks = _lint_in_workers(files, load, rules, count, None, catalog)
        restored = [_restored(dict(chunk), flat)
                    for value, chunk in zip(answers, chunks, strict=True) for flat in value]
        return Report((*report.files, *restored), name, by)


def lint_and_render(
    paths: Sequence[str], output_format: str, rules: Registry | None = None,
    workers: int | None = None, tool: Tool | None = None, tool_by: str = "",
    catalog: Catalog | None = None,
) -> tuple[Summary, list[str]]:
    """The summary of `lint_texts(read_files(paths), rules, workers, tool, tool_by)` and its
    rendering in `output_format`, in pieces to write one after the other. Each worker reads
    its own files, and renders them when the format can be put together from parts
    (`agent.lint.render.IN_PARTS`) instead of sending their findings back."""
    from agent.lint.render import IN_PARTS, render

    count = worker_count(len(paths)) if workers is None else max(1, min(workers, len(paths)))
    if count == 1 or output_format not in IN_PARTS:
        report = lint_texts(read_files(paths), rules, workers, tool, tool_by, catalog)
        with without_cyclic_gc():
            return report.summary(), [render(report, output_format)]
    part, assemble = IN_PARTS[output_format]
    runs = tool or DEFAULT

    def load(chunk: Sequence[str]) -> list[SourceFile]:
        return tool_sources(runs, read_files(chunk))

    with without_cyclic_gc():
        _, own, answers, _ = _lint_in_workers(paths, load, rules, count, part, catalog)
        assert own is not None
        parts = [own, *answers]
        summary = sum((Summary(*counts) for counts, _ in parts), Summary())
        if tool is not None:
            summary = dataclasses.replace(summary, tool=tool.name, tool_by=tool_by)
        return summary, assemble(summary, [text for _, text in parts])


def _lint_in_workers(
    files: Sequence[Any], load: _Load, rules: Registry | None, count: int, part: Part | None,
    start: Catalog | None = None,
) -> tuple[Report, tuple[tuple[int, ...], str] | None, list[Any], list[Sequence[Any]]]:
    """This worker's report, with `part` its counts and rendered files (made while the
    others finish), the other workers' answers (their flat reports, or with `part` their
    counts and rendered files) and their chunks, in order."""
    chunks = _chunks(files, count)
    # pipes[k] carries the catalog from worker k to worker k + 1; results[k] worker k's reports
    pipes = [_pipe() for _ in range(count - 1)]
    results = [_pipe() for _ in range(count - 1)]
    every = [d for pair in (*pipes, *results) for d in pair]
    children = []
    for k in range(1, count):
        after = pipes[k][1] if k < count - 1 else None
        children.append(
            _fork_child(
                chunks[k], load, rules, pipes[k - 1][0], after, results[k - 1][1], every, part
            )
        )
    for descriptor in every:
        if descriptor not in (pipes[0][1], *(read_end for read_end, _ in results)):
            os.close(descriptor)
    pending = [read_end for read_end, _ in results]
    try:
        with os.fdopen(pipes[0][1], "wb") as onward:
            parsed, report = _work(chunks[0], load, rules, None, onward, start)
        own = _rendered(report, part) if part is not None and report is not None else None
        answers = []
        while pending:
            answers.append(_receive(pending.pop(0)))
    finally:
        for descriptor in pending:  # unread after a failure here: let the children finish
            os.close(descriptor)
        for pid in children:
            os.waitpid(pid, 0)
    return _checked(parsed, report, answers), own, [value for _, value in answers], chunks[1:]


def _receive(descriptor: int) -> tuple[str, Any]:
    with os.fdopen(descriptor, "rb") as pipe:
        data = pipe.read()
    if not data:
        return "crash", "a lint worker exited without a report"
    answer: tuple[str, Any] = pickle.loads(data)
    return answer


def _checked(parsed: _Parsed, report: Report | None, answers: list[tuple[str, Any]]) -> Report:
    """This worker's report, once no worker failed: an unreadable file is raised first,
    then a crash, each time the first in order."""
    if isinstance(parsed, UnreadableFileError):
        raise parsed
    for kind, value in answers:
        if kind == "unreadable":
            raise UnreadableFileError(*value)
    assert report is not None
    for kind, value in answers:
        if kind == "crash":
            raise RuntimeError(f"lint worker failed:\n{value}")
    return report
