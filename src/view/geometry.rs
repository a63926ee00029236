//! Plain rectangle geometry for views and overlays: fitting a picture into a pane, and keeping drawing inside the
//! picture. No egui here; the UI converts to its own types at the edge.

/// An axis-aligned rectangle, `x0 ≤ x1`, `y0 ≤ y1` (any unit: normalised display coordinates or screen pixels,
/// origin top-left, y down).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
}

impl Rect {
    /// The unit rectangle (0, 0)–(1, 1): a whole normalised image.
    pub const UNIT: Rect = Rect { x0: 0.0, y0: 0.0, x1: 1.0, y1: 1.0 };

    /// The rectangle with these edges (swapped if given the wrong way round).
    pub fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> Rect {
        Rect { x0: x0.min(x1), y0: y0.min(y1), x1: x0.max(x1), y1: y0.max(y1) }
    }

    /// The rectangle of `size` (width, height) with its top-left corner at `min`.
    pub fn from_min_size(min: (f32, f32), size: (f32, f32)) -> Rect {
        Rect::new(min.0, min.1, min.0 + size.0, min.1 + size.1)
    }

    /// Width.
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    /// Height.
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    /// The centre point.
    pub fn center(&self) -> (f32, f32) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }

    /// Whether `p` is inside or on the edge.
    pub fn contains(&self, p: (f32, f32)) -> bool {
        p.0 >= self.x0 && p.0 <= self.x1 && p.1 >= self.y0 && p.1 <= self.y1
    }

    /// Whether `other` lies wholly inside this one.
    pub fn contains_rect(&self, other: &Rect) -> bool {
        other.x0 >= self.x0 && other.x1 <= self.x1 && other.y0 >= self.y0 && other.y1 <= self.y1
    }

    /// Whether the two overlap with a positive area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    /// Grown by `d` on every side (shrunk for negative `d`).
    pub fn expand(&self, d: f32) -> Rect {
        Rect { x0: self.x0 - d, y0: self.y0 - d, x1: self.x1 + d, y1: self.y1 + d }
    }

    /// The point of this rectangle's edge or inside nearest to `p`.
    pub fn nearest_point(&self, p: (f32, f32)) -> (f32, f32) {
        (p.0.clamp(self.x0, self.x1), p.1.clamp(self.y0, self.y1))
    }

    /// A rectangle given in normalised coordinates of this one (0..1 across it), in this one's units: where a
    /// normalised picture rectangle lands on screen.
    pub fn sub(&self, normalised: &Rect) -> Rect {
        let (w, h) = (self.width(), self.height());
        Rect {
            x0: self.x0 + normalised.x0 * w,
            y0: self.y0 + normalised.y0 * h,
            x1: self.x0 + normalised.x1 * w,
            y1: self.y0 + normalised.y1 * h,
        }
    }

    /// A normalised point of this rectangle (0..1 across it) in this one's units.
    pub fn at(&self, normalised: (f32, f32)) -> (f32, f32) {
        (self.x0 + normalised.0 * self.width(), self.y0 + normalised.1 * self.height())
    }
}

/// The largest rectangle of `aspect` (width / height) centred in `avail`: where an image is shown in a pane.
/// Returns `avail` itself for a degenerate aspect or pane.
pub fn fit(avail: Rect, aspect: f32) -> Rect {
    if aspect.is_nan() || aspect <= 0.0 || avail.width() <= 0.0 || avail.height() <= 0.0 {
        return avail;
    }
    let (w, h) = if avail.width() / avail.height() > aspect {
        (avail.height() * aspect, avail.height())
    } else {
        (avail.width(), avail.width() / aspect)
    };
    let (cx, cy) = avail.center();
    Rect::new(cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0)
}

/// The part of the segment `a`–`b` inside `rect` (Liang–Barsky), or `None` when none of it is.
pub fn clip_segment(a: (f32, f32), b: (f32, f32), rect: &Rect) -> Option<((f32, f32), (f32, f32))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for (p, q) in [(-dx, a.0 - rect.x0), (dx, rect.x1 - a.0), (-dy, a.1 - rect.y0), (dy, rect.y1 - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    Some(((a.0 + t0 * dx, a.1 + t0 * dy), (a.0 + t1 * dx, a.1 + t1 * dy)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_centres_the_picture() {
        let r = fit(Rect::new(0.0, 0.0, 200.0, 100.0), 1.0);
        assert_eq!(r, Rect::new(50.0, 0.0, 150.0, 100.0));
        let r = fit(Rect::new(0.0, 0.0, 100.0, 300.0), 2.0);
        assert_eq!(r, Rect::new(0.0, 125.0, 100.0, 175.0));
        assert_eq!(fit(Rect::UNIT, f32::NAN), Rect::UNIT);
    }

    #[test]
    fn segments_are_clipped_to_the_rectangle() {
        let r = Rect::UNIT;
        assert_eq!(clip_segment((0.2, 0.2), (0.8, 0.8), &r), Some(((0.2, 0.2), (0.8, 0.8))));
        let (a, b) = clip_segment((0.5, 0.5), (0.5, 1.5), &r).unwrap();
        assert_eq!((a, b), ((0.5, 0.5), (0.5, 1.0)));
        let (a, b) = clip_segment((-1.0, 0.5), (2.0, 0.5), &r).unwrap();
        assert_eq!((a, b), ((0.0, 0.5), (1.0, 0.5)));
        assert_eq!(clip_segment((1.2, 0.0), (1.5, 1.0), &r), None);
        assert_eq!(clip_segment((-0.5, 0.4), (0.4, -0.5), &r), None, "passes the corner outside");
    }

    #[test]
    fn overlap_ignores_touching_edges() {
        let a = Rect::new(0.0, 0.0, 1.0, 1.0);
        assert!(!a.overlaps(&Rect::new(1.0, 0.0, 2.0, 1.0)));
        assert!(a.overlaps(&Rect::new(0.9, 0.9, 2.0, 2.0)));
        assert!(Rect::new(0.0, 0.0, 10.0, 10.0).contains_rect(&Rect::new(1.0, 1.0, 2.0, 2.0)));
    }
}
