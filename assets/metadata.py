"""Metadata every asset reports: the columns of the tables it publishes."""
import dagster as dg
import duckdb


def column_schema(con: duckdb.DuckDBPyConnection, table: str) -> dg.TableSchema:
    columns = con.execute(f"DESCRIBE {table}").fetchall()
    return dg.TableSchema(columns=[dg.TableColumn(name, str(kind)) for name, kind, *_ in columns])
