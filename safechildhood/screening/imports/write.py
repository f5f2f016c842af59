"""Inserting many prepared rows of one table: COPY on PostgreSQL, one prepared INSERT run for
every row (executemany) on SQLite. Values are the columns' database values (JSON as text,
datetimes as the backend takes them); the ids are taken first, so that the caller can refer to
the new rows without reading them back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def insert_rows(model: type[Model], columns: Sequence[str], rows: list[Sequence[Any]]
                ) -> list[int]:
    """Insert ``rows`` (values for ``columns``, without the id) into ``model``'s table; the
    new ids, in the order of the rows. Call inside a transaction."""
    if not rows:
        return []
    table = model._meta.db_table
    ids = _new_ids(table, len(rows))
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in ("id", *columns))
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row))
        else:
            marks = ", ".join(["%s"] * (len(columns) + 1))
            sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
    return ids


def _new_ids(table: str, count: int) -> list[int]:
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                           "FROM generate_series(1, %s)", [table, count])
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite: the transaction holds the database's write lock (BEGIN IMMEDIATE), so the ids
        # after the highest ever given (AUTOINCREMENT's sqlite_sequence) are free (were they
        # not, the primary key would refuse the rows and the import would be rejected).
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {quoted}), 0))", [table])
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def ids_condition(column: str, ids: Sequence[int]) -> tuple[str, list[Any]]:
    """``column`` is one of ``ids``, as one parameter whatever their number (an array on
    PostgreSQL, a JSON list on SQLite), instead of a thousand placeholders to build and bind."""
    quoted = connection.ops.quote_name(column)
    if connection.vendor == "postgresql":
        return f"{quoted} = ANY(%s)", [list(ids)]
    return f"{quoted} IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]  # noqa: S608
