"""A throwaway PostgreSQL cluster for team mode's tests (FORMAT section 10).

`initdb` + `pg_ctl` from the installed server binaries, in a temporary folder, on a free
loopback port; as root they run as the `postgres` system user (initdb refuses root). The
cluster has a superuser `labeltui` with a password (so the wrong-password test is real: the
cluster uses `scram-sha-256` on TCP) and is stopped at the end of the session.

Where no server can be started: on CI (CI=true) the team tests fail with the reason, on a
developer machine they skip with it (`Unavailable.reason`).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "s3cret-Pw-7781"
USER = "labeltui"


class Unavailable(RuntimeError):
    """No PostgreSQL server could be started here; the message says why."""


def find_bindir() -> Path:
    """The folder of `initdb`/`pg_ctl`: `pg_config --bindir`, /usr/lib/postgresql/*/bin, PATH."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
        except (OSError, subprocess.SubprocessError):
            pass
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: _version_key(p), reverse=True
    )
    candidates += [Path(p) for p in versions]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(os.path.realpath(initdb)).parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise Unavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl) found: install the Debian package "
        "'postgresql' (apt-get install -y postgresql)"
    )


def _version_key(path: str) -> tuple[int, ...]:
    part = Path(path).parent.name
    return tuple(int(x) for x in part.split(".") if x.isdigit()) or (0,)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster: `url(db)` is a libpq URL with the password."""

    bindir: Path
    folder: Path
    port: int
    as_postgres: bool

    @property
    def datadir(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres", password: str = PASSWORD, user: str = USER) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd="/")

    def start(self) -> None:
        # fsync=off is safe here: `pg_ctl -m immediate` kills the server, not the kernel, so
        # the page cache keeps every committed write (synchronous_commit stays on for that).
        opts = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.folder} -c fsync=off -c max_connections=60 "
            "-c full_page_writes=off"
        )
        done = self._run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.folder / "log"), "-o", opts,
            "-w", "-t", "60", "start",
        )  # fmt: skip
        if done.returncode != 0:
            log = ""
            if (self.folder / "log").exists():
                log = (self.folder / "log").read_text(errors="replace")[-800:]
            raise Unavailable(f"pg_ctl start failed: {done.stderr.strip()} {log}".strip())

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "stop")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """Create and start a cluster; raise `Unavailable` with the reason when it cannot be."""
    bindir = find_bindir()
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="labeltui-pg-"))
    os.chmod(folder, 0o777)  # the postgres user writes its data and socket here
    if as_postgres:
        if shutil.which("runuser") is None:
            raise Unavailable("running as root and 'runuser' is missing (initdb refuses root)")
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable(
                "running as root and there is no 'postgres' system user to run initdb"
            ) from None
        _open_parents(folder)
    pwfile = folder / "pw"
    pwfile.write_text(PASSWORD + "\n")
    os.chmod(pwfile, 0o644)
    cluster = Cluster(bindir, folder, free_port(), as_postgres)
    done = cluster._run(
        "initdb", "-D", str(cluster.datadir), "-U", USER, f"--pwfile={pwfile}",
        "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync",
        "--locale=C", timeout=120,
    )  # fmt: skip
    pwfile.unlink()
    if done.returncode != 0:
        cluster.remove()
        raise Unavailable(f"initdb failed: {(done.stderr or done.stdout).strip()[-600:]}")
    for attempt in range(3):
        try:
            cluster.start()
            break
        except Unavailable:
            if attempt == 2:
                cluster.remove()
                raise
            cluster.port = free_port()
    _wait_ready(cluster)
    return cluster


def _open_parents(folder: Path) -> None:
    """The postgres user must reach the temp folder: each parent needs search permission."""
    for parent in folder.parents:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            raise Unavailable(f"{parent} is not reachable by the postgres user (mode {mode:o})")


def _wait_ready(cluster: Cluster, timeout: float = 30) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(cluster.url(), connect_timeout=3):
                return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise Unavailable(f"the server did not accept connections: {exc}") from None
            time.sleep(0.2)
