"""Write the five sample clips in sample_data/audio/ (16 kHz mono FLAC, about 26 s in all).

Everything is synthesised with numpy from a fixed seed, so running this again gives the same
samples: a short melody, noise bursts, clicks, a speech-like scene (two phrases of formant-shaped
voice, then a jingle) and near-silence with one click. The times the sounds start and end are
constants below; the pre-annotated marks in audio.jsonl and tests/test_sample_data.py use them.

    python sample_data/make_audio.py [OUTDIR]      # default: the audio/ folder beside this file
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import soundfile as sf

SR = 16_000
SEED = 20250306

#: (start, end) seconds of every sound in each clip, used by audio.jsonl and the tests.
MUSIC = (0.25, 5.75)  # music.flac: one phrase of eleven notes over a bass line
NOISE_BURSTS = [(0.40, 1.10), (1.90, 2.30), (3.00, 4.40)]
CLICKS = [0.35, 0.80, 1.42, 1.50, 2.25, 3.10, 3.62]
SPEECH_PHRASES = [(0.30, 2.10), (2.60, 4.60)]
JINGLE = (5.00, 7.00)
LONE_CLICK = 1.80


def seconds(duration: float) -> np.ndarray:
    return np.arange(round(duration * SR)) / SR


def envelope(n: int, attack: float, release: float) -> np.ndarray:
    """A flat envelope of n samples with raised-cosine attack and release (in seconds)."""
    env = np.ones(n)
    a = min(n // 2, max(1, round(attack * SR)))
    r = min(n // 2, max(1, round(release * SR)))
    env[:a] = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, a))
    env[n - r :] = 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, r))
    return env


def place(out: np.ndarray, start: float, sound: np.ndarray) -> None:
    i = round(start * SR)
    out[i : i + len(sound)] += sound[: len(out) - i]


def note(freq: float, duration: float, bright: float = 0.5) -> np.ndarray:
    """A plucked, slightly reedy tone: decaying harmonics, odd ones stronger."""
    t = seconds(duration)
    tone = np.zeros_like(t)
    for k in range(1, 9):
        weight = (1.0 if k % 2 else bright) / k
        tone += weight * np.sin(2 * np.pi * k * freq * t) * np.exp(-t * (1.5 + 0.6 * k))
    return tone * envelope(len(t), 0.008, 0.04)


def melody(
    start: float, beats: list[tuple[float, float]], beat: float, legato: float = 0.95
) -> tuple[np.ndarray, float]:
    """Notes (midi number, length in beats) from `start`; returns the signal and its end time.

    Each note sounds for `legato` of its length (1.0: it rings until the next one starts).
    """
    total = start + sum(length for _, length in beats) * beat
    out = np.zeros(round((total + 0.05) * SR))
    at = start
    for midi, length in beats:
        freq = 440.0 * 2 ** ((midi - 69) / 12)
        place(out, at, note(freq, length * beat * legato))
        at += length * beat
    return out, total


def normalise(x: np.ndarray, peak: float = 0.7) -> np.ndarray:
    return x * (peak / np.max(np.abs(x)))


def music() -> np.ndarray:
    """6 s: an eleven-note tune (half a second a beat) over a bass line."""
    tune = [(72, 1), (74, 1), (76, 1), (79, 1), (77, 1), (76, 0.5), (74, 0.5)]
    tune += [(72, 1), (74, 1), (71, 1), (72, 2)]
    out = np.zeros(6 * SR)
    lead, end = melody(MUSIC[0], tune, 0.5)
    assert abs(end - MUSIC[1]) < 1e-9
    place(out, 0.0, lead)
    for i, midi in enumerate([48, 53, 55, 48, 43, 48]):
        at = MUSIC[0] + i * 1.0
        length = min(1.0, end - at)
        if length > 0.05:
            freq = 440.0 * 2 ** ((midi - 69) / 12)
            place(out, at, 0.6 * note(freq, length * 0.95, bright=0.9))
    return normalise(out)


def noise(rng: np.random.Generator) -> np.ndarray:
    """5 s: a hiss, a low rumble and a whirring machine, over a very quiet floor."""
    out = rng.normal(0, 0.0015, 5 * SR)
    (a0, a1), (b0, b1), (c0, c1) = NOISE_BURSTS
    n = round((a1 - a0) * SR)
    place(out, a0, rng.normal(0, 0.18, n) * envelope(n, 0.02, 0.05))
    n = round((b1 - b0) * SR)
    brown = np.cumsum(rng.normal(0, 1, n))
    brown -= np.convolve(brown, np.ones(400) / 400, mode="same")  # keep it from drifting
    place(out, b0, 0.9 * normalise(brown, 0.6) * envelope(n, 0.03, 0.08))
    n = round((c1 - c0) * SR)
    spectrum = np.fft.rfft(rng.normal(0, 1, n))
    freqs = np.fft.rfftfreq(n, 1 / SR)
    spectrum *= np.exp(-(((freqs - 900) / 350) ** 2))  # a band around 900 Hz
    band = np.fft.irfft(spectrum, n)
    wobble = 1 + 0.35 * np.sin(2 * np.pi * 7.0 * seconds(c1 - c0)[:n])
    place(out, c0, normalise(band, 0.45) * wobble * envelope(n, 0.15, 0.2))
    return normalise(out)


def click(rng: np.random.Generator, level: float = 1.0) -> np.ndarray:
    """A 4 ms decaying burst."""
    n = round(0.004 * SR)
    return level * rng.normal(0, 1, n) * np.exp(-np.arange(n) / (0.0008 * SR))


def clicks(rng: np.random.Generator) -> np.ndarray:
    """4 s: seven clicks of different strength, two of them 80 ms apart."""
    out = rng.normal(0, 0.001, 4 * SR)
    for at, level in zip(CLICKS, [1.0, 0.6, 0.9, 0.5, 0.8, 0.35, 1.0], strict=True):
        place(out, at, click(rng, level))
    return normalise(out, 0.8)


VOWELS = {  # formant frequencies (Hz) of five vowels
    "a": (730, 1090, 2440),
    "e": (530, 1840, 2480),
    "i": (270, 2290, 3010),
    "o": (570, 840, 2410),
    "u": (300, 870, 2240),
}


def voiced(duration: float, f0: np.ndarray, formants: np.ndarray) -> np.ndarray:
    """Harmonics of a pitch contour `f0`, shaped by time-varying formants (additive synthesis)."""
    phase = 2 * np.pi * np.cumsum(f0) / SR
    out = np.zeros(len(f0))
    for k in range(1, int(SR / 2 / f0.min())):
        freq = k * f0
        gain = np.zeros_like(f0)
        for j, width in enumerate((90.0, 110.0, 170.0)):
            gain += np.exp(-(((freq - formants[:, j]) / width) ** 2)) / (j + 1)
        gain *= (freq < SR / 2 - 200) / np.sqrt(k)  # about -3 dB per octave, no aliasing
        out += gain * np.sin(k * phase)
    return out


def phrase(rng: np.random.Generator, duration: float, f0_from: float, f0_to: float) -> np.ndarray:
    """Syllables of voice with fricatives between some of them, pitch falling across the phrase."""
    n = round(duration * SR)
    syllables: list[tuple[int, int, str]] = []
    at = 0
    while at < n:
        length = round(rng.uniform(0.14, 0.26) * SR)
        if n - at - length < round(0.12 * SR):  # the last syllable runs to the phrase's end
            length = n - at
        syllables.append((at, at + length, rng.choice(list(VOWELS))))
        at += length
    formants = np.zeros((n, 3))
    loud = np.zeros(n)
    for s0, s1, vowel in syllables:
        formants[s0:s1] = VOWELS[vowel]
        loud[s0:s1] = rng.uniform(0.6, 1.0) * envelope(s1 - s0, 0.03, 0.05)
    kernel = np.ones(240) / 240  # 15 ms glides between vowels
    formants = np.stack([np.convolve(formants[:, j], kernel, mode="same") for j in range(3)], 1)
    formants[:120] = formants[120]
    formants[-120:] = formants[-121]
    t = np.linspace(0, 1, n)
    f0 = f0_from + (f0_to - f0_from) * t + 6 * np.sin(2 * np.pi * 3.1 * t * duration)
    voice = voiced(duration, f0, formants) * loud
    for s0, _, _ in syllables[1:]:
        if rng.random() < 0.45:  # an "s" or "f" straddling the syllable boundary
            m = round(rng.uniform(0.04, 0.07) * SR)
            spectrum = np.fft.rfft(rng.normal(0, 1, m))
            spectrum[np.fft.rfftfreq(m, 1 / SR) < 2500] = 0
            hiss = np.fft.irfft(spectrum, m) * envelope(m, 0.01, 0.01)
            i = max(0, s0 - m // 2)
            voice[i : i + m] = 0.3 * voice[i : i + m] + 0.25 * normalise(hiss, 1.0)[: n - i]
    return normalise(voice, 0.6) * envelope(n, 0.02, 0.04)


def speech(rng: np.random.Generator) -> np.ndarray:
    """7.5 s: two phrases of speech-like voice with a pause, then a short jingle."""
    out = rng.normal(0, 0.002, round(7.5 * SR))
    for (p0, p1), (hi, lo) in zip(SPEECH_PHRASES, [(150, 108), (140, 100)], strict=True):
        place(out, p0, phrase(rng, p1 - p0, hi, lo))
    j0, j1 = JINGLE
    notes = [(67, 1), (72, 1), (76, 1), (79, 2), (84, 3)]
    tune, _ = melody(0.0, notes, (j1 - j0) / 8, legato=1.0)
    place(out, j0, normalise(tune, 0.5)[: round((j1 - j0) * SR)])
    return normalise(out)


def silence_click(rng: np.random.Generator) -> np.ndarray:
    """3 s of a quiet room (-60 dB hiss) with one click."""
    out = rng.normal(0, 0.001, 3 * SR)
    place(out, LONE_CLICK, click(rng, 0.7))
    return out


def main(argv: list[str]) -> int:
    outdir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "audio"
    outdir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    clips = {
        "music.flac": music(),
        "noise.flac": noise(rng),
        "clicks.flac": clicks(rng),
        "speech.flac": speech(rng),
        "silence_click.flac": silence_click(rng),
    }
    total = 0
    for name, samples in clips.items():
        path = outdir / name
        data = np.clip(samples, -1.0, 1.0).astype(np.float32)
        sf.write(path, data, SR, format="FLAC", subtype="PCM_16")
        size = path.stat().st_size
        total += size
        print(f"{path}: {len(data) / SR:.2f} s, {size / 1024:.0f} KiB")
    print(f"total {total / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
