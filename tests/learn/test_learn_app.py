"""`annotate --learn` in the app (Pilot, the real worker process): the model's suggestion is
shown and pre-filled, enter saves it, and the file holds only what the annotator confirmed."""

from __future__ import annotations

import pytest
from learn_helpers import read_lines, team_of, write_data

from labeltui.core.learn_session import open_learn_session
from labeltui.ui.app import make_app

KEYS = {"billing": "1", "bug": "2", "shipping": "3"}


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LABELTUI_CACHE_DIR", str(tmp_path / "cache"))


def suggestion_lines(app) -> list[str]:
    widget = app.screen.query_one("#suggestions")
    return str(widget.render()).splitlines() if widget.display else []


async def test_keys_then_a_model_suggestion_accepted_with_enter(tmp_path):
    data, schema = write_data(tmp_path, 30)
    out = tmp_path / "out.jsonl"
    session = open_learn_session(data, schema, "ann", out)
    try:
        session.index.scan_all()
        pressed: dict[str, str] = {}
        async with make_app(session).run_test() as pilot:
            await pilot.pause()
            for _ in range(3):
                ident = session.item().id
                pressed[ident] = team_of(ident)
                await pilot.press(KEYS[team_of(ident)])
            assert session.wait_for_model(timeout=30), session.learn_error
            passed = session.item().id  # shown, never confirmed
            await pilot.press("pagedown")
            await pilot.pause()
            shown = session.item()
            assert shown.id != passed
            model = session.more_suggestions(shown)["team"][0]
            assert model["agent"] == "model"
            assert any(
                "model" in line and "pre-filled" in line for line in suggestion_lines(pilot.app)
            )
            await pilot.press("enter")
            await pilot.pause()
            assert session.store.is_done(shown.id)
        lines = read_lines(out)
        saved = {line["_id"]: line["labels"]["team"] for line in lines}
        assert len(lines) == 4
        assert saved == {**pressed, shown.id: model["value"]}
        assert passed not in saved
        assert all(line["_status"] == "done" for line in lines)
        assert "suggestions" not in lines[-1]  # the model's suggestion is not written
    finally:
        session.close()
