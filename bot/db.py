"""Engine, sessions and migrations.

The caller owns the transaction (`session_scope`): services flush, they never commit. SQLite runs in WAL
mode with a busy timeout so the web threads, the scheduler and the CLI can share one file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import CursorResult, Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

import migrations

MIGRATIONS_DIR = Path(migrations.__file__).parent


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: views render results after the transaction closed.
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error, always close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_to_head(url: str) -> None:
    """Bring the database schema up to the newest migration."""
    command.upgrade(alembic_config(url), "head")


def rowcount(result: Any) -> int:
    """Rows an UPDATE/DELETE touched (Session.execute is typed as a plain Result)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def dialect_insert(session: Session, table: Any) -> Any:
    """The backend's INSERT construct, which knows ON CONFLICT (SQLite and PostgreSQL both do)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def insert_ignore(session: Session, table: Any, values: dict[str, Any], *, conflict: list[str]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on either backend; True when the row was new."""
    stmt = dialect_insert(session, table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    # RETURNING, not rowcount: an ORM-enabled insert on psycopg 3 reports rowcount 1 even when nothing was inserted.
    return session.execute(stmt.returning(*inspect(table).primary_key)).first() is not None


def _not_context_chatter(record: logging.LogRecord) -> bool:
    """Alembic says which dialect it uses each time a migration context is made; /healthz makes one per
    probe and start-up one per check, so those two lines would fill the log and break one-line errors."""
    return not str(record.msg).startswith(("Context impl", "Will assume"))


logging.getLogger("alembic.runtime.migration").addFilter(_not_context_chatter)


def schema_behind(conn: Any, url: str) -> str | None:
    """Why the database's schema is not at Alembic head (None when it is): the app must not run on it."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    current = set(MigrationContext.configure(conn).get_current_heads())
    if current == heads:
        return None
    return f"the database schema is at {', '.join(sorted(current)) or 'nothing'}, not {', '.join(sorted(heads))}"
