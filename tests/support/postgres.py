"""A throwaway, real PostgreSQL server for the tests, run from Debian's binaries.

Usage::

    with PostgresServer() as pg:
        url = pg.create_database("app_template")   # migrate it once ...
        pg.create_database("test_1", template="app_template")
        engine = create_engine(pg.url("test_1"))

The server lives in a temporary directory (data, unix socket, log), listens on a free TCP port on
127.0.0.1 with trust authentication for the `postgres` superuser, runs with fsync off, and is
stopped and deleted by `stop()` (or when the `with` block or the interpreter ends). PostgreSQL
refuses to run as root, so when the tests run as root (CI) initdb and pg_ctl run as the
unprivileged `postgres` system user that the Debian package creates.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import psycopg
from psycopg import sql

__all__ = ["PostgresNotInstalledError", "PostgresServer", "PostgresServerError", "find_bindir"]

INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them with "
    "`apt-get install -y --no-install-recommends postgresql` (Debian/Ubuntu) or set "
    "PG_BINDIR to the directory holding initdb and pg_ctl."
)
SUPERUSER = "postgres"
RUN_AS_USER = "postgres"  # system user created by Debian's postgresql package


class PostgresServerError(RuntimeError):
    """The test PostgreSQL server could not be set up, started or stopped."""


class PostgresNotInstalledError(PostgresServerError):
    """PostgreSQL's server binaries are not installed on this machine."""


def _has_server_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres"))


def _version_key(bindir: Path) -> tuple[int, ...]:
    # /usr/lib/postgresql/<version>/bin -> numeric version, so 15 sorts after 9.6
    return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name)) or (0,)


def find_bindir() -> Path:
    """Return the directory of the newest installed PostgreSQL server binaries.

    Looks at $PG_BINDIR, then Debian's /usr/lib/postgresql/*/bin (newest version first), then
    `pg_config --bindir`, then initdb on $PATH. Raises PostgresNotInstalledError otherwise.
    """
    override = os.environ.get("PG_BINDIR")
    if override:
        if _has_server_binaries(Path(override)):
            return Path(override)
        raise PostgresNotInstalledError(
            f"PG_BINDIR={override} holds no initdb/pg_ctl. {INSTALL_HINT}"
        )

    candidates = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    for bindir in sorted(candidates, key=_version_key, reverse=True):
        if _has_server_binaries(bindir):
            return bindir

    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        bindir = Path(result.stdout.strip())
        if result.returncode == 0 and _has_server_binaries(bindir):
            return bindir

    initdb = shutil.which("initdb")
    if initdb and _has_server_binaries(Path(initdb).parent):
        return Path(initdb).parent

    raise PostgresNotInstalledError(INSTALL_HINT)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _world_traversable(path: Path) -> bool:
    """True when every ancestor of `path` lets other users through (o+x)."""
    for directory in [path, *path.parents]:
        if not os.stat(directory).st_mode & stat.S_IXOTH:
            return False
    return True


