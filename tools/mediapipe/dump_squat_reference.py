"""MediaPipe Pose 0.10.14's own run on the squat clip, step by step, as a test oracle for mirrorcue's BlazePose.

    python3 tools/mediapipe/dump_squat_reference.py > tests/data/annotations/tfjs_pose_squats.mediapipe_0_10_14.json

Runs in the virtual environment `side_by_side.py` makes (`mediapipe==0.10.14`, made the first time). The legacy
`mp.solutions.pose` graph (BlazePose full, tracking and smoothing on, every frame stamped 1/30 s after the last, as
the solution does) with three more of its streams asked for: the detection of the first frame, and the crops
(rects) made from it and from each frame's landmarks. Frames decoded by OpenCV. Everything in frame pixels.

Output (JSON): `detection` (score, its four keypoints: mid-hip, size/rotation point, mid-shoulder, upper body),
`rect_from_detection` and `rects_from_landmarks` (cx, cy, side, rotation in radians) and `landmarks` (33 × [x, y]
per frame).
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CLIP = os.path.join(ROOT, "tests", "data", "videos", "tfjs_pose_squats.mp4")


def dump():
    import cv2
    from mediapipe.python.solution_base import SolutionBase
    from mediapipe.python.solutions import pose as mp_pose

    graph = SolutionBase(
        binary_graph_path=mp_pose._BINARYPB_FILE_PATH,
        side_inputs={"model_complexity": 1, "smooth_landmarks": True, "enable_segmentation": False,
                     "smooth_segmentation": False, "use_prev_landmarks": True},
        outputs=["pose_landmarks", "pose_detection", "pose_rect_from_detection", "pose_rect_from_landmarks"])
    cap = cv2.VideoCapture(CLIP)
    out = {"mediapipe": "0.10.14", "clip": "tests/data/videos/tfjs_pose_squats.mp4", "landmarks": [],
           "rects_from_landmarks": []}
    rect = lambda r, w, h: [round(r.x_center * w, 3), round(r.y_center * h, 3), round(r.width * w, 3),
                            round(r.rotation, 5)]
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        h, w = bgr.shape[:2]
        r = graph.process({"image": cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)})
        if r.pose_detection is not None and "detection" not in out:
            d = r.pose_detection
            out["detection"] = {"score": round(d.score[0], 5), "keypoints": [
                [round(k.x * w, 3), round(k.y * h, 3)] for k in d.location_data.relative_keypoints]}
            out["rect_from_detection"] = rect(r.pose_rect_from_detection, w, h)
        out["landmarks"].append([[round(l.x * w, 3), round(l.y * h, 3)] for l in r.pose_landmarks.landmark])
        out["rects_from_landmarks"].append(rect(r.pose_rect_from_landmarks, w, h))
    print(json.dumps(out, separators=(",", ":")))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        dump()
    else:
        sys.path.insert(0, HERE)
        from side_by_side import venv_python
        sys.exit(subprocess.run([venv_python(), os.path.abspath(__file__), "--inside"]).returncode)
