"""Session-wide real services: one embedded Postgres and one Temporal dev server per test session.

Isolation: each test that asks for `db_url` gets its own database, cloned from a migrated template;
each test that runs workflows uses its own task queue (`task_queue` fixture).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from infra.db import embedded
from infra.db.engine import make_engine
from infra.db.migrate import upgrade
from infra.temporal.dev_server import temporal_binary
from infra.temporal.search_attributes import ALL as SEARCH_ATTRIBUTES
from tests.helpers.postgres import TEMPLATE, admin_execute


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first (a stable sort: each file keeps its order). xdist hands tests out in this order, so the
    long real-time calls overlap from the start and the quick ones fill the gaps at the end, instead of a tail of
    slow tests on one worker while the others sit idle."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[embedded.EmbeddedPostgres]:
    server = embedded.start(Path(tmp_path_factory.mktemp("pg")))
    asyncio.run(admin_execute(server, f'CREATE DATABASE "{TEMPLATE}"'))
    upgrade(server.database_url(TEMPLATE))
    yield server
    server.stop()


@pytest.fixture
async def db_url(pg_server: embedded.EmbeddedPostgres) -> AsyncIterator[str]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    await admin_execute(pg_server, f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    yield pg_server.database_url(name)
    await admin_execute(pg_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(db_url, pool_size=5)
    yield eng
    await eng.dispose()


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    binary = temporal_binary()
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary,
        data_converter=pydantic_data_converter,
        search_attributes=list(SEARCH_ATTRIBUTES),
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


@pytest.fixture
def temporal_client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4().hex[:12]}"


# --- API fixtures: the real app over ASGI, with one key per role --------------------------------

import secrets  # noqa: E402

import httpx  # noqa: E402
from pydantic import SecretStr  # noqa: E402

from api.app import create_app  # noqa: E402
from api.state import TemporalProvider  # noqa: E402
from domain.auth import Role  # noqa: E402
from infra.db.principals import create_principal  # noqa: E402
from infra.settings import Settings  # noqa: E402
from workers.bundle import BundleFactory, WorkerDeps, build_workers  # noqa: E402


class Keys(dict[str, str]):
    """role name -> API key; `headers(role)` gives the Authorization header."""

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self[role]}"}


@pytest.fixture
def settings(db_url: str, task_queue: str, tmp_path: Path) -> Settings:
    """This test's settings: its own database, task-queue suffix and data directory (recordings go there)."""
    return Settings(database_url=db_url, task_queue_suffix=f"-{task_queue}", data_dir=tmp_path / "data",
                    governance_approval_secret=SecretStr(secrets.token_hex(32)),
                    voice_stream_secret=SecretStr("tests-stream-secret"))


@pytest.fixture
async def worker(
    settings: Settings, engine: AsyncEngine, temporal_client: Client
) -> AsyncIterator[Callable[..., AbstractAsyncContextManager[None]]]:
    """`async with worker(spine_bundle, governance_bundle):` runs those bundle factories on this test's queues."""

    @asynccontextmanager
    async def run(*factories: BundleFactory) -> AsyncIterator[None]:
        deps = WorkerDeps(settings=settings, engine=engine, client=temporal_client)
        workers = build_workers(deps, factories, queue_suffix=settings.task_queue_suffix)
        async with AsyncExitStack() as stack:
            for w in workers:
                await stack.enter_async_context(w)
            yield

    yield run


@pytest.fixture
async def keys(engine: AsyncEngine) -> Keys:
    out = Keys()
    async with engine.begin() as conn:
        for role in (Role.FOUNDER, Role.ADMIN, Role.OPERATOR, Role.SERVICE):
            _, key = await create_principal(conn, name=f"test {role.value}", role=role)
            out[role.value] = key
    return out


@pytest.fixture
async def api(
    settings: Settings, engine: AsyncEngine, temporal_env: WorkflowEnvironment
) -> AsyncIterator[httpx.AsyncClient]:
    """The API over ASGI against this test's database and the session's Temporal server."""
    provider = TemporalProvider("unused", "default", client=temporal_env.client)
    app = create_app(settings, engine=engine, temporal=provider)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
