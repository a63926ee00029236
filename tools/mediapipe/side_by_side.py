"""mirrorcue against MediaPipe Pose, side by side in one run, on one clip (default: the 1768x994 walk clip).

    python3 tools/mediapipe/side_by_side.py [CLIP] [--mirrorcue PATH] [--runs 3]

An optional benchmark, not a test. The first run makes a virtual environment of its own
(`~/.cache/mirrorcue/mediapipe-0.10.14`, or `MIRRORCUE_MP_VENV`) and installs `mediapipe==0.10.14` into it from PyPI.

- MediaPipe: the legacy `mp.solutions.pose` solution, as people run it on a video: tracking on
  (`static_image_mode=False`), smoothing on, `model_complexity=1` (BlazePose full). Frames decoded with OpenCV and
  converted to RGB inside the timed loop; the model loads before it.
- mirrorcue: `mirrorcue analyze CLIP --model blazepose-full` and `--model movenet-lightning`, results written to
  /dev/null; its own count (frames, seconds from the first frame read to the last written, decoding included, the
  models loaded before).

The best of `--runs` runs of each is kept (the least disturbed by whatever else the machine does). Prints frames per
second, the ratio of BlazePose full to MediaPipe (goal: 1.5 or more) and Lightning's frames per second (goal: 150).
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT_CLIP = os.path.join(ROOT, "tests", "data", "videos", "sports2d_demo_walk_jumpingjacks_h264.mp4")
MEDIAPIPE = "mediapipe==0.10.14"
VENV = os.environ.get("MIRRORCUE_MP_VENV", os.path.expanduser("~/.cache/mirrorcue/mediapipe-0.10.14"))


def venv_python():
    """The venv's python, made and filled with MediaPipe the first time."""
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        print(f"making {VENV} with {MEDIAPIPE} (once) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([py, "-m", "pip", "install", "--quiet", MEDIAPIPE], check=True)
    return py


def mediapipe_fps(clip):
    """Runs inside the venv: MediaPipe Pose on every frame of `clip`; prints 'frames seconds'."""
    import cv2
    import mediapipe as mp

    pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=True,
                                  enable_segmentation=False)
    cap = cv2.VideoCapture(clip)
    frames, found = 0, 0
    start = time.perf_counter()
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        result = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        frames += 1
        found += result.pose_landmarks is not None
    secs = time.perf_counter() - start
    print(f"{frames} {secs} {found}")


def run_mediapipe(clip):
    out = subprocess.run([venv_python(), os.path.abspath(__file__), "--inside-venv", clip], check=True,
                         capture_output=True, text=True).stdout.split()
    frames, secs, found = int(out[0]), float(out[1]), int(out[2])
    return frames / secs, frames, found


def run_mirrorcue(binary, clip, model):
    err = subprocess.run([binary, "analyze", clip, "--model", model, "-o", os.devnull], check=True,
                         capture_output=True, text=True).stderr
    m = re.search(r"analysed (\d+) frames in ([\d.]+) s \(([\d.]+) frames/s\); a person in (\d+)", err)
    if not m:
        sys.exit(f"could not read mirrorcue's count from:\n{err}")
    return float(m.group(3)), int(m.group(1)), int(m.group(4))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("clip", nargs="?", default=DEFAULT_CLIP)
    ap.add_argument("--mirrorcue", default=os.path.join(ROOT, "target", "release", "mirrorcue"),
                    help="the mirrorcue binary (default: target/release/mirrorcue)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--inside-venv", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inside_venv:
        return mediapipe_fps(args.clip)
    if not os.path.exists(args.mirrorcue):
        sys.exit(f"{args.mirrorcue} not found: build it with `cargo build --release`, or pass --mirrorcue")

    def best(f):
        return max((f() for _ in range(args.runs)), key=lambda r: r[0])

    mp_fps, n, mp_found = best(lambda: run_mediapipe(args.clip))
    full_fps, n_full, full_found = best(lambda: run_mirrorcue(args.mirrorcue, args.clip, "blazepose-full"))
    light_fps, n_light, light_found = best(lambda: run_mirrorcue(args.mirrorcue, args.clip, "movenet-lightning"))
    print(f"clip: {args.clip} ({n} frames); best of {args.runs} runs each, decoding included")
    print(f"MediaPipe Pose 0.10.14 (full, tracking, smoothing): {mp_fps:6.1f} frames/s, a person in {mp_found}")
    print(f"mirrorcue BlazePose full:                          {full_fps:6.1f} frames/s, a person in {full_found}")
    print(f"mirrorcue MoveNet Lightning:                       {light_fps:6.1f} frames/s, a person in {light_found}")
    print(f"ratio BlazePose full / MediaPipe: {full_fps / mp_fps:.2f} (goal 1.5 or more); "
          f"Lightning {light_fps:.0f} frames/s (goal 150)")


if __name__ == "__main__":
    main()
