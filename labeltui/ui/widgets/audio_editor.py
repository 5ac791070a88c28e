"""The editor for `audio_marks` tasks: a text waveform, a cursor, and marks made by keyboard.

All editing is `core.audio.marks.MarksModel`; all drawing is `core.audio.waveform` and
`core.audio.layout` (styled text segments). This widget wires keys to them, assembles the lines,
and keeps long files responsive: a cached or short file opens
at once, a long uncached one builds its envelope in a thread while the annotator already moves
and marks (the duration comes from the header). A missing or unreadable file is shown on the
item, never raised, and such an item can only be skipped (the session refuses `enter`). A stored
value is loaded as it is: marks that cannot be drawn (negative, reversed, infinite or past the
end of the audio) are held aside and flagged on screen until `backspace` drops them (see
`MarksModel`). `enter`, `ctrl+z` and the label keys are not bound here: they bubble to the
screen, which saves, calls `undo()`, or calls `press_label()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.color import Color, ColorParseError
from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.events import Click, Resize
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from labeltui.core.answer_check import value_problems
from labeltui.core.audio.decode import AudioError, AudioInfo, probe
from labeltui.core.audio.envelope import Columns, Envelope, load_cached, open_envelope
from labeltui.core.audio.layout import (
    EMPTY_HINT,
    Line,
    column_styles,
    fit_hints,
    label_text,
    lane_lines,
    list_lines,
    rows_for,
    runs,
    status_lines,
    wrap_message,
)
from labeltui.core.audio.marks import Mark, MarksModel, nice_step
from labeltui.core.audio.playback import NoSoundDevice, Player
from labeltui.core.audio.waveform import View, block_rows, braille_rows, format_time, ruler, steps
from labeltui.core.items import Item
from labeltui.core.schema import Task
from labeltui.ui.widgets.task_editor import TaskEditor

#: Files up to this many samples (all channels) get their envelope built synchronously (~50 ms).
SYNC_BUILD_SAMPLES = 4_000_000
PALETTE = ("green", "magenta", "cyan", "yellow", "bright_blue", "red", "bright_green", "orange3")

_MOVE = Binding.Group("Move", compact=True)
_ZOOM = Binding.Group("Zoom", compact=True)
_INTERVAL = Binding.Group("Interval", compact=True)
_EDGES = Binding.Group("Mark edges")


def _edge(keys: str, edge: str, direction: int, fine: bool = False) -> Binding:
    """An edge key: ctrl+arrows move by the cursor's step (and show in the footer), alt+arrows
    by the fine step."""
    way = "back" if direction < 0 else "on"
    shown = keys.replace("ctrl+", "^").replace("shift+", "⇧").replace("left", "←")
    return Binding(
        keys,
        f"edge('{edge}', {direction}, {fine})",
        f"Selected mark's {edge} {way} a {'fine ' if fine else ''}step",
        show=not fine,
        group=None if fine else _EDGES,
        key_display=None if fine else shown.replace("right", "→"),
    )


#: The legend's reminders after the labels, most needed first; those that do not fit are left
#: out whole (help lists every key).
HINTS = ("^←^→ start", "^⇧←^⇧→ end", "^e edge to cursor", "esc cancel", "⇧←⇧→ big step")

_shared_player: Player | None = None


def shared_player() -> Player:
    """One player per process, so the sound device is probed (and reported missing) once."""
    global _shared_player
    if _shared_player is None:
        _shared_player = Player()
    return _shared_player


class AudioEditor(TaskEditor):
    """Waveform, ruler, cursor and marks of one `audio_marks` task."""

    @dataclass
    class BuildProgress(Message, bubble=False):
        """The background waveform build of `info` got further (posted from its thread, at
        most once a percent; a newer one replaces one not handled yet)."""

        info: AudioInfo
        fraction: float

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, AudioEditor.BuildProgress)

    DEFAULT_CSS = """
    AudioEditor {
        height: 1fr;
        min-height: 10;
    }
    AudioEditor:focus {
        background: $boost;
    }
    """

    BINDINGS = [
        Binding("left", "step(-1)", "Cursor back", key_display="←", group=_MOVE),
        Binding("right", "step(1)", "Cursor forward", key_display="→", group=_MOVE),
        Binding("shift+left", "step(-10)", "Cursor back a large step", show=False),
        Binding("shift+right", "step(10)", "Cursor forward a large step", show=False),
        Binding("home", "jump(0)", "Cursor to the start", show=False),
        Binding("end", "jump(1)", "Cursor to the end", show=False),
        Binding("plus", "zoom(2)", "Zoom in", key_display="+", group=_ZOOM),
        Binding("minus", "zoom(0.5)", "Zoom out", key_display="-", group=_ZOOM),
        Binding("left_square_bracket", "open_interval", "Interval start", group=_INTERVAL),
        Binding("right_square_bracket", "close_interval", "Interval end", group=_INTERVAL),
        Binding("tab", "next_mark", "Next mark"),
        Binding("backspace,delete", "delete_mark", "Delete mark", key_display="⌫"),
        Binding("space", "play", "Play/stop"),
        Binding("escape", "cancel_interval", "Cancel the open interval", show=False),
        _edge("ctrl+left", "start", -1),
        _edge("ctrl+right", "start", 1),
        _edge("ctrl+shift+left", "end", -1),
        _edge("ctrl+shift+right", "end", 1),
        _edge("alt+left", "start", -1, fine=True),
        _edge("alt+right", "start", 1, fine=True),
        _edge("alt+shift+left", "end", -1, fine=True),
        _edge("alt+shift+right", "end", 1, fine=True),
        Binding("ctrl+e", "snap_edge", "Selected mark's nearer edge to the cursor", show=False),
    ]
    """Edge keys act on the selected mark (or the one under the cursor): ctrl moves by the
    cursor's step, alt by a tenth of it (at least 1 ms); `ctrl+e` moves the nearer edge to the
    cursor. `[`/`]` keep their meaning here (an interval's start and end at the cursor)."""

    def __init__(
        self,
        task: Task,
        *,
        glyphs: str = "braille",
        player: Player | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(task, id=id, classes=classes)
        self.glyphs = glyphs
        """`braille` (2 columns per cell, 4 dots high) or `blocks` (half blocks)."""
        self.player = player if player is not None else shared_player()
        self.model = MarksModel()
        self.info: AudioInfo | None = None
        self.env: Envelope | None = None
        self.error: str | None = None
        self.view = View(0.0, 1.0)
        self.message = ""
        self.building: float | None = None
        """Envelope build progress (0..1) while a background build runs (set on the UI
        thread, from `BuildProgress`)."""
        self._columns: tuple[tuple, Columns] | None = None
        self._follow_timer: Any = None
        self._build_worker: Worker | None = None
        self.label_colors = {
            label.name: _color(label.color, PALETTE[i % len(PALETTE)])
            for i, label in enumerate(task.labels)
        }

    # -- the contract ------------------------------------------------------------------------

    def load(self, item: Item, value: Any) -> None:
        """Open the item's audio (errors are shown, not raised), then its marks."""
        self._stop_playing("")
        self.workers.cancel_group(self, "envelope")
        self._build_worker = None
        self.info, self.env, self.error, self.building, self._columns = None, None, None, None, None
        self.message = ""
        if item.audio is None:
            self.error = "this item has no audio field"
        else:
            try:
                self.info = probe(item.audio)
            except AudioError as exc:
                self.error = str(exc)
        super().load(item, value)  # calls set_value
        if self.info is not None:
            self.env = load_cached(self.info)
            if self.env is None:
                self._start_build(self.info)

    def set_value(self, value: Any) -> None:
        known = self.info.duration if self.info is not None else None
        held = self.model.set_value(value, known or 0.0, end_limit=known)
        if self.info is None and self.model.marks:  # keep pre-annotations visible
            self.model.duration = max(m.end for m in self.model.marks)
        self.view = View(0.0, max(self.model.duration, 1e-3))
        if held:
            self.message = f"{len(held)} stored mark(s) cannot be shown: ⌫ removes them"
        self.refresh()

    def value(self) -> list[Any]:
        return self.model.value()

    def problems(self) -> list[str]:
        duration = self.info.duration if self.info is not None else None
        return value_problems(self.task, self.value(), None, duration)

    def press_label(self, key: str) -> bool:
        label = self.task.label_for_key(key)
        if label is None or self.info is None:
            return False
        mark = self.model.add_label(label.name)
        self.message = f"marked {mark.label} {_span_text(mark)}"
        self._changed()
        return True

    def undo(self) -> bool:
        if not self.model.undo():
            return False
        self.message = "undone"
        self._changed()
        return True

    # -- envelope -----------------------------------------------------------------------------

    def _start_build(self, info: AudioInfo) -> None:
        if info.frames * info.channels <= SYNC_BUILD_SAMPLES:
            try:
                self.env = open_envelope(info)
            except AudioError as exc:
                self.info, self.error = None, str(exc)
            return
        self.building = 0.0

        def work() -> Envelope:
            worker = get_current_worker()
            posted = [0]  # the last percent posted

            def progress(fraction: float) -> None:
                percent = int(fraction * 100)
                if percent != posted[0] and not worker.is_cancelled:
                    posted[0] = percent
                    self.post_message(self.BuildProgress(info, fraction))

            return open_envelope(info, progress, lambda: worker.is_cancelled)

        self._build_worker = self.run_worker(
            work, group="envelope", exclusive=True, thread=True, exit_on_error=False
        )

    @on(BuildProgress)
    def build_progress(self, message: BuildProgress) -> None:
        if message.info == self.info and self.building is not None:
            self.building = message.fraction
            self.refresh()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The waveform build ended: its envelope, or its error shown on the item."""
        if event.worker is not self._build_worker or self.info is None:
            return  # a build for an item that is no longer shown
        if event.state == WorkerState.SUCCESS:
            env = event.worker.result
            if isinstance(env, Envelope) and env.info == self.info:
                self.env, self.building, self._columns = env, None, None
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            self.building, self.info = None, None
            self.error = str(error) if isinstance(error, AudioError) else f"waveform: {error}"
        self.refresh()

    # -- actions ------------------------------------------------------------------------------

    @property
    def wave_width(self) -> int:
        return max(10, self.size.width)

    def steps(self) -> tuple[float, float]:
        """(small, large) cursor steps at the current zoom, in seconds."""
        return steps(self.view, self.wave_width)

    def action_step(self, n: int) -> None:
        small, large = self.steps()
        self.model.move_by(small * n if abs(n) == 1 else large * (1 if n > 0 else -1))
        self._moved()

    def action_jump(self, where: int) -> None:
        self.model.move_to(self.model.duration if where else 0.0)
        self._moved()

    def action_zoom(self, factor: float) -> None:
        min_span = self.wave_width * 0.001  # one column is at least a millisecond
        self.view = self.view.zoom(factor, self.model.cursor, self.model.duration, min_span)
        self.message = ""
        self.refresh()

    def action_open_interval(self) -> None:
        if self.info is None:
            return
        self.model.open_interval()
        self.message = (
            f"interval from {format_time(self.model.cursor)}: move, then ] or a label key"
        )
        self.refresh()

    def action_close_interval(self) -> None:
        problem = self.model.close_interval()
        span = self.model.open_span()
        if problem is None and span is not None:
            problem = f"interval {format_time(span[0])}–{format_time(span[1])}: press a label key"
        self.message = problem or ""
        self.refresh()

    def action_cancel_interval(self) -> None:
        if self.model.cancel_open():
            self.message = "interval cancelled"
            self.refresh()

    def fine_step(self) -> float:
        """The fine edge step: a tenth of the cursor's step, at least a millisecond."""
        return nice_step(self.steps()[0] / 10)

    def action_edge(self, edge: str, direction: int, fine: bool = False) -> None:
        """Move the selected mark's start or end by a step (or a fine step)."""
        if self.info is None:
            return
        step = self.fine_step() if fine else self.steps()[0]
        self._edge_moved(self.model.move_edge(edge, step * direction), edge)

    def action_snap_edge(self) -> None:
        """Move the selected mark's edge nearer the cursor to the cursor."""
        if self.info is None:
            return
        self._edge_moved(self.model.snap_edge(), "")

    def _edge_moved(self, problem: str | None, edge: str) -> None:
        mark = self.model.selected_mark
        if problem is not None or mark is None:
            self.message = problem or ""
            self.refresh()
            return
        if mark.is_point:
            self.message = f"moved {mark.label} to {format_time(mark.start)}"
        else:
            self.message = f"{mark.label} now {_span_text(mark)}"
        self._changed()

    def action_next_mark(self) -> None:
        mark = self.model.select_next()
        self.message = f"selected {mark.label} {_span_text(mark)}" if mark else "no marks yet"
        self._moved(keep_message=True)

    def action_delete_mark(self) -> None:
        """Delete the selected mark; while stored marks that cannot be shown are held
        (flagged on screen), drop those first."""
        held = self.model.drop_held()
        if held:
            self.message = f"removed {held} stored mark(s) that could not be shown"
            self._changed()
            return
        gone = self.model.delete_selected()
        if gone is None:
            self.message = "no mark selected (tab selects one)"
            self.refresh()
            return
        self.message = f"deleted {gone.label} {_span_text(gone)}"
        self._changed()

    def action_play(self) -> None:
        if self.player.playing:
            self._stop_playing("stopped")
            return
        if self.info is None:
            return
        try:
            self.player.play(self.info, self.model.cursor)
        except NoSoundDevice as exc:
            self.message = str(exc)
            self.refresh()
            return
        self.message = "playing (space stops)"
        self._follow_timer = self.set_interval(1 / 20, self._follow_playback)
        self.refresh()

    def _follow_playback(self) -> None:
        self.model.move_to(self.player.position())
        if not self.player.playing:
            self._stop_playing("")
        self._moved(keep_message=True)

    def _stop_playing(self, message: str) -> None:
        self.player.stop()
        if self._follow_timer is not None:
            self._follow_timer.stop()
            self._follow_timer = None
        self.message = message
        self.refresh()

    def on_click(self, event: Click) -> None:
        """A click on the waveform puts the cursor there."""
        wave_rows = self._layout(len(self._status(self.wave_width)))[0]
        if 1 <= event.y <= wave_rows and self.info is not None:
            self.model.move_to(self.view.time_at(event.x, self.wave_width))
            self._moved()

    def on_resize(self, _event: Resize) -> None:
        self._columns = None

    def on_unmount(self) -> None:
        self.player.stop()

    def _moved(self, keep_message: bool = False) -> None:
        self.view = self.view.follow(self.model.cursor, self.model.duration)
        if not keep_message:
            self.message = ""
        self.refresh()

    def _changed(self) -> None:
        self.view = self.view.follow(self.model.cursor, self.model.duration)
        self.refresh()
        self.notify_changed()

    # -- drawing ------------------------------------------------------------------------------

    def _layout(self, status_rows: int = 1) -> tuple[int, int]:
        """(waveform rows, mark-list rows) for the current height (see `layout.rows_for`)."""
        marks = len(self.model.marks)
        wanted = marks + 1 if marks else len(wrap_message(EMPTY_HINT, self.wave_width))
        return rows_for(self.size.height, wanted, status_rows)

    def _status(self, width: int) -> list[Text]:
        step = self.steps()[0] if self.info is not None else 0.0
        view = self.view if self.info is not None else None
        lines = status_lines(self.model, view, step, self.message, width, cell_len)
        return [Text.assemble(*line) for line in lines]

    def render(self) -> RenderableType:
        width = self.wave_width
        status = self._status(width)
        wave_h, list_h = self._layout(len(status))
        lines: list[Line] = []
        if self.info is None:
            # the error wraps (a long path and what is wrong with it both stay readable)
            lines += [[(x, "bold")] for x in wrap_message(self.error or "no audio", width)]
            del lines[wave_h + 1 :]
            lines.append([("Cannot show the audio: skip the item (ctrl+k) or fix the path.", "")])
            lines.extend([] for _ in range(wave_h + 3 - len(lines)))
        else:
            lines.append([(ruler(self.view, width), "dim")])
            lines.extend(self._wave_lines(width, wave_h))
            lines.extend(lane_lines(self.model, self.label_colors, self.view, width))
        texts = [Text.assemble(*line) for line in lines]
        texts += status
        texts.append(self.legend(width))
        texts += [
            Text.assemble(*line)
            for line in list_lines(self.model, self.label_colors, list_h, width)
        ]
        for text in texts:
            text.no_wrap, text.overflow = True, "ellipsis"
            text.truncate(width, overflow="ellipsis")
        return Text("\n", no_wrap=True, overflow="crop").join(texts)

    def _wave_lines(self, width: int, height: int) -> list[Line]:
        if self.env is None:
            done = f" {self.building:.0%}" if self.building is not None else ""
            return [[(f"building the waveform{done}…", "dim")]] + [[] for _ in range(height - 1)]
        n = 2 * width if self.glyphs == "braille" else width
        key = (self.view, n, id(self.env))
        if self._columns is None or self._columns[0] != key:
            try:
                cols = self.env.columns(self.view.start, self.view.end, n)
            except AudioError as exc:
                return [[(label_text(str(exc)), "bold")]] * height
            self._columns = (key, cols)
        cols = self._columns[1]
        scale = self.env.peak if self.env.peak > 1e-6 else 1.0
        draw = braille_rows if self.glyphs == "braille" else block_rows
        styles = column_styles(self.model, self.label_colors, self.view, width)
        return [runs(row, styles) for row in draw(cols.mins, cols.maxs, height, scale)]

    def legend(self, width: int = 1000) -> Text:
        """The labels with their keys (points and intervals alike), so no key is hidden, then
        the reminders of `HINTS` that fit whole."""
        text = Text(no_wrap=True, overflow="ellipsis")
        for label in self.task.labels:
            text.append(f" {label.key} ", style="reverse bold")
            text.append(" ")
            text.append(label_text(label.name), style=f"bold {self.label_colors[label.name]}")
            text.append("  ")
        hints = fit_hints(HINTS, width - text.cell_len)
        text.append(hints, style="dim")
        return text


def _span_text(mark: Mark) -> str:
    if mark.is_point:
        return f"at {format_time(mark.start)}"
    return f"{format_time(mark.start)}–{format_time(mark.end)}"


def _color(color: str | None, default: str) -> str:
    if color:
        try:
            Color.parse(color)
            return color
        except ColorParseError:
            pass
    return default
