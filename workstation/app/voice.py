"""The spoken call: the clips of an announcement joined into one WAV, said twice.

Offline by design (online speech services are a known failure of queue systems): the
clips are recorded once (resources/sounds/make_clips.py) and only joined here, with the
standard library's `wave`. Every clip of a call must exist and share one format; if one
does not, VoiceError names it, and the front end shows the call without the voice.
"""

from __future__ import annotations

import io
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

from workstation.domain.announce import ALL_CLIPS, QING, Announcement
from workstation.paths import resources_dir

PAUSE = 0.8  # seconds of silence between the two sayings of a call


class VoiceError(RuntimeError):
    """A clip is missing, unreadable or of another format; `clip` names it."""

    def __init__(self, clip: str, message: str) -> None:
        super().__init__(message)
        self.clip = clip


@dataclass(frozen=True)
class Format:
    channels: int
    sample_width: int
    rate: int

    def __str__(self) -> str:
        layout = {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels} channels")
        return f"{layout} {8 * self.sample_width}-bit PCM at {self.rate} Hz"


@dataclass(frozen=True)
class Clip:
    name: str
    format: Format
    frames: bytes

    @property
    def duration(self) -> float:
        return len(self.frames) / (self.format.channels * self.format.sample_width * self.format.rate)


def default_folder() -> Path:
    return resources_dir() / "sounds" / "zh"


class Voice:
    """Joins the clips of `folder` (NAME.wav) into announcements. Clips are read once and
    kept; safe to use from several threads."""

    def __init__(self, folder: Path | None = None, pause: float = PAUSE) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()
        self.pause = pause
        self._clips: dict[str, Clip] = {}
        self._format: Format | None = None
        self._lock = threading.Lock()

    def clip(self, name: str) -> Clip:
        with self._lock:
            found = self._clips.get(name)
            if found is None:
                found = self._clips[name] = self._load(name)
            return found

    def _load(self, name: str) -> Clip:
        if self._format is None and name != QING and QING not in self._clips:
            # Every call starts with 请: its format is the one the other clips must share.
            self._clips[QING] = self._load(QING)
        path = self.folder / f"{name}.wav"
        try:
            with wave.open(str(path), "rb") as wav:
                if wav.getcomptype() != "NONE":
                    raise VoiceError(name, f"sound clip '{name}' ({path}) is compressed; "
                                           "the voice needs plain PCM")
                shape = Format(wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
                frames = wav.readframes(wav.getnframes())
        except FileNotFoundError:
            raise VoiceError(name, f"sound clip '{name}' is missing: {path} does not exist") from None
        except (wave.Error, EOFError, OSError) as exc:
            raise VoiceError(name, f"sound clip '{name}' ({path}) is not a usable WAV file: {exc}") from None
        if not frames:
            raise VoiceError(name, f"sound clip '{name}' ({path}) is empty")
        if self._format is None:
            self._format = shape
        elif shape != self._format:
            raise VoiceError(name, f"sound clip '{name}' ({path}) is {shape}; the other clips are "
                                   f"{self._format}")
        return Clip(name, shape, frames)

    def check(self, names: tuple[str, ...] = ALL_CLIPS) -> list[str]:
        """What is wrong with the clips (every clip the voice may need by default)."""
        problems = []
        for name in names:
            try:
                self.clip(name)
            except VoiceError as exc:
                problems.append(str(exc))
        return problems

    def _parts(self, announcement: Announcement) -> tuple[Format, list[bytes]]:
        clips = [self.clip(name) for name in announcement.clips]  # raises on the first bad clip
        shape = clips[0].format
        saying = b"".join(c.frames for c in clips)
        silence = b"\x00" * (round(self.pause * shape.rate) * shape.channels * shape.sample_width)
        parts: list[bytes] = []
        for i in range(announcement.repeat):
            if i:
                parts.append(silence)
            parts.append(saying)
        return shape, parts

    def render(self, announcement: Announcement) -> bytes:
        """The whole call as WAV bytes: the clips in order, said `repeat` times with a pause."""
        shape, parts = self._parts(announcement)
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(shape.channels)
            wav.setsampwidth(shape.sample_width)
            wav.setframerate(shape.rate)
            wav.writeframes(b"".join(parts))
        return out.getvalue()

    def write(self, announcement: Announcement, path: Path) -> float:
        """Writes the call's WAV to `path`; returns its duration in seconds."""
        data = self.render(announcement)
        Path(path).write_bytes(data)
        return wav_duration(data)

    def duration(self, announcement: Announcement) -> float:
        shape, parts = self._parts(announcement)
        return sum(len(p) for p in parts) / (shape.channels * shape.sample_width * shape.rate)


def wav_duration(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as wav:
        return wav.getnframes() / wav.getframerate()