class PostgresServer:
    """A real PostgreSQL server in a temporary directory; see the module docstring."""

    host = "127.0.0.1"
    user = SUPERUSER

    def __init__(self, bindir: str | Path | None = None, *, start_timeout: float = 60.0) -> None:
        self.bindir = Path(bindir) if bindir is not None else find_bindir()
        if not _has_server_binaries(self.bindir):
            raise PostgresNotInstalledError(f"{self.bindir} holds no initdb/pg_ctl. {INSTALL_HINT}")
        self.start_timeout = start_timeout
        self.port: int | None = None
        self.base_dir: Path | None = None
        self._owner_pid = os.getpid()
        self._as_postgres_user = os.geteuid() == 0

    # -- paths ---------------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self._base() / "data"

    @property
    def socket_dir(self) -> Path:
        return self._base()

    @property
    def log_path(self) -> Path:
        return self._base() / "postgres.log"

    @property
    def running(self) -> bool:
        return self.port is not None

    def _base(self) -> Path:
        if self.base_dir is None:
            raise PostgresServerError("the PostgreSQL server has not been started")
        return self.base_dir

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> PostgresServer:
        """initdb a fresh cluster and start it; returns self. Idempotent while running."""
        if self.running:
            return self
        self.base_dir = self._make_base_dir()
        self._owner_pid = os.getpid()
        atexit.register(self._stop_at_exit)
        try:
            self._initdb()
            self._start_on_free_port()
        except BaseException:
            try:
                self.stop()
            except PostgresServerError:
                pass  # the original error says more
            raise
        return self

    def stop(self) -> None:
        """Stop the server and delete its directory. Safe to call more than once."""
        atexit.unregister(self._stop_at_exit)
        if self.base_dir is None:
            return
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._run(
                    [
                        self.bindir / "pg_ctl",
                        "-D",
                        self.data_dir,
                        "-m",
                        "fast",
                        "-w",
                        "-t",
                        "60",
                        "stop",
                    ],
                    what="pg_ctl stop",
                )
        finally:
            self._cleanup()

    def pause(self) -> None:
        """Stop the server but keep its data and port, as an outage would; resume() ends it."""
        self._run(
            [self.bindir / "pg_ctl", "-D", self.data_dir, "-m", "fast", "-w", "stop"],
            what="pg_ctl stop",
        )

    def _start(self) -> None:
        self._run(
            [
                self.bindir / "pg_ctl",
                "-D",
                self.data_dir,
                "-l",
                self.log_path,
                "-w",
                "-t",
                str(int(self.start_timeout)),
                "start",
            ],
            what="pg_ctl start",
        )

    def resume(self) -> None:
        """Start a paused server again, on the same port with the same data."""
        self._start()
        self._wait_until_ready()

    def _stop_at_exit(self) -> None:
        # A forked child (e.g. a replica under test) must not stop its parent's server.
        if os.getpid() == self._owner_pid:
            self.stop()

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"port={self.port}" if self.running else "stopped"
        return f"<PostgresServer {self.bindir} {state}>"

    # -- addresses and databases ---------------------------------------------------------------

    def url(self, dbname: str = "postgres", driver: str | None = "psycopg") -> str:
        """SQLAlchemy URL of `dbname`, e.g. postgresql+psycopg://postgres@127.0.0.1:PORT/dbname."""
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return f"{scheme}://{self.user}@{self.host}:{self._port()}/{dbname}"

    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq connection string of `dbname`, for psycopg.connect()."""
        return f"host={self.host} port={self._port()} user={self.user} dbname={dbname}"

    def connect(self, dbname: str = "postgres", **kwargs: Any) -> psycopg.Connection[Any]:
        """A new psycopg connection to `dbname` (the caller closes it)."""
        return psycopg.connect(self.conninfo(dbname), **kwargs)

    def create_database(self, name: str, template: str | None = None) -> str:
        """CREATE DATABASE `name` (copied from `template` if given); returns its SQLAlchemy URL.

        PostgreSQL refuses to copy a template that has open connections (it waits up to 5 s for
        them to go): dispose of engines bound to the template first.
        """
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.connect(autocommit=True) as conn:
            conn.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE `name` if it exists, closing any connections still open to it."""
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        with self.connect(autocommit=True) as conn:
            conn.execute(statement)

    def _port(self) -> int:
        if self.port is None:
            raise PostgresServerError("the PostgreSQL server is not running; call start() first")
        return self.port

    # -- internals -----------------------------------------------------------------------------

    def _make_base_dir(self) -> Path:
        parent = Path(tempfile.gettempdir())
        if self._as_postgres_user and not _world_traversable(parent):
            parent = Path("/tmp")  # e.g. TMPDIR under /root: the postgres user could not enter it
        base = Path(tempfile.mkdtemp(prefix="supportbot-pg-", dir=parent))
        if self._as_postgres_user:
            try:
                account = pwd.getpwnam(RUN_AS_USER)
            except KeyError:
                shutil.rmtree(base, ignore_errors=True)
                raise PostgresNotInstalledError(
                    f"running as root, but there is no '{RUN_AS_USER}' system user to run "
                    f"PostgreSQL as (PostgreSQL refuses to run as root). {INSTALL_HINT}"
                ) from None
            os.chown(base, account.pw_uid, account.pw_gid)
        return base

    def _initdb(self) -> None:
        self._run(
            [
                self.bindir / "initdb",
                "-D",
                self.data_dir,
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            what="initdb",
        )
        # Settings go in the config file rather than on the command line: no shell quoting.
        with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                "\n# supportbot test server\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
                "max_connections = 200\n"
            )

    def _start_on_free_port(self) -> None:
        conf = self.data_dir / "postgresql.conf"
        last_error: PostgresServerError | None = None
        for _attempt in range(3):  # another process may grab the port between probe and bind
            port = _free_port()
            with open(conf, "a", encoding="utf-8") as f:
                f.write(f"port = {port}\n")  # the last setting in the file wins
            try:
                self._start()
            except PostgresServerError as error:
                last_error = error
                continue
            self.port = port
            self._wait_until_ready()
            return
        assert last_error is not None
        raise last_error

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                with self.connect(connect_timeout=5) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError as error:
                if time.monotonic() > deadline:
                    raise PostgresServerError(
                        f"PostgreSQL did not accept connections on port {self.port}: {error}\n"
                        f"{self._log_tail()}"
                    ) from error
                time.sleep(0.1)

    def _run(self, argv: list[str | Path], *, what: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", HOME=str(self._base()))
        kwargs: dict[str, Any] = {}
        if self._as_postgres_user:
            kwargs.update(user=RUN_AS_USER, group=RUN_AS_USER, extra_groups=[])
        result = subprocess.run(
            [str(arg) for arg in argv],
            cwd=self._base(),
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=self.start_timeout + 30,
            **kwargs,
        )
        if result.returncode != 0:
            raise PostgresServerError(
                f"{what} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
                f"{self._log_tail()}"
            )

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except (OSError, PostgresServerError):
            return ""
        return "\n--- server log (tail) ---\n" + "\n".join(text.splitlines()[-lines:])

    def _cleanup(self) -> None:
        if self.base_dir is not None:
            shutil.rmtree(self.base_dir, ignore_errors=True)
        self.base_dir = None
        self.port = None
