"""Record the voice clips of the hall's call announcements, once, with espeak-ng.

    python resources/sounds/make_clips.py            # writes resources/sounds/zh/*.wav
    python resources/sounds/make_clips.py --check    # only checks the clips that are there

The announcement 「请 A001 号到 3 号窗口办理」 is put together at run time from these
clips (workstation/app/voice.py), so a call is spoken fully offline with no speech engine
on the display PC. The clips are committed; run this again only to change the voice.

Why pinyin and not characters: espeak-ng's Mandarin voice reads some characters from its
dictionary as spelled-out pinyin in English ("请" as "qing three"); the same voice fed
pinyin with tone numbers (`-v cmn-latn-pinyin`) says every syllable right. Latin capitals
are read by that voice the way Chinese speakers read letters (A 诶, B 比, …).

Every clip is trimmed of its leading and trailing silence (a little is kept so syllables do
not run together), brought to one loudness, and written as mono 16-bit PCM at one sample
rate. Needs only the standard library and the espeak-ng program (Debian: apt-get install
espeak-ng, version 1.51 here). Regenerating with another espeak-ng may change the bytes.
"""

from __future__ import annotations

import argparse
import array
import io
import shutil
import subprocess
import sys
import wave
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "zh"
VOICE = "cmn-latn-pinyin"
SPEED = 150  # words per minute; espeak's default 175 is quick for elderly listeners
RATE = 22050  # what espeak-ng writes
KEEP_BEFORE = 0.02  # seconds of silence kept before a clip
KEEP_AFTER = 0.05  # and after it
THRESHOLD = 400  # |sample| above this is sound (16-bit full scale is 32767)
LOUDNESS = 4000  # RMS every clip is brought to, so no syllable sticks out of a call
PEAK = 29000  # and no sample goes above this

# clip name -> what the voice is given. The names are those of workstation.domain.announce.
CLIPS: dict[str, str] = {
    "qing": "qing3",  # 请
    "hao": "hao4",  # 号
    "dao": "dao4",  # 到
    "chuangkou_banli": "chuang1 kou3 ban4 li3",  # 窗口办理
    "shi": "shi2",  # 十
    "bai": "bai3",  # 百
    **{str(d): s for d, s in enumerate(
        ["ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3"])},
    **{letter: letter for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
}


def speak(text: str, voice: str = VOICE, speed: int = SPEED) -> tuple[int, array.array]:
    """espeak-ng's WAV of `text`: its sample rate and 16-bit mono samples."""
    result = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text],
                            capture_output=True, check=True)
    with wave.open(io.BytesIO(result.stdout)) as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise SystemExit(f"espeak-ng gave {wav.getnchannels()} channels of {wav.getsampwidth()} bytes")
        rate = wav.getframerate()
        samples = array.array("h", wav.readframes(wav.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return rate, samples


def trim(samples: array.array, rate: int) -> array.array:
    loud = [i for i, s in enumerate(samples) if abs(s) > THRESHOLD]
    if not loud:
        raise SystemExit("espeak-ng produced silence")
    start = max(0, loud[0] - int(KEEP_BEFORE * rate))
    end = min(len(samples), loud[-1] + int(KEEP_AFTER * rate))
    return samples[start:end]


def level(samples: array.array) -> array.array:
    """The clip at the common loudness, its peaks kept below clipping."""
    rms = (sum(s * s for s in samples) / len(samples)) ** 0.5
    gain = min(LOUDNESS / rms, PEAK / max(abs(s) for s in samples))
    return array.array("h", (round(s * gain) for s in samples))


def write(path: Path, samples: array.array, rate: int) -> None:
    if sys.byteorder == "big":
        samples = array.array("h", samples)
        samples.byteswap()
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())


def check(folder: Path) -> list[str]:
    """Problems with the clips in `folder`: missing, unreadable, or of another format."""
    problems = []
    for name in CLIPS:
        path = folder / f"{name}.wav"
        try:
            with wave.open(str(path)) as wav:
                shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getcomptype())
                if shape != (1, 2, RATE, "NONE"):
                    problems.append(f"{path.name}: {shape}, expected mono 16-bit PCM at {RATE} Hz")
                elif wav.getnframes() == 0:
                    problems.append(f"{path.name}: empty")
        except FileNotFoundError:
            problems.append(f"{path.name}: missing")
        except (wave.Error, EOFError) as exc:
            problems.append(f"{path.name}: not a WAV file ({exc})")
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder of the clips (default {OUT})")
    parser.add_argument("--voice", default=VOICE)
    parser.add_argument("--speed", type=int, default=SPEED)
    parser.add_argument("--check", action="store_true", help="only check the clips in --out")
    args = parser.parse_args(argv)
    if not args.check:
        if shutil.which("espeak-ng") is None:
            print("espeak-ng is not installed (Debian: apt-get install espeak-ng)", file=sys.stderr)
            return 2
        args.out.mkdir(parents=True, exist_ok=True)
        for name, text in CLIPS.items():
            rate, samples = speak(text, args.voice, args.speed)
            if rate != RATE:
                print(f"espeak-ng wrote {rate} Hz, expected {RATE}", file=sys.stderr)
                return 1
            clip = level(trim(samples, rate))
            write(args.out / f"{name}.wav", clip, rate)
            print(f"{name:>16}  {text:<24} {len(clip) / rate:.2f} s")
    problems = check(args.out)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
