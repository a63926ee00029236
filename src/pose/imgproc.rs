//! Image sampling for model inputs: axis-aligned and rotated crops, letterboxing, written straight into tensors.
//!
//! Everything is one operation, an affine resampling: each output pixel maps to a source position, read with
//! bilinear interpolation, zero (or the nearest edge pixel) outside the image. No intermediate image is made. Which
//! source position an output pixel reads is the sampling [`Grid`]: its centre's (the geometric rule), or, as
//! MediaPipe's CPU pipeline does through OpenCV, the map applied to its index.

use image::RgbImage;

/// An affine map from output pixel coordinates to source pixel coordinates:
/// `x = a·u + b·v + c`, `y = d·u + e·v + f`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Affine {
    /// Coefficients `[a, b, c, d, e, f]`.
    pub m: [f32; 6],
}

impl Affine {
    /// Maps an `out_w` × `out_h` output onto the source rectangle with top-left (`x0`, `y0`) and size `w` × `h`
    /// (source pixels; may extend beyond the image, which reads as black).
    pub fn crop(x0: f32, y0: f32, w: f32, h: f32, out_w: usize, out_h: usize) -> Affine {
        let sx = w / out_w as f32;
        let sy = h / out_h as f32;
        Affine { m: [sx, 0.0, x0, 0.0, sy, y0] }
    }

    /// Maps an `out_size` square output onto a square of side `side` centred at (`cx`, `cy`), rotated by
    /// `rotation` radians (positive turns the crop clockwise on screen, y pointing down), as MediaPipe's rotated
    /// regions of interest are.
    pub fn rotated_square(cx: f32, cy: f32, side: f32, rotation: f32, out_size: usize) -> Affine {
        let s = side / out_size as f32;
        let (sin, cos) = rotation.sin_cos();
        // du = u·s − side/2, dv = v·s − side/2; x = cx + cos·du − sin·dv; y = cy + sin·du + cos·dv.
        let h = side / 2.0;
        Affine { m: [cos * s, -sin * s, cx - cos * h + sin * h, sin * s, cos * s, cy - sin * h - cos * h] }
    }

    /// Applies the map to a point.
    pub fn apply(&self, u: f32, v: f32) -> (f32, f32) {
        let m = &self.m;
        (m[0] * u + m[1] * v + m[2], m[3] * u + m[4] * v + m[5])
    }

    /// The inverse map, if the map is invertible.
    pub fn inverse(&self) -> Option<Affine> {
        let [a, b, c, d, e, f] = self.m;
        let det = a * e - b * d;
        if det.abs() < 1e-12 {
            return None;
        }
        let ia = e / det;
        let ib = -b / det;
        let id = -d / det;
        let ie = a / det;
        Some(Affine { m: [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)] })
    }
}

/// What positions outside the source image read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Border {
    /// Black (0), like a letterbox.
    Zero,
    /// The nearest edge pixel (MediaPipe's default for the landmark crop).
    Replicate,
}

/// Which source position each output pixel reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grid {
    /// The output pixel's centre `(u + ½, v + ½)` maps to a continuous source position (source pixel centres at
    /// `i + ½`): the geometric rule, under which a crop's content sits exactly where the map puts it.
    Centres,
    /// OpenCV's rule (`warpAffine`, `warpPerspective`), which MediaPipe's `ImageToTensorCalculator` follows on the
    /// CPU: the output pixel index `(u, v)` maps to a source index (pixel centres at integers). Against
    /// [`Centres`](Grid::Centres) the content moves by half an output pixel less half a source pixel (1.5 source
    /// pixels along each axis for BlazePose's 256-pixel crop of a 1000-pixel square). Through MediaPipe's crop,
    /// BlazePose's landmark model finds MediaPipe's landmarks (to 0.13 px) only on this grid
    /// (`tests/pose_reference.rs`).
    OpenCv,
}

