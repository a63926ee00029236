#!/usr/bin/env python3
"""Reference outputs of the MediaPipe hand pipeline for tests/hands.rs, made with the numpy reference of the
MediaPipe calculators (/work/shared/models/conversion/mediapipe_ref.py) and ONNX Runtime.

Input: a folder of raw RGB frames written by mirrorcue's own decoders (so both sides see the same pixels), from
  MIRRORCUE_HANDS_DUMP=DIR cargo test --test hands -- --ignored dump_reference_inputs
  (DIR/NAME.rgb: H x W x 3 bytes; DIR/NAME.json: {"width": W, "height": H, "source": ..., "frame": i}).
Output: tests/data/hands/reference.json (or argv[2]).

For every frame: palm_detection_full on the letterboxed 192 x 192 frame (zero border), anchors, decoding, weighted
NMS, letterbox removal; for the first 2 palms the crop (rotation wrist -> middle knuckle, x2.6, shift -0.5,
square), hand_landmark_full on the 224 x 224 crop (replicated border), projection to the frame. Then one tracking
step: the crop from those landmarks (HandLandmarksToRectCalculator as in MediaPipe's C++ source, x2.0, shift -0.1,
square) and the landmark model again on it, as the next video frame would.
usage: make_reference.py DUMP_DIR [OUT_JSON]"""
import glob, json, math, os, sys
import numpy as np
import onnxruntime as ort

sys.path.insert(0, '/work/shared/models/conversion')
from mediapipe_ref import (PALM_ANCHORS, ssd_anchors, decode_ssd, weighted_nms, letterbox_roi, crop_to_tensor,
                           remove_letterbox, detection_to_rect, transform_rect, rect_pixels, project_landmarks,
                           normalize_radians)

MODELS = '/work/shared/models'
so = ort.SessionOptions(); so.intra_op_num_threads = 2
palm = ort.InferenceSession(f'{MODELS}/palm_detection_full.onnx', so, providers=['CPUExecutionProvider'])
hand = ort.InferenceSession(f'{MODELS}/hand_landmark_full.onnx', so, providers=['CPUExecutionProvider'])
anchors = ssd_anchors(**PALM_ANCHORS)


def palms(img):
    H, W = img.shape[:2]
    roi, pad = letterbox_roi(W, H, 192, 192)
    x = crop_to_tensor(img, roi, 192, 192, 0.0, 1.0, border='zero')
    b, s = palm.run(None, {'input_1': x})
    dets = weighted_nms(decode_ssd(b[0], s[0, :, 0], anchors, 192.0, 7))
    for d in dets:
        d['xmin'], d['ymin'] = remove_letterbox(d['xmin'], d['ymin'], pad)
        d['w'] /= 1 - pad[0] - pad[2]; d['h'] /= 1 - pad[1] - pad[3]
        d['kp'] = np.stack(remove_letterbox(d['kp'][:, 0], d['kp'][:, 1], pad), 1)
    return dets


def landmarks(img, r):
    H, W = img.shape[:2]
    x = crop_to_tensor(img, rect_pixels(r, W, H), 224, 224, 0.0, 1.0, border='replicate')
    lm, presence, handedness, world = hand.run(None, {'input_1': x})
    lm = lm[0].reshape(21, 3).astype(np.float64)
    p = project_landmarks(np.stack([lm[:, 0] / 224, lm[:, 1] / 224, lm[:, 2] / 224 / 0.4], 1), r)
    c, s = math.cos(r['rot']), math.sin(r['rot'])
    w = world[0].reshape(21, 3).astype(np.float64)
    wr = np.stack([c * w[:, 0] - s * w[:, 1], s * w[:, 0] + c * w[:, 1], w[:, 2]], 1)
    return p * [W, H, W], wr, float(presence[0, 0]), float(handedness[0, 0])


