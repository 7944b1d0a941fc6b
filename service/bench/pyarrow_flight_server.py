#!/usr/bin/env python3
"""A minimal pyarrow Flight server: the reference `switchyard bench service` measures DoGet against.

It reads the Parquet files given into one in-memory table at start-up, then serves the whole
table for any ticket with pyarrow's RecordBatchStream. Once it accepts connections it prints
`listening on 127.0.0.1:PORT` on standard output (as `switchyard serve` does), so `--port 0`
picks a free port that the caller reads.

    python service/bench/pyarrow_flight_server.py --port 0 data/tpch-sf1/lineitem.parquet
"""

import argparse
import sys
import time

import pyarrow as pa
import pyarrow.flight as flight
import pyarrow.parquet as pq


class TableServer(flight.FlightServerBase):
    """Serves one table, whatever the ticket says."""

    def __init__(self, location, table):
        super().__init__(location)
        self._table = table

    def do_get(self, context, ticket):
        return flight.RecordBatchStream(self._table)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("paths", nargs="+", help="Parquet files or folders of them")
    args = parser.parse_args()

    started = time.monotonic()
    table = pa.concat_tables([pq.read_table(path) for path in args.paths])
    print(
        f"pyarrow reference: {table.num_rows} rows, {table.nbytes / 1e6:.0f} MB in memory, "
        f"read in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
        flush=True,
    )
    server = TableServer(f"grpc://127.0.0.1:{args.port}", table)
    print(f"listening on 127.0.0.1:{server.port}", flush=True)
    server.serve()


if __name__ == "__main__":
    main()