/// Resamples `src` through `map` into an `out_w` × `out_h` × 3 (HWC, RGB) buffer, converting each channel value
/// (0..255, as f32) with `convert`. Output pixels read the source where `grid` says; positions outside the source
/// read as `border` says.
#[allow(clippy::too_many_arguments)]
pub fn sample_rgb<T: Copy>(
    src: &RgbImage,
    map: &Affine,
    grid: Grid,
    border: Border,
    out_w: usize,
    out_h: usize,
    out: &mut [T],
    convert: impl Fn(f32) -> T,
) {
    assert_eq!(out.len(), out_w * out_h * 3, "output buffer size");
    let (w, h) = (src.width() as i64, src.height() as i64);
    let raw: &[u8] = src.as_raw();
    let stride = (w * 3) as usize;
    let [a, b, c, d, e, f] = map.m;
    let zero = convert(0.0);
    // Fixed point, 16 fractional bits: positions step by exact integers along a row and bilinear weights are 8-bit
    // integers, so the common case needs no float conversion but the output's.
    const ONE: f64 = 65536.0;
    let (step_x, step_y) = ((a as f64 * ONE).round() as i64, (d as f64 * ONE).round() as i64);
    // Output pixel u reads at `u + at_out` through the map, less `to_index` into pixel-index space.
    let (at_out, to_index) = match grid {
        Grid::Centres => (0.5, 0.5),
        Grid::OpenCv => (0.0, 0.0),
    };
    for v in 0..out_h {
        let vc = v as f64 + at_out;
        // Source position the first output pixel of this row reads, in pixel-index space (centres at integers).
        let mut xq = (((a as f64) * at_out + (b as f64) * vc + c as f64 - to_index) * ONE).round() as i64;
        let mut yq = (((d as f64) * at_out + (e as f64) * vc + f as f64 - to_index) * ONE).round() as i64;
        let row = &mut out[v * out_w * 3..(v + 1) * out_w * 3];
        for px in row.chunks_exact_mut(3) {
            let (xi, yi) = (xq >> 16, yq >> 16);
            if xq >= 0 && yq >= 0 && xi + 1 < w && yi + 1 < h {
                // Fast path: all four taps inside the image.
                let fx = ((xq >> 8) & 0xFF) as u32;
                let fy = ((yq >> 8) & 0xFF) as u32;
                let i00 = yi as usize * stride + xi as usize * 3;
                let top = &raw[i00..i00 + 6];
                let bot = &raw[i00 + stride..i00 + stride + 6];
                for (ch, out) in px.iter_mut().enumerate() {
                    let t = top[ch] as u32 * (256 - fx) + top[ch + 3] as u32 * fx;
                    let u = bot[ch] as u32 * (256 - fx) + bot[ch + 3] as u32 * fx;
                    *out = convert((t * (256 - fy) + u * fy) as f32 * (1.0 / 65536.0));
                }
            } else if border == Border::Replicate {
                // Outside: the nearest edge pixels, by clamping the four taps (same integer arithmetic).
                let fx = ((xq >> 8) & 0xFF) as u32;
                let fy = ((yq >> 8) & 0xFF) as u32;
                let (x0, x1) = (xi.clamp(0, w - 1) as usize, (xi + 1).clamp(0, w - 1) as usize);
                let (y0, y1) = (yi.clamp(0, h - 1) as usize, (yi + 1).clamp(0, h - 1) as usize);
                let (r0, r1) = (y0 * stride, y1 * stride);
                for (ch, out) in px.iter_mut().enumerate() {
                    let t = raw[r0 + x0 * 3 + ch] as u32 * (256 - fx) + raw[r0 + x1 * 3 + ch] as u32 * fx;
                    let u = raw[r1 + x0 * 3 + ch] as u32 * (256 - fx) + raw[r1 + x1 * 3 + ch] as u32 * fx;
                    *out = convert((t * (256 - fy) + u * fy) as f32 * (1.0 / 65536.0));
                }
            } else {
                let (x, y) = (xq as f32 / 65536.0, yq as f32 / 65536.0);
                let xf = x.floor();
                let yf = y.floor();
                let (x0, y0) = (xf as i64, yf as i64);
                let (fx, fy) = (x - xf, y - yf);
                if border == Border::Zero && (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) {
                    px.fill(zero);
                } else {
                    // Border: read each tap with a bounds check.
                    let tap = |xx: i64, yy: i64, ch: usize| -> f32 {
                        if xx < 0 || yy < 0 || xx >= w || yy >= h {
                            match border {
                                Border::Zero => 0.0,
                                Border::Replicate => {
                                    let (cx, cy) = (xx.clamp(0, w - 1) as usize, yy.clamp(0, h - 1) as usize);
                                    raw[cy * stride + cx * 3 + ch] as f32
                                }
                            }
                        } else {
                            raw[yy as usize * stride + xx as usize * 3 + ch] as f32
                        }
                    };
                    for (ch, out) in px.iter_mut().enumerate() {
                        let top = tap(x0, y0, ch) * (1.0 - fx) + tap(x0 + 1, y0, ch) * fx;
                        let bot = tap(x0, y0 + 1, ch) * (1.0 - fx) + tap(x0 + 1, y0 + 1, ch) * fx;
                        *out = convert(top * (1.0 - fy) + bot * fy);
                    }
                }
            }
            xq += step_x;
            yq += step_y;
        }
    }
}

