"""Team mode under load: `team init` of a large dataset, and 16 annotators claiming at once.

Without `--db` it starts a throwaway PostgreSQL cluster (tests/team/pg_cluster.py: initdb +
pg_ctl from the installed server, as the `postgres` user when run as root) and removes it at
the end. It measures:

- `team init` of `--lines` lines (default 1,000,000; goal under a minute), by the core's
  `init_project` (COPY), on a generated dataset in benchmarks/out/;
- `--workers` annotators (default 16), one `TeamClient` each in its own thread (the app's code
  path: claim, then save = append + fsync locally, then send), on `--items` items (default
  5,000) at overlap 3, until everything is done: claims per second (each followed by its save),
  and the median and 95th percentile of one claim.

    python benchmarks/team_load.py [--lines 1000000] [--items 5000] [--workers 16] [--db URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE.parent / "tests" / "team"))

SCHEMA = "tasks:\n  - name: t\n    kind: choice\n    labels: [a, b]\n"


def dataset(lines: int) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"team_{lines}.jsonl"
    if not path.exists():
        with path.open("w") as f:
            for i in range(lines):
                f.write(f'{{"id": "i{i}", "text": "ticket number {i}: the printer is on fire"}}\n')
    return path


def bench_init(url: str, lines: int, schema: Path) -> float:
    from labeltui.core.team.project import init_project

    path = dataset(lines)
    start = time.perf_counter()
    result = init_project(url, "init_bench", path, schema)
    took = time.perf_counter() - start
    assert result.added == lines, result
    print(f"team init: {lines:,} lines in {took:.1f} s ({lines / took:,.0f} lines/s)")
    return took


def bench_claims(url: str, items: int, workers: int, schema: Path, folder: Path) -> float:
    from labeltui.core.team.outbox import TeamClient
    from labeltui.core.team.project import init_project

    init_project(url, "claim_bench", dataset(items), schema, overlap=3)
    clients = [
        TeamClient(url, "claim_bench", f"w{n}", folder / f"w{n}.jsonl") for n in range(workers)
    ]
    timings: list[float] = []
    barrier = threading.Barrier(workers)

    def work(client: TeamClient) -> None:
        barrier.wait()
        while True:
            t = time.perf_counter()
            got = client.claim()
            timings.append(time.perf_counter() - t)
            if got is None:
                return
            client.save(got.data, got.item_id, {"t": "a"})

    start = time.perf_counter()
    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - start
    for c in clients:
        c.close()
    claims = items * 3
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    print(
        f"claims: {workers} workers, {items:,} items at overlap 3: {claims / took:,.0f} claims/s "
        f"(each with its save), {took:.1f} s; one claim: median "
        f"{statistics.median(timings) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
    )
    return claims / took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--db", default=None, help="an empty database (default: a throwaway)")
    args = parser.parse_args()
    cluster = None
    url = args.db
    if url is None:
        import pg_cluster

        cluster = pg_cluster.start_cluster()
        url = cluster.create_database("bench")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            schema = Path(tmp) / "s.yaml"
            schema.write_text(SCHEMA)
            bench_claims(url, args.items, args.workers, schema, Path(tmp))
            bench_init(url, args.lines, schema)
    finally:
        if cluster is not None:
            cluster.stop("immediate")
            cluster.remove()


if __name__ == "__main__":
    main()
