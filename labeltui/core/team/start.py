"""`annotate --db`: connect, send what the last session left, and start the `TeamQueue`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from labeltui.core.team.claim import DEFAULT_LEASE
from labeltui.core.team.outbox import TeamClient
from labeltui.core.team.queue import TeamQueue
from labeltui.errors import LabeltuiError


def open_team_queue(
    url: str,
    project: str,
    annotator: str,
    out: str | Path | None = None,
    *,
    lease_minutes: float | None = None,
    media: str | Path | None = None,
    sort: str | None = None,
    before_start: Callable[[], None] | None = None,
) -> TeamQueue:
    """Connect, send what the last session left, load the gold items, claim the first item,
    and start the thread.

    Everything wrong is one line (`LabeltuiError`) before any screen: an unreachable server
    or refused login (`HOST:PORT: reason`), a project that does not exist, a bad option.
    `before_start` runs once connected, before the first claim (the terminal check: a refusal
    there takes no lease); on any failure the local file is removed if it was created for
    nothing.
    """
    if not annotator or any(c in annotator for c in "/\\\0") or annotator.strip() != annotator:
        raise LabeltuiError(
            f"annotator name {annotator!r} must be non-empty, without slashes or outer spaces"
        )
    if not project or not project.strip():
        raise LabeltuiError("--db needs --project NAME")
    if lease_minutes is not None and not lease_minutes > 0:
        raise LabeltuiError(f"--lease must be a number of minutes above 0, not {lease_minutes}")
    folder = Path(media) if media is not None else Path(".")
    if not folder.is_dir():
        raise LabeltuiError("--media must be a folder", folder)
    lease = DEFAULT_LEASE if lease_minutes is None else lease_minutes * 60
    client = TeamClient(url, project, annotator, out, lease=lease, sort=sort)
    try:
        if before_start is not None:
            before_start()
        from labeltui.core.team.gold import load_gold

        gold, every = load_gold(client)
        return TeamQueue(client, media=folder, gold=gold, gold_every=every).start()
    except BaseException:
        client.store.discard_if_unused()  # before the client closes the file
        online = client.online
        client.close(release_held=online, send=online, timeout=3)
        raise