def rect_from_landmarks(px, W, H):
    """HandLandmarksToRectCalculator on landmarks 0,1,2,3,5,6,9,10,13,14,17,18 (pixels), normalised rect."""
    p = px[[0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18], :2] / [W, H]
    x0, y0 = p[0, 0] * W, p[0, 1] * H
    x1 = ((p[4, 0] + p[8, 0]) / 2 + p[6, 0]) / 2 * W
    y1 = ((p[4, 1] + p[8, 1]) / 2 + p[6, 1]) / 2 * H
    rot = normalize_radians(math.pi / 2 - math.atan2(-(y1 - y0), x1 - x0))
    rev = normalize_radians(-rot)
    acx, acy = (p[:, 0].max() + p[:, 0].min()) / 2, (p[:, 1].max() + p[:, 1].min()) / 2
    ox, oy = (p[:, 0] - acx) * W, (p[:, 1] - acy) * H
    qx = ox * math.cos(rev) - oy * math.sin(rev)
    qy = ox * math.sin(rev) + oy * math.cos(rev)
    pcx, pcy = (qx.max() + qx.min()) / 2, (qy.max() + qy.min()) / 2
    cx = pcx * math.cos(rot) - pcy * math.sin(rot) + W * acx
    cy = pcx * math.sin(rot) + pcy * math.cos(rot) + H * acy
    r = dict(xc=cx / W, yc=cy / H, w=(qx.max() - qx.min()) / W, h=(qy.max() - qy.min()) / H, rot=rot)
    return transform_rect(r, W, H, 2.0, 2.0, 0.0, -0.1, square_long=True)


def rnd(a, n):
    return [[round(float(v), n) for v in row] for row in a]


def main():
    dump = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), 'reference.json')
    frames = []
    for meta_path in sorted(glob.glob(f'{dump}/*.json')):
        meta = json.load(open(meta_path))
        W, H = meta['width'], meta['height']
        img = np.fromfile(meta_path[:-5] + '.rgb', dtype=np.uint8).reshape(H, W, 3)
        entry = dict(name=os.path.basename(meta_path)[:-5], source=meta['source'], frame=meta['frame'], width=W,
                     height=H, hands=[])
        for d in palms(img)[:2]:
            r = transform_rect(detection_to_rect(d, W, H, 0, 2, 90.0), W, H, 2.6, 2.6, 0.0, -0.5, square_long=True)
            px, world, presence, handedness = landmarks(img, r)
            r2 = rect_from_landmarks(px, W, H)
            px2, world2, presence2, handedness2 = landmarks(img, r2)
            cx, cy, side, _, rot = rect_pixels(r, W, H)
            cx2, cy2, side2, _, rot2 = rect_pixels(r2, W, H)
            entry['hands'].append(dict(
                palm_score=round(d['score'], 5),
                palm_keypoints=rnd(d['kp'] * [W, H], 3),
                roi=[round(cx, 3), round(cy, 3), round(side, 3), round(rot, 6)],
                landmarks=rnd(px, 3), world=rnd(world, 5), presence=round(presence, 5),
                handedness=round(handedness, 5),
                tracked=dict(roi=[round(cx2, 3), round(cy2, 3), round(side2, 3), round(rot2, 6)],
                             landmarks=rnd(px2, 3), presence=round(presence2, 5), handedness=round(handedness2, 5))))
        frames.append(entry)
        print(entry['name'], [(h['palm_score'], h['presence'], h['handedness']) for h in entry['hands']])
    doc = dict(
        made_by='tests/data/hands/make_reference.py (numpy reference of the MediaPipe calculators, '
                '/work/shared/models/conversion/mediapipe_ref.py, with ONNX Runtime %s) on frames decoded by '
                'mirrorcue (dump_reference_inputs in tests/hands.rs)' % ort.__version__,
        models=['palm_detection_full.onnx', 'hand_landmark_full.onnx'],
        units='landmarks: frame pixels x, y and depth z (MediaPipe z times the frame width); world: metres, rotated '
              'into the frame axes; roi: centre x, y, side (pixels), rotation (radians, clockwise on screen); '
              'handedness: probability of MediaPipe label "Left" (mirror-image label)',
        frames=frames)
    with open(out, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')


main()