/// Bilinear read of a single-channel `w` × `h` grid at continuous index position (`x`, `y`) (cell centres at
/// integers); 0 outside.
pub fn bilinear_f32(data: &[f32], w: usize, h: usize, x: f32, y: f32) -> f32 {
    let xf = x.floor();
    let yf = y.floor();
    let (fx, fy) = (x - xf, y - yf);
    let (x0, y0) = (xf as i64, yf as i64);
    let tap = |xx: i64, yy: i64| -> f32 {
        if xx < 0 || yy < 0 || xx >= w as i64 || yy >= h as i64 { 0.0 } else { data[yy as usize * w + xx as usize] }
    };
    let top = tap(x0, y0) * (1.0 - fx) + tap(x0 + 1, y0) * fx;
    let bot = tap(x0, y0 + 1) * (1.0 - fx) + tap(x0 + 1, y0 + 1) * fx;
    top * (1.0 - fy) + bot * fy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 7]))
    }

    #[test]
    fn identity_crop_reproduces_the_image() {
        let img = gradient(20, 10);
        let mut out = vec![0f32; 20 * 10 * 3];
        sample_rgb(
            &img,
            &Affine::crop(0.0, 0.0, 20.0, 10.0, 20, 10),
            Grid::Centres,
            Border::Zero,
            20,
            10,
            &mut out,
            |v| v,
        );
        for y in 0..10 {
            for x in 0..20 {
                let i = (y * 20 + x) * 3;
                assert_eq!(out[i], x as f32);
                assert_eq!(out[i + 1], y as f32);
                assert_eq!(out[i + 2], 7.0);
            }
        }
    }

    #[test]
    fn half_scale_averages_and_outside_is_black() {
        let img = gradient(20, 10);
        let mut out = vec![0f32; 10 * 5 * 3];
        sample_rgb(
            &img,
            &Affine::crop(0.0, 0.0, 20.0, 10.0, 10, 5),
            Grid::Centres,
            Border::Zero,
            10,
            5,
            &mut out,
            |v| v,
        );
        // Output pixel 0 centre maps to source x = 1.0 − 0.5 = 0.5: between columns 0 and 1.
        assert!((out[0] - 0.5).abs() < 1e-5);
        let mut far = vec![1f32; 4 * 4 * 3];
        sample_rgb(
            &img,
            &Affine::crop(100.0, 100.0, 4.0, 4.0, 4, 4),
            Grid::Centres,
            Border::Zero,
            4,
            4,
            &mut far,
            |v| v,
        );
        assert!(far.iter().all(|&v| v == 0.0));
        // Replicated, far outside reads the nearest corner pixel (19, 9, 7).
        sample_rgb(
            &img,
            &Affine::crop(100.0, 100.0, 4.0, 4.0, 4, 4),
            Grid::Centres,
            Border::Replicate,
            4,
            4,
            &mut far,
            |v| v,
        );
        assert_eq!(&far[..3], &[19.0, 9.0, 7.0]);
    }

    /// OpenCV's `warpAffine` (and so MediaPipe on the CPU) reads output index u at source index M(u): halving a
    /// gradient, output pixel 0 reads column 0 exactly and pixel 3 column 6, where the centres' rule reads between
    /// columns (0.5, 6.5).
    #[test]
    fn the_opencv_grid_reads_the_map_at_pixel_indices() {
        let img = gradient(20, 10);
        let mut out = vec![0f32; 10 * 5 * 3];
        let half = Affine::crop(0.0, 0.0, 20.0, 10.0, 10, 5);
        sample_rgb(&img, &half, Grid::OpenCv, Border::Zero, 10, 5, &mut out, |v| v);
        let x_at = |out: &[f32], u: usize, v: usize| out[(v * 10 + u) * 3];
        let y_at = |out: &[f32], u: usize, v: usize| out[(v * 10 + u) * 3 + 1];
        assert_eq!((x_at(&out, 0, 0), x_at(&out, 3, 2), y_at(&out, 3, 2)), (0.0, 6.0, 4.0));
        sample_rgb(&img, &half, Grid::Centres, Border::Zero, 10, 5, &mut out, |v| v);
        assert_eq!((x_at(&out, 0, 0), x_at(&out, 3, 2), y_at(&out, 3, 2)), (0.5, 6.5, 4.5));
    }

    #[test]
    fn rotated_square_maps_corners_and_inverts() {
        let m = Affine::rotated_square(50.0, 40.0, 20.0, std::f32::consts::FRAC_PI_2, 10);
        // The centre of the output maps to the centre.
        let (x, y) = m.apply(5.0, 5.0);
        assert!((x - 50.0).abs() < 1e-4 && (y - 40.0).abs() < 1e-4);
        // Rotated 90° clockwise (y down): the output's top-left corner lands at the source's top-right.
        let (x, y) = m.apply(0.0, 0.0);
        assert!((x - 60.0).abs() < 1e-4 && (y - 30.0).abs() < 1e-4, "{x} {y}");
        let inv = m.inverse().expect("invertible");
        let (u, v) = inv.apply(x, y);
        assert!(u.abs() < 1e-4 && v.abs() < 1e-4);
    }

    #[test]
    fn bilinear_grid() {
        let d = [0.0, 1.0, 2.0, 3.0];
        assert!((bilinear_f32(&d, 2, 2, 0.5, 0.5) - 1.5).abs() < 1e-6);
        assert_eq!(bilinear_f32(&d, 2, 2, -5.0, 0.0), 0.0);
    }
}
