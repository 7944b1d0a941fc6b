"""A real third-party client against `switchyard serve`: the ADBC Flight SQL driver.

Run by cli/tests/adbc.rs, which starts the server over its fixture (cities and countries)
and sets:

- SWITCHYARD_URI: grpc://127.0.0.1:PORT
- SWITCHYARD_TOKEN: the token of principal `analyst` (cities: name, country_id; countries: all)
- SWITCHYARD_PLAN: a binary Substrait plan of PLAN_SQL, compiled by `switchyard plan`

Tests run in file order; the last one proves the server still serves after the refusals.
"""

import os

import adbc_driver_flightsql.dbapi as flightsql
import pytest
from adbc_driver_manager import AdbcStatusCode

URI = os.environ["SWITCHYARD_URI"]
TOKEN = os.environ["SWITCHYARD_TOKEN"]
PLAN = os.environ["SWITCHYARD_PLAN"]
PLAN_SQL = "select name from cities where country_id = 2 order by name"


def connect(token=TOKEN):
    return flightsql.connect(
        URI, db_kwargs={"adbc.flight.sql.authorization_header": f"Bearer {token}"}
    )


def refusal(query, token=TOKEN):
    """The error `query` fails with."""
    with connect(token) as conn, conn.cursor() as cur:
        with pytest.raises(flightsql.Error) as raised:
            cur.execute(query)
            cur.fetchall()
    return raised.value


def test_sql_query_returns_its_rows():
    with connect() as conn, conn.cursor() as cur:
        cur.execute("select name, country_id from cities where country_id = 1 order by name")
        assert cur.fetchall() == [("Lyon", 1), ("Paris", 1)]


def test_substrait_plan_bytes_return_their_rows():
    with open(PLAN, "rb") as file:
        plan = file.read()
    with connect() as conn, conn.cursor() as cur:
        cur.execute(plan)
        table = cur.fetch_arrow_table()
    assert table.column_names == ["name"]
    assert table.column("name").to_pylist() == ["Braga", "Porto"]


def test_a_bad_token_is_unauthenticated():
    error = refusal("select name from cities", token="not-a-token")
    assert error.status_code == AdbcStatusCode.UNAUTHENTICATED, error
    assert "Unauthenticated" in str(error), error


def test_a_forbidden_column_is_permission_denied_and_named():
    error = refusal("select name from cities where population > 500000")
    assert error.status_code == AdbcStatusCode.UNAUTHORIZED, error
    assert "PermissionDenied" in str(error), error
    assert "column cities.population is not granted to principal analyst" in str(error), error


def test_a_malformed_plan_is_invalid_argument_with_a_readable_message():
    error = refusal(b"this is not a substrait plan")
    assert error.status_code == AdbcStatusCode.INVALID_ARGUMENT, error
    assert "not a Substrait protobuf plan" in str(error), error


def test_the_server_still_serves():
    with connect() as conn, conn.cursor() as cur:
        cur.execute("select count(*) as n from countries")
        assert cur.fetchall() == [(2,)]
