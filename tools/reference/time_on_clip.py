"""Times the Python reference pipeline per frame on a video clip (default: the bundled squat recording), for a
like-for-like comparison with `mirrorcue bench` on the same frames.

    python3 tools/reference/time_on_clip.py [CLIP] [--runs 2]

Frames are decoded once with the ffmpeg command line (decoding is not timed). Each model runs its reference
single-frame pipeline (preset `upstream`: MoveNet on the letterboxed frame; BlazePose detector -> crop -> landmarks)
on every frame; the per-frame pose stage (pre-processing + inference + decoding) is reported as median and p95 in ms.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import reference_pipeline as ref  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CLIP = os.path.join(HERE, "..", "..", "assets", "recordings", "tfjs_pose_squats.mp4")


def decode(path):
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "stream=width,height",
                            "-of", "json", path], capture_output=True, check=True, text=True)
    s = json.loads(probe.stdout)["streams"][0]
    w, h = s["width"], s["height"]
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    n = len(raw) // (w * h * 3)
    return [np.frombuffer(raw, np.uint8, w * h * 3, i * w * h * 3).reshape(h, w, 3) for i in range(n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("clip", nargs="?", default=DEFAULT_CLIP)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    frames = decode(args.clip)
    preset = ref.PRESETS["upstream"]
    print(f"{len(frames)} frames of {os.path.basename(args.clip)}; loadavg {os.getloadavg()[0]:.2f}")
    for model in ref.MODEL_NAMES:
        totals = []
        for r in range(args.runs + 1):
            for img in frames:
                tt = {}
                if model.startswith("movenet"):
                    ref.run_movenet(img, model.split("_")[1], preset["movenet"], tt)
                else:
                    ref.run_blazepose(img, model.split("_")[1], preset["blaze"], tt)
                if r == 0 or "no_detection" in tt:
                    continue
                totals.append(sum(v[0] for k, v in tt.items() if isinstance(v, list)) * 1e3)
        totals.sort()
        p95 = totals[min(len(totals) - 1, int(0.95 * len(totals)))]
        print(f"{model:18} pose stage median {statistics.median(totals):6.2f} ms, p95 {p95:6.2f} ms ({len(totals)} frames)")


if __name__ == "__main__":
    main()
