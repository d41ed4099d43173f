"""The spoken call: which clips a call is made of, the joined WAV (said twice, with a
pause), and a missing or broken clip reported by name."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from workstation.app.voice import PAUSE, Voice, VoiceError, default_folder, wav_duration
from workstation.domain.announce import ALL_CLIPS, NotAnnounceable, announcement, ticket_clips, window_clips

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("window", "clips", "said"), [
    (1, ["1"], "一"),
    (3, ["3"], "三"),
    (10, ["shi"], "十"),
    (12, ["shi", "2"], "十二"),
    (20, ["2", "shi"], "二十"),
    (35, ["3", "shi", "5"], "三十五"),
    (100, ["1", "bai"], "一百"),
    (105, ["1", "bai", "0", "5"], "一百零五"),
    (110, ["1", "bai", "1", "shi"], "一百一十"),
    (999, ["9", "bai", "9", "shi", "9"], "九百九十九"),
])
def test_windows_are_read_as_numbers(window, clips, said):
    assert window_clips(window) == clips
    assert announcement("A001", window).spoken.endswith(f"到{said}号窗口办理")


def test_ticket_numbers_are_read_digit_by_digit_as_halls_say_them():
    assert ticket_clips("A001") == ["A", "0", "0", "1"]
    assert ticket_clips("B017") == ["B", "0", "1", "7"]
    call = announcement("A001", 3)
    assert call.clips == ("qing", "A", "0", "0", "1", "hao", "dao", "3", "hao", "chuangkou_banli")
    assert call.text == "请 A001 号到 3 号窗口办理"
    assert call.spoken == "请A零零一号到三号窗口办理"
    assert call.repeat == 2


@pytest.mark.parametrize("number", ["a001", "A01", "AB01", "", "A00001", "1001"])
def test_what_the_voice_cannot_read_is_refused(number):
    with pytest.raises(NotAnnounceable):
        announcement(number, 3)
    with pytest.raises(NotAnnounceable):
        announcement("A001", 0)


def test_every_clip_is_shipped_in_one_format():
    voice = Voice()
    assert voice.check() == []
    formats = {voice.clip(name).format for name in ALL_CLIPS}
    assert len(formats) == 1
    (shape,) = formats
    assert (shape.channels, shape.sample_width) == (1, 2)
    assert sorted(p.stem for p in default_folder().glob("*.wav")) == sorted(ALL_CLIPS)


def test_make_clips_checks_the_committed_clips():
    result = subprocess.run([sys.executable, str(REPO / "resources" / "sounds" / "make_clips.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_call_is_said_twice_with_a_pause():
    voice = Voice()
    call = announcement("A001", 3)
    clips = sum(voice.clip(name).duration for name in call.clips)
    data = voice.render(call)
    with wave.open(io.BytesIO(data)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        rate = wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    duration = wav_duration(data)
    assert duration == pytest.approx(2 * clips + PAUSE, abs=2 / rate)
    assert voice.duration(call) == pytest.approx(duration, abs=1e-9)
    assert 3.0 < clips < 8.0  # a call takes seconds, not milliseconds nor minutes
    # The second saying is the first one again, after the pause's silence.
    half = round(clips * rate) * 2
    pause = round(PAUSE * rate) * 2
    assert frames[:half] == frames[half + pause:]
    assert frames[half:half + pause] == b"\x00" * pause


def test_the_pause_is_configurable(tmp_path):
    call = announcement("C105", 12)
    short, long = Voice(pause=0.2), Voice(pause=1.5)
    assert long.duration(call) - short.duration(call) == pytest.approx(1.3, abs=1e-3)
    path = tmp_path / "call.wav"
    assert short.write(call, path) == pytest.approx(short.duration(call))
    assert wav_duration(path.read_bytes()) == pytest.approx(short.duration(call))


def _copy_clips(tmp_path: Path) -> Path:
    folder = tmp_path / "zh"
    shutil.copytree(default_folder(), folder)
    return folder


def test_a_missing_clip_is_named(tmp_path):
    folder = _copy_clips(tmp_path)
    (folder / "chuangkou_banli.wav").unlink()
    voice = Voice(folder)
    with pytest.raises(VoiceError) as raised:
        voice.render(announcement("A001", 3))
    assert raised.value.clip == "chuangkou_banli"
    assert "chuangkou_banli" in str(raised.value) and "missing" in str(raised.value)
    assert voice.check() == [str(raised.value)]
    # Calls that do not need it are still said.
    with pytest.raises(VoiceError):
        voice.duration(announcement("B002", 4))


def test_a_broken_clip_and_a_clip_of_another_format_are_named(tmp_path):
    folder = _copy_clips(tmp_path)
    (folder / "7.wav").write_bytes(b"not a wav at all")
    with wave.open(str(folder / "B.wav"), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x01\x00" * 800)
    voice = Voice(folder)
    with pytest.raises(VoiceError) as broken:
        voice.render(announcement("A007", 1))
    assert broken.value.clip == "7" and "not a usable WAV" in str(broken.value)
    with pytest.raises(VoiceError) as other:
        voice.render(announcement("B001", 1))
    assert other.value.clip == "B" and "8000 Hz" in str(other.value)
    assert voice.render(announcement("A001", 1))  # the good clips still work


def test_the_odd_clip_is_named_whichever_is_read_first(tmp_path):
    folder = _copy_clips(tmp_path)
    with wave.open(str(folder / "B.wav"), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes(b"\x01\x00" * 800)
    voice = Voice(folder)
    with pytest.raises(VoiceError) as raised:
        voice.clip("B")  # before any other clip
    assert raised.value.clip == "B" and "stereo" in str(raised.value)
