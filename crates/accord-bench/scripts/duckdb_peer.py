#!/usr/bin/env python3
"""accord-bench's DuckDB peer (see crates/accord-bench/src/peers.rs and docs/performance.md).

    python3 duckdb_peer.py DIR D K RUNS [DB_FILE]
    python3 duckdb_peer.py --version

Loads DIR/{items,edges,claims}.csv with read_csv into a DuckDB database (DB_FILE, removed
afterwards, or in memory when omitted), then runs Q1 ("latest claim per item as of D, K") and
Q2 ("items at risk", a recursive CTE that recomputes Q1's pick) RUNS times each. Each run's rows
are fetched whole (timed), then hashed (not timed) exactly like accord_bench::peers::hash_pairs
and hash_set: SHA-256 of one "item,claim\\n" / "item\\n" line per row, sorted ascending.

Prints one JSON object on stdout. Exits 2, with the reason on stderr, when the duckdb module
is missing (pip install duckdb); 1 on any other error.
"""

import hashlib
import json
import os
import sys
import time

# The same SQL text as peers.rs (latest_sql / risk_sql); D and K are inlined integers.
RANKED = (
    "SELECT c.item, c.ix, c.negative, "
    "row_number() OVER (PARTITION BY c.item "
    "ORDER BY c.start DESC, c.known DESC, c.rank DESC, c.conf DESC, c.ix ASC) AS rn "
    "FROM claims AS c "
    "WHERE c.has_status = 1 AND c.start <= {d} AND c.known <= {k} "
    "AND NOT EXISTS (SELECT 1 FROM claims AS r WHERE r.corrects = c.ix AND r.known <= {k})"
)
LATEST = "SELECT item, ix FROM (" + RANKED + ") AS ranked WHERE rn = 1"
RISK = (
    "WITH RECURSIVE "
    "ranked AS (" + RANKED + "), "
    "blocked AS (SELECT item FROM ranked WHERE rn = 1 AND negative = 1), "
    "at_risk(item) AS ( "
    "SELECT e.src FROM edges AS e JOIN blocked AS b ON e.dst = b.item "
    "UNION "
    "SELECT e.src FROM edges AS e JOIN at_risk AS a ON e.dst = a.item "
    ") "
    "SELECT item FROM at_risk"
)


def fail(code, msg):
    print(f"duckdb_peer.py: {msg}", file=sys.stderr)
    sys.exit(code)


def import_duckdb():
    try:
        import duckdb  # noqa: PLC0415
    except ImportError as e:
        fail(2, f"the duckdb Python module is missing ({e}); run `pip install duckdb`")
    return duckdb


def sha_lines(lines):
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode())
    return h.hexdigest()


def hash_pairs(rows):
    return sha_lines(f"{a},{b}\n" for a, b in sorted(rows))


def hash_set(rows):
    return sha_lines(f"{a}\n" for (a,) in sorted(rows))


def load(con, d):
    def path(name):
        p = os.path.join(d, name)
        if not os.path.isfile(p):
            fail(1, f"{p}: no such file")
        return p.replace("'", "''")

    # Explicit column types: no sniffing, the same types as the other peers. No indexes:
    # DuckDB's joins and window functions do not use them (ART indexes serve point lookups and
    # constraints), so a competent DuckDB user would not build any.
    con.execute(
        f"CREATE TABLE items AS SELECT * FROM read_csv('{path('items.csv')}', header = true, "
        "columns = {'ix': 'INTEGER', 'id': 'VARCHAR'})"
    )
    con.execute(
        f"CREATE TABLE edges AS SELECT * FROM read_csv('{path('edges.csv')}', header = true, "
        "columns = {'src': 'INTEGER', 'dst': 'INTEGER'})"
    )
    con.execute(
        f"CREATE TABLE claims AS SELECT * FROM read_csv('{path('claims.csv')}', header = true, "
        "columns = {'ix': 'INTEGER', 'item': 'INTEGER', 'has_status': 'SMALLINT', "
        "'negative': 'SMALLINT', 'start': 'INTEGER', 'known': 'INTEGER', "
        "'rank': 'SMALLINT', 'conf': 'INTEGER', 'corrects': 'INTEGER'})"
    )
    con.execute("CHECKPOINT")


def timed_runs(con, sql, runs, hasher, what):
    times, first = [], None
    for _ in range(runs):
        t = time.perf_counter()
        rows = con.execute(sql).fetchall()
        times.append((time.perf_counter() - t) * 1000.0)
        answer = (len(rows), hasher(rows))
        if first is None:
            first = answer
        elif answer != first:
            fail(1, f"{what}: runs disagree ({first} then {answer})")
    return times, first


def main(argv):
    if len(argv) == 2 and argv[1] == "--version":
        print(import_duckdb().__version__)
        return
    if len(argv) not in (5, 6):
        fail(1, "usage: duckdb_peer.py DIR D K RUNS [DB_FILE] | --version")
    duckdb = import_duckdb()
    d_dir = argv[1]
    try:
        d, k, runs = int(argv[2]), int(argv[3]), max(1, int(argv[4]))
    except ValueError:
        fail(1, f"D, K and RUNS must be integers, got {argv[2:5]}")
    db = argv[5] if len(argv) == 6 else ":memory:"
    if db != ":memory:":
        for f in (db, db + ".wal"):
            if os.path.exists(f):
                os.remove(f)
    try:
        t = time.perf_counter()
        con = duckdb.connect(db)
        load(con, d_dir)
        load_ms = (time.perf_counter() - t) * 1000.0
        latest_ms, (latest_rows, latest_hash) = timed_runs(
            con, LATEST.format(d=d, k=k), runs, hash_pairs, "Q1"
        )
        risk_ms, (risk_rows, risk_hash) = timed_runs(
            con, RISK.format(d=d, k=k), runs, hash_set, "Q2"
        )
        con.close()
    except duckdb.Error as e:
        fail(1, f"DuckDB: {e}")
    finally:
        if db != ":memory:":
            for f in (db, db + ".wal"):
                if os.path.exists(f):
                    os.remove(f)
    json.dump(
        {
            "peer": "duckdb",
            "version": duckdb.__version__,
            "load_ms": load_ms,
            "latest_ms": latest_ms,
            "risk_ms": risk_ms,
            "latest_rows": latest_rows,
            "risk_rows": risk_rows,
            "latest_hash": latest_hash,
            "risk_hash": risk_hash,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main(sys.argv)
