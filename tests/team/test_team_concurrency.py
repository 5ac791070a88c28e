"""16 annotators claiming and saving at once, through the app's code path (TeamClient).

5,000 items, overlap 3: no item ends with more than 3 annotators, no annotator is handed an item
twice, and every item is finished. Threads, one TeamClient (one connection) each.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from labeltui.core.team.outbox import TeamClient
from labeltui.core.team.project import init_project, open_project
from labeltui.core.team.status import team_status

ITEMS = 5000
WORKERS = 16
OVERLAP = 3


def test_sixteen_annotators_at_once_never_exceed_the_overlap(db_url, tmp_path):
    dataset = tmp_path / "big.jsonl"
    dataset.write_text("".join(f'{{"id": {i}, "text": "item {i}"}}\n' for i in range(ITEMS)))
    schema = tmp_path / "s.yaml"
    schema.write_text("tasks:\n  - name: t\n    kind: choice\n    labels: [a, b]\n")
    init_project(db_url, "load", dataset, schema, overlap=OVERLAP)
    clients = [
        TeamClient(db_url, "load", f"w{n:02d}", tmp_path / f"w{n}.jsonl") for n in range(WORKERS)
    ]
    handed: dict[str, list[str]] = {c.annotator: [] for c in clients}
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def work(client: TeamClient) -> None:
        try:
            start.wait()
            while (got := client.claim()) is not None:
                handed[client.annotator].append(got.item_id)
                client.save({"text": "x"}, got.item_id, {"t": "a"})
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    began = time.monotonic()
    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    took = time.monotonic() - began
    assert not errors, errors[0]
    for name, items in handed.items():
        assert len(items) == len(set(items)), f"{name} was handed an item twice"
    per_item = Counter(i for items in handed.values() for i in items)
    assert len(per_item) == ITEMS
    assert max(per_item.values()) == OVERLAP and min(per_item.values()) == OVERLAP
    assert all(c.online for c in clients)
    conn, project = open_project(db_url, "load")
    status = team_status(conn, project)
    conn.close()
    assert status.items_left == 0
    assert sum(a.done for a in status.annotators.values()) == ITEMS * OVERLAP
    for c in clients:
        c.close()
    print(f"{ITEMS * OVERLAP / took:.0f} claims+saves per second")
