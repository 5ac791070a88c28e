"""What `TeamQueue` shares with the annotate session about one item: the item as the editors
take it (audio under `--media`), and why an answer cannot be saved (as `Session.refusal`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from labeltui.core.answer_check import label_problems, missing_answer, missing_text
from labeltui.core.items import Item
from labeltui.core.schema import Schema
from labeltui.core.session import AnswerRefused


def make_item(schema: Schema, media: Path, no: int, ident: str, data: dict[str, Any]) -> Item:
    """An item as the editors take it; a relative audio path is under `media` (FORMAT
    section 10: paths stay paths, resolved on each machine)."""
    field = schema.text_field
    text = data.get(field) if field else None
    if text is not None and not isinstance(text, str):
        text = json.dumps(text, ensure_ascii=False)
    audio = data.get(schema.audio_field) if schema.audio_field else None
    if isinstance(audio, str) and audio:
        audio = audio if Path(audio).is_absolute() else str(media / audio)
    else:
        audio = None
    return Item(index=no, id=ident, data=data, text=text, audio=audio, line=no + 1)


def refusal(
    schema: Schema, labels: dict[str, Any], status: str, item: Item
) -> AnswerRefused | None:
    """As `Session.refusal`: why `labels` cannot be saved with `status`, or None."""
    duration, no_audio = audio_state(schema, item)
    no_text = missing_text(schema, item.data)
    unusable = (no_text or no_audio) if status == "done" else None
    problems = label_problems(schema, labels, item.data, item.text, duration)
    missing = []
    if status == "done" and unusable is None:
        missing = [t.name for t in schema.tasks if missing_answer(t, labels.get(t.name))]
    if problems or missing or unusable:
        return AnswerRefused(problems, missing, unusable)
    return None


def audio_state(schema: Schema, item: Item) -> tuple[float | None, str | None]:
    """(the audio's length, why it cannot be read); (None, None) without an audio task."""
    if not any(task.kind == "audio_marks" for task in schema.tasks):
        return None, None
    if item.audio is None:
        return None, f"item has no audio field {schema.audio_field!r}"
    from labeltui.core.audio.decode import AudioError, probe

    try:
        return probe(item.audio).duration, None
    except AudioError as exc:
        return None, f"its audio cannot be read ({exc})"
