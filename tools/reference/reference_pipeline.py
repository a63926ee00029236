#!/usr/bin/env python3
"""Single-frame Python reference pipeline for mirrorcue, plus the PCK@0.2 metric.

Models (ONNX, see /work/shared/models/MANIFEST.md):
  * MoveNet SinglePose Lightning (192) / Thunder (256): whole image letterboxed to a square.
  * BlazePose (MediaPipe's one-frame path): pose_detection -> ROI -> pose_landmark_{lite,full}.

Metric: PCK@0.2 of the torso diagonal for the "main person" of each COCO photo
(see README.md in this folder: the definition and conventions that come closest to the published figures;
no combination reproduces all four exactly).

Only numpy, Pillow and onnxruntime are needed.  Usage:

  python3 reference_pipeline.py run --write  # both presets, headline metric; writes pck_reference.json
  python3 reference_pipeline.py explore      # every convention x metric variant; which reproduce the figures
  python3 reference_pipeline.py time         # per-stage median timings -> timings.json
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import onnxruntime as ort
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("MIRRORCUE_SHARED", "/work/shared")
MODELS = os.path.join(SHARED, "models")
COCO_IMAGES = os.path.join(SHARED, "testdata/images/coco")
COCO_ANN = os.path.join(SHARED, "testdata/annotations/coco/person_keypoints.json")

COCO17 = [
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle",
]
# BlazePose-33 index for each COCO-17 keypoint (eyes = BlazePose left_eye / right_eye, not inner/outer).
BLAZE33_TO_COCO17 = [0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28]

L_SHO, R_SHO, L_HIP, R_HIP = 5, 6, 11, 12


# ----------------------------------------------------------------------------------------------
# Image helpers
# ----------------------------------------------------------------------------------------------

def load_rgb(path: str) -> np.ndarray:
    """Decoded with Pillow (libjpeg), HxWx3 uint8 RGB."""
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def warp_bilinear(img: np.ndarray, out_w: int, out_h: int, m: np.ndarray, border: str) -> np.ndarray:
    """Inverse-map affine warp with bilinear interpolation (what cv2.warpAffine(..., WARP_INVERSE_MAP) does,
    without OpenCV's 1/32-pixel fixed-point rounding).

    m is 2x3: for output pixel (u, v) (integer pixel indices) the source point is m @ (u, v, 1), in source
    pixel-index coordinates (pixel centres at integers).  border: "zero" or "replicate".
    Returns float32 HxWx3 on the 0..255 scale.
    """
    h, w = img.shape[:2]
    u, v = np.meshgrid(np.arange(out_w, dtype=np.float64), np.arange(out_h, dtype=np.float64))
    sx = m[0, 0] * u + m[0, 1] * v + m[0, 2]
    sy = m[1, 0] * u + m[1, 1] * v + m[1, 2]
    x0 = np.floor(sx)
    y0 = np.floor(sy)
    fx = (sx - x0)[..., None].astype(np.float32)
    fy = (sy - y0)[..., None].astype(np.float32)
    x0 = x0.astype(np.int64)
    y0 = y0.astype(np.int64)
    x1 = x0 + 1
    y1 = y0 + 1
    src = img.astype(np.float32)
    if border == "replicate":
        def g(yy, xx):
            return src[np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)]
    elif border == "zero":
        def g(yy, xx):
            ok = ((yy >= 0) & (yy < h) & (xx >= 0) & (xx < w))[..., None]
            return np.where(ok, src[np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)], 0.0).astype(np.float32)
    else:
        raise ValueError(border)
    top = g(y0, x0) * (1 - fx) + g(y0, x1) * fx
    bot = g(y1, x0) * (1 - fx) + g(y1, x1) * fx
    return top * (1 - fy) + bot * fy


# ----------------------------------------------------------------------------------------------
# Sessions
# ----------------------------------------------------------------------------------------------

_SESSIONS: dict = {}


def session(name: str, threads: int = 2) -> ort.InferenceSession:
    key = (name, threads)
    if key not in _SESSIONS:
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.log_severity_level = 3
        _SESSIONS[key] = ort.InferenceSession(os.path.join(MODELS, name), so,
                                              providers=["CPUExecutionProvider"])
    return _SESSIONS[key]


# ----------------------------------------------------------------------------------------------
# MoveNet
# ----------------------------------------------------------------------------------------------

@dataclass
class MoveNetCfg:
    letterbox: str = "centre"     # "centre" or "topleft" (pad bottom/right)
    resize: str = "pil"           # "pil" (Pillow BILINEAR, antialiased) | "bilinear" (half-pixel, no AA)
                                  # | "tf_crop" (tf.image.cropAndResize on the padded box, as tfjs MoveNet)
    to_int: str = "round"         # "round" or "trunc" when casting to int32


def movenet_preprocess(img: np.ndarray, size: int, cfg: MoveNetCfg):
    """Returns (int32 NHWC tensor, (scale, pad_x, pad_y)) with image_xy = (input_xy - pad) / scale,
    input_xy being normalised output * size (continuous coordinates, pixel edges at integers)."""
    h, w = img.shape[:2]
    side = max(w, h)
    scale = size / side
    if cfg.resize in ("pil", "pil_bicubic", "pil_nearest", "pil_lanczos", "pil_box", "pil_hamming"):
        # Pillow resize of the whole image to round(w*scale) x round(h*scale), pasted into a black square.
        # "pil" = BILINEAR; "pil_bicubic", "pil_nearest", "pil_lanczos", "pil_box", "pil_hamming" for the others.
        flt = {"pil": Image.BILINEAR, "pil_bicubic": Image.BICUBIC, "pil_nearest": Image.NEAREST,
               "pil_lanczos": Image.LANCZOS, "pil_box": Image.BOX, "pil_hamming": Image.HAMMING}[cfg.resize]
        nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
        small = np.asarray(Image.fromarray(img).resize((nw, nh), flt), dtype=np.float32)
        canvas = np.zeros((size, size, 3), np.float32)
        if cfg.letterbox == "centre":
            ox, oy = (size - nw) // 2, (size - nh) // 2
        else:
            ox, oy = 0, 0
        canvas[oy:oy + nh, ox:ox + nw] = small
        # exact mapping of the pasted block: image x in [0, w) -> [ox, ox + nw)
        sx, sy = nw / w, nh / h
        tr = (sx, sy, ox, oy)
    elif cfg.resize in ("pilpad", "pilpad_bicubic"):
        # pad the image to a black side x side square first (centred or top-left), then Pillow-resize the square
        flt = Image.BILINEAR if cfg.resize == "pilpad" else Image.BICUBIC
        sq = np.zeros((side, side, 3), np.uint8)
        ox0, oy0 = ((side - w) // 2, (side - h) // 2) if cfg.letterbox == "centre" else (0, 0)
        sq[oy0:oy0 + h, ox0:ox0 + w] = img
        canvas = np.asarray(Image.fromarray(sq).resize((size, size), flt), dtype=np.float32)
        tr = (scale, scale, ox0 * scale, oy0 * scale)
    elif cfg.resize in ("pil_int", "thumb"):
        # like "pil" but the resized size is int(w*scale) (floor), or PIL's Image.thumbnail (JPEG draft decode off
        # here since the image is already decoded; thumbnail uses reducing_gap=2.0)
        nw, nh = max(1, int(w * scale)), max(1, int(h * scale))
        im = Image.fromarray(img)
        if cfg.resize == "thumb":
            im.thumbnail((size, size), Image.BILINEAR)
            small = np.asarray(im, dtype=np.float32)
            nh, nw = small.shape[:2]
        else:
            small = np.asarray(im.resize((nw, nh), Image.BILINEAR), dtype=np.float32)
        canvas = np.zeros((size, size, 3), np.float32)
        ox, oy = ((size - nw) // 2, (size - nh) // 2) if cfg.letterbox == "centre" else (0, 0)
        canvas[oy:oy + nh, ox:ox + nw] = small
        tr = (nw / w, nh / h, ox, oy)
    elif cfg.resize == "tf_pad":
        # tf.image.resize_with_pad (the MoveNet TF Hub tutorial): resize to floor(h/ratio) x floor(w/ratio) with
        # half-pixel bilinear (no antialias), then pad by floor((size - h/ratio)/2) (top/left) or 0.
        ratio = side / size
        rh, rw = int(math.floor(h / ratio)), int(math.floor(w / ratio))
        if cfg.letterbox == "centre":
            oy, ox = int(math.floor((size - h / ratio) / 2)), int(math.floor((size - w / ratio) / 2))
        else:
            oy, ox = 0, 0
        fx, fy = w / rw, h / rh
        m = np.array([[fx, 0, 0.5 * fx - 0.5], [0, fy, 0.5 * fy - 0.5]])
        small = warp_bilinear(img, rw, rh, m, "replicate")
        canvas = np.zeros((size, size, 3), np.float32)
        canvas[oy:oy + rh, ox:ox + rw] = small
        tr = (rw / w, rh / h, ox, oy)
    elif cfg.resize == "bilinear":
        if cfg.letterbox == "centre":
            px, py = (side - w) / 2.0, (side - h) / 2.0
        else:
            px, py = 0.0, 0.0
        # output pixel u (centre u+0.5) -> padded-square coordinate (u+0.5)/scale -> image coordinate minus pad,
        # then minus 0.5 to go to pixel-index coordinates.
        inv = 1.0 / scale
        m = np.array([[inv, 0, 0.5 * inv - 0.5 - px], [0, inv, 0.5 * inv - 0.5 - py]])
        canvas = warp_bilinear(img, size, size, m, "zero")
        tr = (scale, scale, px * scale, py * scale)
    elif cfg.resize == "tf_crop":
        # tf.image.cropAndResize(image, [[ymin, xmin, ymax, xmax]], ..., extrapolation 0): sample
        # y_in = ymin*(H-1) + i*(ymax-ymin)*(H-1)/(size-1)
        if cfg.letterbox == "centre":
            if w > h:
                xmin, xmax = 0.0, 1.0
                ymin = (h / 2 - w / 2) / h
                ymax = ymin + w / h
            else:
                ymin, ymax = 0.0, 1.0
                xmin = (w / 2 - h / 2) / w
                xmax = xmin + h / w
        else:
            xmin, ymin = 0.0, 0.0
            xmax, ymax = side / w, side / h
        ax = (xmax - xmin) * (w - 1) / (size - 1)
        ay = (ymax - ymin) * (h - 1) / (size - 1)
        m = np.array([[ax, 0, xmin * (w - 1)], [0, ay, ymin * (h - 1)]])
        canvas = warp_bilinear(img, size, size, m, "zero")
        # tfjs maps keypoints back as x_img = (xmin + x * (xmax - xmin)) * w
        sx = 1.0 / ((xmax - xmin) * w / size)
        sy = 1.0 / ((ymax - ymin) * h / size)
        tr = (sx, sy, -xmin * w * sx, -ymin * h * sy)
    else:
        raise ValueError(cfg.resize)
    if cfg.to_int == "round":
        t = np.clip(np.rint(canvas), 0, 255).astype(np.int32)
    else:
        t = np.clip(canvas, 0, 255).astype(np.int32)
    return t[None], tr


def movenet_decode(out: np.ndarray, size: int, tr) -> np.ndarray:
    """[1,1,17,3] (y, x, score) -> 17 x (x_px, y_px, score) in image pixels."""
    sx, sy, ox, oy = tr
    k = out.reshape(17, 3).astype(np.float64)
    x = (k[:, 1] * size - ox) / sx
    y = (k[:, 0] * size - oy) / sy
    return np.stack([x, y, k[:, 2]], axis=1)


def run_movenet(img: np.ndarray, variant: str, cfg: MoveNetCfg | None = None, timings: dict | None = None):
    cfg = cfg or MoveNetCfg()
    size = 192 if variant == "lightning" else 256
    sess = session(f"movenet_{variant}.onnx")
    t0 = time.perf_counter()
    inp, tr = movenet_preprocess(img, size, cfg)
    t1 = time.perf_counter()
    out = sess.run(["Identity:0"], {"input:0": inp})[0]
    t2 = time.perf_counter()
    kp = movenet_decode(out, size, tr)
    t3 = time.perf_counter()
    if timings is not None:
        timings.setdefault("pre", []).append(t1 - t0)
        timings.setdefault("infer", []).append(t2 - t1)
        timings.setdefault("decode", []).append(t3 - t2)
    return kp


# ----------------------------------------------------------------------------------------------
# BlazePose (MediaPipe pose_landmark_cpu for one frame, no tracking, no smoothing)
# ----------------------------------------------------------------------------------------------

def ssd_anchors() -> np.ndarray:
    """MediaPipe SsdAnchorsCalculator with pose_detection_cpu.pbtxt options, fixed_anchor_size -> (cx, cy) only.
    num_layers 5, strides 8,16,32,32,32, aspect_ratios [1.0], interpolated_scale_aspect_ratio 1.0 -> 2 anchors per
    layer; consecutive layers with the same stride share a feature map (7x7 x 6)."""
    strides = [8, 16, 32, 32, 32]
    anchors = []
    layer = 0
    while layer < len(strides):
        n = 0
        last = layer
        while last < len(strides) and strides[last] == strides[layer]:
            n += 2  # aspect ratio 1.0 + interpolated scale
            last += 1
        fm = math.ceil(224 / strides[layer])
        for y in range(fm):
            for x in range(fm):
                for _ in range(n):
                    anchors.append(((x + 0.5) / fm, (y + 0.5) / fm))
        layer = last
    a = np.array(anchors, np.float64)
    assert a.shape == (2254, 2), a.shape
    return a


ANCHORS = ssd_anchors()


@dataclass
class BlazeCfg:
    min_score: float = 0.5         # TensorsToDetections min_score_thresh (0.5 in MediaPipe 0.8.10+, 0.2 in some)
    nms_iou: float = 0.3           # weighted NMS, IoU
    pick: str = "score"            # "score": first after NMS = highest score (SplitDetectionVector 0..1)
                                   # "largest": largest ROI (2 x |kp0 kp1|)
    refine_heatmap: bool = True    # RefineLandmarksFromHeatmapCalculator, kernel 7, min conf 0.5
    crop_border: str = "replicate"  # ImageToTensor border for the landmark crop (BORDER_UNSPECIFIED -> replicate)
    roi_scale: float = 1.25
    det_resize: str = "warp"       # "warp" = MediaPipe ImageToTensor (bilinear, no antialias); "pil" = variant
    det_letterbox: str = "centre"  # MediaPipe: centred
    presence_gate: float = 0.5     # ThresholdingCalculator on Identity_1 (pose flag): below it, no landmarks


def blaze_detector_preprocess(img: np.ndarray, resize: str = "warp", letterbox: str = "centre"):
    """ImageToTensorCalculator: keep_aspect_ratio (centred letterbox), 224x224, BORDER_ZERO, range [-1, 1].
    OpenCV converter maps the (padded) ROI corners to the output corners (0 and 224), i.e. out = src * s.
    Returns (tensor, (sx, sy, ox, oy)) with image_xy = (xy_224 - o) / s for detector outputs in 224-px units.
    resize "pil" / letterbox "topleft" are non-MediaPipe variants kept for the exploration."""
    h, w = img.shape[:2]
    side = float(max(w, h))
    if resize == "warp":
        s = side / 224.0
        if letterbox == "centre":
            px, py = (side - w) / 2.0, (side - h) / 2.0
        else:
            px, py = 0.0, 0.0
        # src_x = (u/224) * side - pad  (u integer output index, OpenCV pixel-centre convention)
        m = np.array([[s, 0, -px], [0, s, -py]])
        t = warp_bilinear(img, 224, 224, m, "zero")
        tr = (1 / s, 1 / s, px / s, py / s)
    elif resize == "pil":
        sc = 224.0 / side
        nw, nh = max(1, round(w * sc)), max(1, round(h * sc))
        small = np.asarray(Image.fromarray(img).resize((nw, nh), Image.BILINEAR), dtype=np.float32)
        t = np.zeros((224, 224, 3), np.float32)
        ox, oy = ((224 - nw) // 2, (224 - nh) // 2) if letterbox == "centre" else (0, 0)
        t[oy:oy + nh, ox:ox + nw] = small
        tr = (nw / w, nh / h, ox, oy)
    else:
        raise ValueError(resize)
    t = t / 127.5 - 1.0
    return t[None].astype(np.float32), tr


def weighted_nms(boxes, kps, scores, iou_thr):
    """MediaPipe NonMaxSuppressionCalculator, algorithm WEIGHTED, overlap IoU. boxes: N x (xmin, ymin, xmax, ymax)
    normalised; returns list of (score, box, kps) in descending score order."""
    order = np.argsort(-scores, kind="stable")
    remained = list(order)
    out = []
    while remained:
        top = remained[0]
        b = boxes[top]
        cand, rest = [], []
        for i in remained:
            o = boxes[i]
            ix = max(0.0, min(b[2], o[2]) - max(b[0], o[0]))
            iy = max(0.0, min(b[3], o[3]) - max(b[1], o[1]))
            inter = ix * iy
            union = (b[2] - b[0]) * (b[3] - b[1]) + (o[2] - o[0]) * (o[3] - o[1]) - inter
            iou = inter / union if union > 0 else 0.0
            (cand if iou > iou_thr else rest).append(i)
        if cand:
            wts = scores[cand][:, None]
            tot = wts.sum()
            wb = (boxes[cand] * wts).sum(0) / tot
            wk = (kps[cand] * wts[:, :, None]).sum(0) / tot
        else:
            wb, wk = b, kps[top]
        out.append((float(scores[top]), wb, wk))
        if len(rest) == len(remained):
            break
        remained = rest
    return out


def blaze_decode_detections(raw_boxes, raw_scores, cfg: BlazeCfg):
    r = raw_boxes.reshape(2254, 12).astype(np.float64)
    sc = np.clip(raw_scores.reshape(2254).astype(np.float64), -100, 100)
    sc = 1.0 / (1.0 + np.exp(-sc))
    keep = sc >= cfg.min_score
    if not keep.any():
        return []
    r, sc, anc = r[keep], sc[keep], ANCHORS[keep]
    cx = r[:, 0] / 224.0 + anc[:, 0]
    cy = r[:, 1] / 224.0 + anc[:, 1]
    bw = r[:, 2] / 224.0
    bh = r[:, 3] / 224.0
    boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1)
    kps = np.stack([r[:, 4::2] / 224.0 + anc[:, :1], r[:, 5::2] / 224.0 + anc[:, 1:2]], 2)  # N x 4 x 2
    return weighted_nms(boxes, kps, sc, cfg.nms_iou)


def blaze_roi(det_kps_norm, tr, cfg: BlazeCfg):
    """DetectionLetterboxRemoval + AlignmentPointsRects (kp0 -> kp1, target 90 deg) + RectTransformation
    (scale 1.25, square_long).  det_kps_norm: 4 x 2 detector keypoints normalised to the 224 input.
    Returns (cx_px, cy_px, side_px, rotation_rad)."""
    sx, sy, ox, oy = tr
    # letterbox removal then to pixels: for MediaPipe's centred letterbox == (x_norm - 0.5) * side + w/2
    px = (det_kps_norm[:, 0] * 224.0 - ox) / sx
    py = (det_kps_norm[:, 1] * 224.0 - oy) / sy
    x0, y0, x1, y1 = px[0], py[0], px[1], py[1]
    box = 2.0 * math.hypot(x1 - x0, y1 - y0)
    rot = math.pi / 2 - math.atan2(-(y1 - y0), x1 - x0)
    rot = rot - 2 * math.pi * math.floor((rot + math.pi) / (2 * math.pi))  # NormalizeRadians
    return x0, y0, box * cfg.roi_scale, rot


def blaze_crop(img, roi, border):
    """ImageToTensorCalculator on a rotated square ROI -> 256x256 float [0,1].
    Output pixel (u, v) samples src = c + R(rot) @ ((u/256 - 0.5) * side, (v/256 - 0.5) * side)."""
    cx, cy, side, rot = roi
    c, s = math.cos(rot), math.sin(rot)
    k = side / 256.0
    m = np.array([[c * k, -s * k, cx - 0.5 * side * c + 0.5 * side * s],
                  [s * k, c * k, cy - 0.5 * side * s - 0.5 * side * c]])
    t = warp_bilinear(img, 256, 256, m, border) / 255.0
    return t[None].astype(np.float32)


def refine_from_heatmap(lm_norm, heatmap, kernel=7, min_conf=0.5):
    """MediaPipe RefineLandmarksFromHeatmapCalculator (x, y normalised to the crop; heatmap 64x64x39 logits)."""
    hm_h, hm_w, nch = heatmap.shape
    out = lm_norm.copy()
    off = (kernel - 1) // 2
    for i in range(nch):
        cc = int(lm_norm[i, 0] * hm_w)  # C++ float->int truncates toward zero
        cr = int(lm_norm[i, 1] * hm_h)
        if cc < 0 or cc >= hm_w or cr < 0 or cc >= hm_h:  # (sic) MediaPipe checks center_col twice
            continue
        c0, c1 = max(0, cc - off), min(hm_w, cc + off + 1)
        r0, r1 = max(0, cr - off), min(hm_h, cr + off + 1)
        if r0 >= r1:
            continue
        win = 1.0 / (1.0 + np.exp(-heatmap[r0:r1, c0:c1, i].astype(np.float64)))
        ssum = win.sum()
        if win.max() >= min_conf and ssum > 0:
            rows, cols = np.mgrid[r0:r1, c0:c1]
            out[i, 0] = (cols * win).sum() / hm_w / ssum
            out[i, 1] = (rows * win).sum() / hm_h / ssum
    return out


def run_blazepose(img: np.ndarray, variant: str, cfg: BlazeCfg | None = None, timings: dict | None = None,
                  info: dict | None = None):
    """Returns 33 x (x_px, y_px, visibility) or None if no person was detected."""
    cfg = cfg or BlazeCfg()
    det = session("pose_detection.onnx")
    lmk = session(f"pose_landmark_{variant}.onnx")
    t0 = time.perf_counter()
    dinp, dtr = blaze_detector_preprocess(img, cfg.det_resize, cfg.det_letterbox)
    t1 = time.perf_counter()
    raw_boxes, raw_scores = det.run(["Identity", "Identity_1"], {"input_1": dinp})
    t2 = time.perf_counter()
    dets = blaze_decode_detections(raw_boxes, raw_scores, cfg)
    if not dets:
        if timings is not None:
            timings.setdefault("no_detection", []).append(1)
        if info is not None:
            info["num_detections"] = 0
        return None
    if cfg.pick == "score":
        chosen = dets[0]
    elif cfg.pick == "largest":
        chosen = max(dets, key=lambda d: blaze_roi(d[2], dtr, cfg)[2])
    else:
        raise ValueError(cfg.pick)
    roi = blaze_roi(chosen[2], dtr, cfg)
    t3 = time.perf_counter()
    linp = blaze_crop(img, roi, cfg.crop_border)
    t4 = time.perf_counter()
    outs = lmk.run(["Identity", "Identity_1", "Identity_3"], {"input_1": linp})
    t5 = time.perf_counter()
    lm = outs[0].reshape(39, 5).astype(np.float64)
    norm = lm[:, :2] / 256.0
    if cfg.refine_heatmap:
        norm = refine_from_heatmap(norm, outs[2][0])
    cx, cy, sd, rot = roi
    c, s = math.cos(rot), math.sin(rot)
    x = norm[:33, 0] - 0.5
    y = norm[:33, 1] - 0.5
    px = (c * x - s * y) * sd + cx
    py = (s * x + c * y) * sd + cy
    vis = 1.0 / (1.0 + np.exp(-lm[:33, 3]))
    res = np.stack([px, py, vis], 1)
    t6 = time.perf_counter()
    if timings is not None:
        timings.setdefault("det_pre", []).append(t1 - t0)
        timings.setdefault("det_infer", []).append(t2 - t1)
        timings.setdefault("det_decode_roi", []).append(t3 - t2)
        timings.setdefault("lmk_pre", []).append(t4 - t3)
        timings.setdefault("lmk_infer", []).append(t5 - t4)
        timings.setdefault("lmk_decode", []).append(t6 - t5)
    presence = float(outs[1].reshape(-1)[0])
    if info is not None:
        info["num_detections"] = len(dets)
        info["det_score"] = round(float(chosen[0]), 4)
        info["roi_cx_cy_side_rot"] = [round(float(v), 3) for v in roi]
        info["presence"] = round(presence, 4)
    if presence < cfg.presence_gate:
        return None
    return res


def blaze_to_coco17(lm33: np.ndarray) -> np.ndarray:
    return lm33[BLAZE33_TO_COCO17]


# ----------------------------------------------------------------------------------------------
# Ground truth and metric
# ----------------------------------------------------------------------------------------------

def load_coco():
    with open(COCO_ANN) as f:
        d = json.load(f)
    images = sorted(d["images"], key=lambda im: im["file_name"])
    anns: dict = {}
    for a in d["annotations"]:
        anns.setdefault(a["image_id"], []).append(a)
    return images, anns


def n_labelled(a) -> int:
    k = a["keypoints"]
    return sum(1 for i in range(17) if k[3 * i + 2] > 0)


def main_person(anns, rule: str = "bbox", min_kp: int = 8):
    """Largest annotation with iscrowd == 0 and >= min_kp keypoints with v > 0.
    rule "bbox": largest bbox w*h; "area": largest segmentation area (the annotation's "area" field)."""
    cands = [a for a in anns if not a.get("iscrowd", 0) and n_labelled(a) >= min_kp]
    if not cands:
        return None
    if rule == "bbox":
        return max(cands, key=lambda a: a["bbox"][2] * a["bbox"][3])
    if rule == "area":
        return max(cands, key=lambda a: a["area"])
    raise ValueError(rule)


DIAG_RULES = ("ls_rh", "rs_lh", "mean", "max", "min", "mid", "bbox")


def torso_diagonal(a, rule: str = "ls_rh"):
    """Torso size in pixels and which definition was used.  Rules:
      ls_rh : |left_shoulder - right_hip| (both v > 0); else |right_shoulder - left_hip|; else bbox diagonal
      rs_lh : the same with the other diagonal first
      mean / max / min : of the labelled diagonals; else bbox diagonal
      mid   : |mid-shoulder - mid-hip| if all four are labelled; else bbox diagonal
      bbox  : bbox diagonal sqrt(w^2 + h^2)
    """
    k = np.array(a["keypoints"], np.float64).reshape(17, 3)

    def dist(i, j):
        if k[i, 2] > 0 and k[j, 2] > 0:
            return float(np.hypot(*(k[i, :2] - k[j, :2])))
        return None

    d1, d2 = dist(L_SHO, R_HIP), dist(R_SHO, L_HIP)
    bb = float(math.hypot(a["bbox"][2], a["bbox"][3]))
    if rule == "bbox":
        return bb, "bbox"
    if rule in ("ls_rh", "rs_lh"):
        order = [(d1, "ls_rh"), (d2, "rs_lh")] if rule == "ls_rh" else [(d2, "rs_lh"), (d1, "ls_rh")]
        for d, name in order:
            if d is not None:
                return d, name
        return bb, "bbox"
    if rule == "mid":
        if all(k[i, 2] > 0 for i in (L_SHO, R_SHO, L_HIP, R_HIP)):
            return float(np.hypot(*((k[L_SHO, :2] + k[R_SHO, :2]) / 2 - (k[L_HIP, :2] + k[R_HIP, :2]) / 2))), "mid"
        return bb, "bbox"
    ds = [d for d in (d1, d2) if d is not None]
    if not ds:
        return bb, "bbox"
    f = {"mean": lambda v: sum(v) / len(v), "max": max, "min": min}[rule]
    return f(ds), (rule if len(ds) == 2 else ("ls_rh" if d1 is not None else "rs_lh"))


def pck_person(pred17, a, alpha: float = 0.2, diag_rule: str = "ls_rh"):
    """PCK of one person.  A labelled keypoint (v > 0) is correct if the predicted point lies within
    alpha * torso diagonal (distance <= threshold).  No prediction (None) = all incorrect.
    Returns (n_labelled, n_correct, diag_px, rule_used, per-keypoint list)."""
    k = np.array(a["keypoints"], np.float64).reshape(17, 3)
    d, how = torso_diagonal(a, diag_rule)
    thr = alpha * d
    per, correct, n = [], 0, 0
    for i in range(17):
        if k[i, 2] <= 0:
            continue
        n += 1
        dist = float("inf") if pred17 is None else float(np.hypot(pred17[i, 0] - k[i, 0], pred17[i, 1] - k[i, 1]))
        ok = dist <= thr
        correct += int(ok)
        per.append({"kp": COCO17[i], "v": int(k[i, 2]), "gt_xy": [float(k[i, 0]), float(k[i, 1])],
                    "dist_px": None if math.isinf(dist) else round(dist, 3), "correct": bool(ok)})
    return n, correct, d, how, per


@dataclass
class MetricCfg:
    person_rule: str = "bbox"   # main person: largest bbox w*h (not segmentation area)
    diag_rule: str = "ls_rh"    # torso diagonal: left_shoulder -> right_hip (fallbacks: other diagonal, bbox)
    pool: str = "pooled"        # sum(correct) / sum(labelled) over the 7 photos ("mean" = mean of per-photo PCK)
    alpha: float = 0.2


def evaluate(preds: dict, images, anns, m: MetricCfg | None = None):
    """preds: file_name -> 17 x (x, y, score) in image pixels, or None.  Returns (value, pooled, mean, rows)."""
    m = m or MetricCfg()
    rows = []
    for im in images:
        a = main_person(anns.get(im["id"], []), m.person_rule)
        n, c, d, how, per = pck_person(preds[im["file_name"]], a, m.alpha, m.diag_rule)
        rows.append({"image": im["file_name"], "annotation_id": a["id"], "num_labelled": n, "num_correct": c,
                     "torso_diagonal_px": round(d, 4), "torso_rule_used": how,
                     "threshold_px": round(m.alpha * d, 4), "pck": round(c / n, 4), "keypoints": per})
    pooled = sum(r["num_correct"] for r in rows) / sum(r["num_labelled"] for r in rows)
    mean = sum(r["num_correct"] / r["num_labelled"] for r in rows) / len(rows)
    return (pooled if m.pool == "pooled" else mean), pooled, mean, rows


# ----------------------------------------------------------------------------------------------
# Presets and drivers
# ----------------------------------------------------------------------------------------------

MODEL_NAMES = ["movenet_lightning", "movenet_thunder", "blazepose_full", "blazepose_lite"]
PUBLISHED = {"movenet_lightning": 0.39, "movenet_thunder": 0.54, "blazepose_full": 0.62, "blazepose_lite": 0.55}

PRESETS = {
    # Closest to the published figures (3 of 4 exact; see README): MoveNet letterbox padded bottom/right with a
    # Pillow bilinear resize; BlazePose detector input = Pillow-resized centred letterbox, the detection with the
    # largest body ROI is used, the rest as MediaPipe.
    "closest": {"movenet": MoveNetCfg("topleft", "pil", "trunc"),
                "blaze": BlazeCfg(pick="largest", det_resize="pil")},
    # Upstream conventions: MoveNet's first frame as tfjs pose-detection runs it (centred square box,
    # tf.image.cropAndResize bilinear, int32 cast); BlazePose exactly as MediaPipe's graphs (ImageToTensor warp,
    # first = highest-score detection after weighted NMS).
    "upstream": {"movenet": MoveNetCfg("centre", "tf_crop", "trunc"), "blaze": BlazeCfg()},
}


def predict(model: str, img, preset: dict, info=None):
    if model.startswith("movenet_"):
        return run_movenet(img, model.split("_")[1], preset["movenet"])
    lm = run_blazepose(img, model.split("_")[1], preset["blaze"], info=info)
    return None if lm is None else blaze_to_coco17(lm)


def load_images(images):
    return {im["file_name"]: load_rgb(os.path.join(COCO_IMAGES, im["file_name"])) for im in images}


def cfg_dict(c):
    return dict(c.__dict__)


def cmd_run(args):
    images, anns = load_coco()
    imgs = load_images(images)
    metric = MetricCfg()
    out = {
        "description": "PCK@0.2 reference for mirrorcue, written by tools/reference/reference_pipeline.py run --write",
        "ground_truth": "shared/testdata/annotations/coco/person_keypoints.json (7 COCO train2017 photos)",
        "metric": {
            "main_person": "largest bbox w*h among annotations with iscrowd == 0 and >= 8 keypoints with v > 0",
            "torso_diagonal": "|left_shoulder - right_hip| if both v > 0; else |right_shoulder - left_hip|; "
                              "else bbox diagonal (all 7 main persons have left_shoulder and right_hip labelled)",
            "correct": "euclidean distance in image pixels <= 0.2 * torso_diagonal",
            "counted": "the main person's keypoints with v > 0; no prediction = incorrect",
            "pooling": "pck = sum(num_correct) / sum(num_labelled) over the 7 photos",
        },
        "published": PUBLISHED,
        "presets": {},
    }
    for pname, preset in PRESETS.items():
        pres = {"movenet_cfg": cfg_dict(preset["movenet"]), "blazepose_cfg": cfg_dict(preset["blaze"]), "models": {}}
        for model in MODEL_NAMES:
            preds, infos = {}, {}
            for name, img in imgs.items():
                info: dict = {}
                preds[name] = predict(model, img, preset, info)
                infos[name] = info
            value, pooled, mean, rows = evaluate(preds, images, anns, metric)
            for r in rows:
                p = preds[r["image"]]
                r["pred_xy"] = None if p is None else [[round(float(v), 3) for v in p[i, :2]] for i in range(17)]
                if model.startswith("blazepose"):
                    r["detector"] = infos[r["image"]]
            tc, tn = sum(r["num_correct"] for r in rows), sum(r["num_labelled"] for r in rows)
            pres["models"][model] = {"pck": round(pooled, 4), "pck_per_photo_mean": round(mean, 4),
                                     "total_correct": tc, "total_labelled": tn, "published": PUBLISHED[model],
                                     "matches_published": round(pooled + 1e-12, 2) == PUBLISHED[model],
                                     "images": rows}
            print(f"[{pname:8s}] {model:18s} PCK {pooled:.4f} ({tc}/{tn})  per-photo mean {mean:.4f}"
                  f"  published {PUBLISHED[model]:.2f}  per photo: "
                  + " ".join(f"{r['num_correct']}/{r['num_labelled']}" for r in rows))
        out["presets"][pname] = pres
    if args.write:
        with open(os.path.join(HERE, "pck_reference.json"), "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        print("wrote", os.path.join(HERE, "pck_reference.json"))


# ----- exploration of conventions ---------------------------------------------------------------

MOVENET_VARIANTS = [MoveNetCfg(lb, rs, ti) for lb in ("centre", "topleft") for rs, ti in (
    ("pil", "trunc"), ("pil_int", "trunc"), ("pil_bicubic", "trunc"), ("pil_nearest", "trunc"),
    ("pil_lanczos", "trunc"), ("pil_box", "trunc"), ("pil_hamming", "trunc"), ("pilpad", "trunc"),
    ("pilpad_bicubic", "trunc"), ("bilinear", "trunc"), ("bilinear", "round"), ("tf_pad", "trunc"),
    ("tf_crop", "trunc"))]
BLAZE_VARIANTS = [BlazeCfg(min_score=ms, pick=pk, refine_heatmap=rf, crop_border=cb, det_resize=dr, det_letterbox=dl)
                  for pk in ("score", "largest") for rf in (True, False) for ms in (0.5, 0.2)
                  for cb in ("replicate", "zero") for dr in ("warp", "pil") for dl in ("centre", "topleft")]
METRIC_VARIANTS = [MetricCfg(pr, dr, pool) for pr in ("bbox", "area") for dr in DIAG_RULES
                   for pool in ("pooled", "mean")]


def mn_name(c: MoveNetCfg):
    return f"{c.letterbox}/{c.resize}/{c.to_int}"


def bp_name(c: BlazeCfg):
    return (f"pick={c.pick}/refine={int(c.refine_heatmap)}/min={c.min_score}/crop_border={c.crop_border}"
            f"/det_resize={c.det_resize}/det_letterbox={c.det_letterbox}")


def cmd_explore(args):
    """Evaluates every MoveNet x metric and BlazePose x metric variant and reports which reproduce the figures."""
    images, anns = load_coco()
    imgs = load_images(images)
    preds = {}
    for v in ("lightning", "thunder"):
        for c in MOVENET_VARIANTS:
            preds[(f"movenet_{v}", mn_name(c))] = {n: run_movenet(im, v, c) for n, im in imgs.items()}
    for v in ("full", "lite"):
        for c in BLAZE_VARIANTS:
            d = {}
            for n, im in imgs.items():
                lm = run_blazepose(im, v, c)
                d[n] = None if lm is None else blaze_to_coco17(lm)
            preds[(f"blazepose_{v}", bp_name(c))] = d
        print("predictions done for", v, file=sys.stderr, flush=True)
    rows = []
    for m in METRIC_VARIANTS:
        for (model, pipe), p in preds.items():
            value, pooled, mean, r = evaluate(p, images, anns, m)
            rows.append({"model": model, "pipeline": pipe, "person_rule": m.person_rule, "diag_rule": m.diag_rule,
                         "pool": m.pool, "value": round(value, 4),
                         "match": round(value + 1e-12, 2) == PUBLISHED[model],
                         "per_image": [f"{x['num_correct']}/{x['num_labelled']}" for x in r]})
    with open(args.out, "w") as f:
        json.dump(rows, f)
    # summary
    mnames = sorted({r["pipeline"] for r in rows if r["model"].startswith("movenet")})
    bnames = sorted({r["pipeline"] for r in rows if r["model"].startswith("blaze")})
    idx = {(r["model"], r["pipeline"], r["person_rule"], r["diag_rule"], r["pool"]): r for r in rows}
    print(f"{len(mnames)} MoveNet pipelines, {len(bnames)} BlazePose pipelines, {len(METRIC_VARIANTS)} metrics")
    best = []
    for m in METRIC_VARIANTS:
        key = (m.person_rule, m.diag_rule, m.pool)
        n_ok = {mod: sum(idx[(mod, p) + key]["match"] for p in (mnames if mod.startswith("movenet") else bnames))
                for mod in MODEL_NAMES}
        both_mn = [p for p in mnames if idx[("movenet_lightning", p) + key]["match"]
                   and idx[("movenet_thunder", p) + key]["match"]]
        both_bp = [p for p in bnames if idx[("blazepose_full", p) + key]["match"]
                   and idx[("blazepose_lite", p) + key]["match"]]
        print(f"metric person={m.person_rule:4s} diag={m.diag_rule:5s} pool={m.pool:6s} pipelines matching "
              f"L/T/F/l: {n_ok['movenet_lightning']:2d} {n_ok['movenet_thunder']:2d} {n_ok['blazepose_full']:2d} "
              f"{n_ok['blazepose_lite']:2d}  both MoveNet: {len(both_mn)}  both BlazePose: {len(both_bp)}")
        for fam, names, mods in (("mn", mnames, ("movenet_lightning", "movenet_thunder")),
                                 ("bp", bnames, ("blazepose_full", "blazepose_lite"))):
            for p in names:
                err = sum(abs(idx[(mod, p) + key]["value"] - PUBLISHED[mod]) for mod in mods)
                best.append((err, fam, key, p, [idx[(mod, p) + key]["value"] for mod in mods]))
    print("closest MoveNet (sum of |value - published| over Lightning + Thunder):")
    for e in sorted(x for x in best if x[1] == "mn")[:8]:
        print(f"   {e[0]:.3f} {e[2]} {e[3]} {e[4]}")
    print("closest BlazePose (full + lite):")
    for e in sorted(x for x in best if x[1] == "bp")[:8]:
        print(f"   {e[0]:.3f} {e[2]} {e[3]} {e[4]}")
    print("wrote", args.out)


# ----- timing -------------------------------------------------------------------------------------

def cmd_time(args):
    """Per-stage timings.  Runs are interleaved (run r of every image x preset x model before run r + 1) so that
    load from other processes falls on all configurations alike; median and minimum are reported."""
    images, _ = load_coco()
    imgs = load_images(images)
    report = {"runs_per_image": args.runs, "warmup_runs_per_image": 2, "intra_op_num_threads": 2,
              "onnxruntime": ort.__version__, "numpy": np.__version__, "cpus": os.cpu_count(),
              "unit": "ms; median and min over all runs of all images (7 x runs)",
              "note": "image decoding excluded; pre = letterbox/crop + conversion to the input tensor (numpy/Pillow); "
                      "BlazePose runs without a detection (000000256353.jpg) are left out",
              "loadavg_before": [round(x, 2) for x in os.getloadavg()], "presets": {}}
    samples: dict = {}
    for r in range(args.runs + 2):
        for name, img in imgs.items():
            for pname in args.preset:
                preset = PRESETS[pname]
                for model in MODEL_NAMES:
                    tt: dict = {}
                    if model.startswith("movenet"):
                        run_movenet(img, model.split("_")[1], preset["movenet"], tt)
                    else:
                        run_blazepose(img, model.split("_")[1], preset["blaze"], tt)
                    if r < 2 or "no_detection" in tt:
                        continue
                    tt["total"] = [sum(v[0] for v in tt.values())]
                    d = samples.setdefault((pname, model), {})
                    for k, v in tt.items():
                        d.setdefault(k, []).extend(v)
    for (pname, model), d in samples.items():
        stats = {k: {"median": round(statistics.median(v) * 1e3, 3), "min": round(min(v) * 1e3, 3)}
                 for k, v in d.items()}
        report["presets"].setdefault(pname, {})[model] = stats
        print(pname, model, " ".join(f"{k} {v['median']:.2f}/{v['min']:.2f}" for k, v in stats.items()), flush=True)
    report["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    print("wrote", args.out, "loadavg before/after", report["loadavg_before"], report["loadavg_after"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("run", help="both presets, headline metric; --write writes pck_reference.json")
    p.add_argument("--write", action="store_true")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("explore", help="all pipeline x metric variants (about 2 minutes)")
    p.add_argument("--out", default="/tmp/mirrorcue_reference_explore.json")
    p.set_defaults(func=cmd_explore)
    p = sub.add_parser("time", help="per-stage median timings")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--preset", nargs="+", default=list(PRESETS), choices=list(PRESETS))
    p.add_argument("--out", default=os.path.join(HERE, "timings.json"))
    p.set_defaults(func=cmd_time)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
