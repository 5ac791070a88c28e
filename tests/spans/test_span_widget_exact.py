"""Through the widget: what is highlighted is exactly what is saved, and text stays inert."""

from __future__ import annotations

import asyncio
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.style import Style
from span_app import SpanApp, marked, rows
from unicode_strategies import pieces

from labeltui.core.offsets import grapheme_bounds, shown_cluster

KEYS = ["right", "left", "shift+right", "shift+left", "down", "up", "end", "home"]


def shown(text: str, start: int, end: int) -> str:
    """What the editor draws for text[start:end] (whole clusters)."""
    bounds = grapheme_bounds(text)
    out = []
    for a, b in itertools.pairwise(bounds):
        if start <= a and b <= end:
            out.append(shown_cluster(text[a:b]).shown)
    return "".join(out)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(pieces, min_size=1, max_size=10).map("".join),
    st.lists(st.sampled_from(KEYS), max_size=8),
)
def test_highlight_equals_saved_slice(text, keys):
    async def run() -> None:
        app = SpanApp(text)
        async with app.run_test(size=(200, 12)) as pilot:
            state = app.editor.state
            if state.cursor is None:
                return
            await pilot.press(*keys)
            rng = state.selection() or state.cursor_range()
            assert marked(app.editor, reverse=True) == shown(text, *rng)
            await pilot.press("p")
            saved = app.editor.value()
            assert {"start": rng[0], "end": rng[1], "label": "PERSON"}.items() <= next(
                s for s in saved if (s["start"], s["end"]) == rng
            ).items()
            for span in saved:
                assert span["text"] == text[span["start"] : span["end"]]

    asyncio.run(run())


async def test_markup_and_escape_sequences_are_shown_literally():
    text = "Say [bold red]x[/] then \x1b[2J and [link=http://x]y[/link] \x07 done."
    value = [{"start": 4, "end": 18, "label": "[b]odd[/b]"}]  # a label name from outside
    app = SpanApp(text, value)
    async with app.run_test(size=(80, 24)):
        drawn = rows(app.editor)
        assert drawn[0] == "Say [bold red]x[/] then ␛[2J and [link=http://x]y[/link] ␇ done."
        assert drawn[1].startswith("    [b]odd[/b]")
        for y in range(app.editor.view.size.height):
            for segment in app.editor.view.render_line(y):
                assert "\x1b" not in segment.text and "\x07" not in segment.text
                style = segment.style or Style()
                assert style.link is None
        # the x inside the "markup" has the span's style, not bold red text
        assert marked(app.editor, underline=True, reverse=False) == "[bold red]x[/]"
        assert app.editor.value()[0]["text"] == "[bold red]x[/]"
