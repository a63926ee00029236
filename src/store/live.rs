//! A session run in the app, filed as it goes through a [`RecordWriter`] (the live pipeline never waits on the
//! disk): mirror therapy minutes per mode, the posture protocol on screen (its checkpoints once a second, its totals
//! and best repetition's key frame), each balance trial and each walk with its numbers. A program killed mid-session
//! leaves the session unfinished with everything up to its last second (the writer's guarantee).

use std::collections::HashMap;

use super::db::{Store, StoreError};
use super::posture::{PostureActivity, PostureFrame};
use super::sessions::{ActivityKind, BodySide, NewActivity, Session};
use super::writer::{ActivityRef, RecordWriter, Sample};
use crate::balance::live::LiveResult;

/// The mirror therapy activity a view is (its name and trained side), or `None` when the view is not mirrored.
/// A split reflection trains the side that is *not* shown twice (the healthy side stands in for it).
pub fn mirror_activity(mode: crate::view::MirrorMode) -> Option<(String, Option<BodySide>)> {
    use crate::view::{MirrorMode, SplitSource};
    match mode {
        MirrorMode::Off => None,
        MirrorMode::Mirror => Some(("mirror".into(), None)),
        MirrorMode::Split { source, .. } => {
            let trained = match source {
                SplitSource::PatientLeft => Some(BodySide::Right),
                SplitSource::PatientRight => Some(BodySide::Left),
                SplitSource::Upper | SplitSource::Lower => None,
            };
            Some((format!("split reflection: {}", source.label()), trained))
        }
    }
}

/// The most stabilogram points kept in the record per trial (a 30 s trial at 25 Hz is 750: every second one).
pub const STABILOGRAM_POINTS: usize = 400;

/// A stabilogram for the record: ML and AP in cm (0.01 cm), thinned to at most [`STABILOGRAM_POINTS`].
fn stabilogram_json(s: &crate::balance::Stabilogram) -> serde_json::Value {
    let step = s.ml_cm.len().div_ceil(STABILOGRAM_POINTS).max(1);
    let thin = |v: &[f64]| v.iter().step_by(step).map(|x| crate::units::round_to(*x, 2)).collect::<Vec<_>>();
    serde_json::json!({ "ml_cm": thin(&s.ml_cm), "ap_cm": thin(&s.ap_cm) })
}

/// The running session of the app. See the [module](self).
pub struct LiveSession {
    writer: RecordWriter,
    /// Session time, s (advanced by the frames' clock, so a paused recording does not count).
    elapsed_s: f64,
    /// Mirror therapy activities by mode name, with their seconds so far.
    mirror: HashMap<String, (ActivityRef, f64)>,
    /// The posture protocol being filed.
    posture: Option<PostureActivity>,
    /// The comparison with a reference being filed, and how many of its repetitions are filed.
    comparison: Option<(ActivityRef, usize)>,
    trials: u32,
}

impl LiveSession {
    /// Starts a session for `patient` (written now).
    pub fn start(store: Store, patient: &str) -> Result<LiveSession, StoreError> {
        Ok(LiveSession {
            writer: RecordWriter::start(store, patient)?,
            elapsed_s: 0.0,
            mirror: HashMap::new(),
            posture: None,
            comparison: None,
            trials: 0,
        })
    }

    /// The session as it was started (its number, its patient).
    pub fn session(&self) -> &Session {
        self.writer.session()
    }

    /// Session time so far, s.
    pub fn elapsed_s(&self) -> f64 {
        self.elapsed_s
    }

    /// Balance trials filed.
    pub fn trials(&self) -> u32 {
        self.trials
    }

    /// The first write error, if any (a full disk).
    pub fn error(&self) -> Option<String> {
        self.writer.error()
    }

    /// Advances the session by `dt_s` of the source's time; `mirror` names the mirror therapy mode on screen
    /// ("mirror", "split reflection: patient's left shown on both sides") and its side, if one is on. Mirror time is
    /// not counted while a posture protocol is filed: its activity has that time.
    pub fn tick(&mut self, dt_s: f64, mirror: Option<(&str, Option<BodySide>)>) {
        if !(dt_s.is_finite() && dt_s > 0.0 && dt_s < 5.0) {
            return;
        }
        self.elapsed_s += dt_s;
        // While a posture protocol is filed, its activity has the time (a second counts once toward 97112).
        let Some((mode, side)) = mirror.filter(|_| self.posture.is_none()) else { return };
        let writer = &mut self.writer;
        let entry = self.mirror.entry(mode.to_string()).or_insert_with(|| {
            let r = writer.begin_activity(NewActivity {
                kind: ActivityKind::MirrorTherapy,
                name: mode.to_string(),
                side,
                source: None,
                details: serde_json::json!({ "mode": mode }).to_string(),
            });
            (r, 0.0)
        });
        let before = entry.1.floor();
        entry.1 += dt_s;
        // Once a second is enough for the minutes (and for a kill to lose at most one).
        if entry.1.floor() > before {
            writer.set_activity_seconds(entry.0, crate::units::round_s(entry.1));
        }
    }

    /// Files a frame of the posture protocol on screen (call it after [`LiveSession::tick`] for the same frame): a
    /// new protocol, or the same one started again, ends the one before and begins its own activity.
    pub fn posture_frame(
        &mut self,
        dt_s: f64,
        session: &crate::posture::PostureSession,
        result: &crate::posture::FrameResult,
        frame: &crate::frame::Frame,
        pose: Option<&crate::pose::Pose>,
    ) {
        if self.posture.as_ref().is_some_and(|p| !p.is_of(session)) {
            self.end_posture();
        }
        let writer = &mut self.writer;
        let p = self.posture.get_or_insert_with(|| PostureActivity::begin(writer, session));
        p.frame(writer, PostureFrame { dt_s, t: self.elapsed_s, session, result, frame, pose });
    }

    /// Files the repetitions of a comparison with a reference (`reps`: each finished repetition's mean similarity,
    /// 0..1, oldest first, as the comparison keeps them) that are not filed yet: one movement-comparison activity,
    /// one "similarity per repetition" value each. Its time is not counted (it runs alongside the activity that
    /// has it); `reps` shorter than before (a new reference) starts a new activity.
    pub fn comparison_reps(&mut self, reference: &str, reps: &[f32]) {
        if self.comparison.as_ref().is_some_and(|(_, filed)| reps.len() < *filed) {
            self.comparison = None;
        }
        let filed = self.comparison.as_ref().map_or(0, |(_, n)| *n);
        if reps.len() <= filed {
            return;
        }
        let writer = &mut self.writer;
        let (activity, n) = self.comparison.get_or_insert_with(|| {
            let a = writer.begin_activity(NewActivity {
                kind: ActivityKind::MovementComparison,
                name: format!("against {reference}"),
                side: None,
                source: None,
                details: serde_json::json!({ "reference": reference }).to_string(),
            });
            (a, 0)
        });
        for r in &reps[*n..] {
            let sample = Sample {
                measure: "similarity per repetition".into(),
                side: None,
                value: crate::units::round_to(f64::from(*r), 2),
                unit: "score".into(),
                time_s: crate::units::round_s(self.elapsed_s),
            };
            writer.measure(Some(*activity), sample);
        }
        *n = reps.len();
    }

    /// Ends the posture activity, if one runs (its totals and key frame are filed).
    pub fn end_posture(&mut self) {
        if let Some(p) = self.posture.take() {
            p.end(&mut self.writer);
        }
    }

    /// Files a finished balance trial: one balance-training activity with its numbers.
    pub fn balance_trial(&mut self, r: &LiveResult) {
        let side = r.stance_foot.and_then(BodySide::of);
        let details = serde_json::json!({
            "test": r.setup.title(),
            "ended_by": r.ended_by,
            "target_radius_cm": r.setup.target_radius_cm,
            "losses_at_s": r.losses.iter().map(|l| crate::units::round_s(l.at_s)).collect::<Vec<_>>(),
            "scale": r.scale_note,
            "stabilogram": r.stabilogram.as_ref().map(stabilogram_json),
            "ellipse": r.ellipse.map(|e| serde_json::json!({
                "semi_major_cm": crate::units::round_to(e.semi_major, 3),
                "semi_minor_cm": crate::units::round_to(e.semi_minor, 3),
                "angle_deg": crate::units::round_to(e.angle.to_degrees(), 1),
            })),
        });
        let activity = self.writer.begin_activity(NewActivity {
            kind: ActivityKind::BalanceTraining,
            name: r.setup.title(),
            side,
            source: None,
            details: details.to_string(),
        });
        for (name, value, unit) in r.headline() {
            // The stance time is the single-leg measure a goal names ("single-leg stance ≥ 10 s").
            let measure = match (name, r.setup.test) {
                ("trial time", crate::balance::clinical::TestKind::SingleLeg) => "single-leg stance",
                _ => name,
            };
            let sample = Sample {
                measure: measure.to_string(),
                side: if measure == "single-leg stance" { side } else { None },
                // Rounded to what it means: 0.01 cm/s, whole counts and percent, 0.1 otherwise.
                value: crate::units::round_to(
                    value,
                    match unit {
                        "cm_per_s" => 2,
                        "count" | "percent" => 0,
                        _ => 1,
                    },
                ),
                unit: unit.to_string(),
                time_s: crate::units::round_s(self.elapsed_s),
            };
            self.writer.measure(Some(activity), sample);
        }
        self.writer.set_activity_seconds(activity, crate::units::round_s(r.duration_s.max(0.0)));
        self.trials += 1;
    }

    /// Files a limits-of-stability drill: one balance-training activity with each direction's reach (cm) and time
    /// to the target (s), as measured.
    pub fn los_drill(&mut self, results: &[crate::balance::los::DirectionResult]) {
        let activity = self.writer.begin_activity(NewActivity {
            kind: ActivityKind::BalanceTraining,
            name: "limits of stability".into(),
            side: None,
            source: None,
            details: "{}".into(),
        });
        let time_s = crate::units::round_s(self.elapsed_s);
        for r in results {
            let values = [
                (format!("limits of stability reach: {}", r.direction), r.reach_cm, "cm"),
                (format!("limits of stability time: {}", r.direction), r.time_s, "seconds"),
            ];
            for (measure, value, unit) in values {
                if let Some(v) = value {
                    let value = crate::units::round_to(v, 1);
                    let sample = Sample { measure, side: None, value, unit: unit.into(), time_s };
                    self.writer.measure(Some(activity), sample);
                }
            }
        }
        self.trials += 1;
    }

    /// Files a finished walk (gait training): one gait-training activity with its measures (cadence, step-time
    /// symmetry, step times and stance per side, ...), the target and the cues shown, and the mean joint curves
    /// over the gait cycle (for today's curves against an earlier session's). A walk that could not be measured is
    /// filed with its time and the reason.
    pub fn gait_walk(&mut self, r: &crate::gait::live::WalkResult) {
        let a = r.analysis.as_ref().ok();
        let details = serde_json::json!({
            "target": r.setup.target,
            "last_steps": r.setup.last_steps,
            "cues": r.cues.iter().map(|(t, n)| serde_json::json!({ "text": t, "shown": n })).collect::<Vec<_>>(),
            "view": a.map(|a| a.view),
            "not_measured": r.analysis.as_ref().err().map(|e| e.to_string()),
            "curves": a.and_then(|a| a.curves.as_ref()),
        });
        let activity = self.writer.begin_activity(NewActivity {
            kind: ActivityKind::GaitTraining,
            name: "walk".into(),
            side: None,
            source: None,
            details: details.to_string(),
        });
        let time_s = crate::units::round_s(self.elapsed_s);
        for (measure, side, value, unit) in r.measures() {
            let sample = Sample {
                measure: measure.to_string(),
                side: side.and_then(BodySide::of),
                value,
                unit: unit.to_string(),
                time_s,
            };
            self.writer.measure(Some(activity), sample);
        }
        self.writer.set_activity_seconds(activity, crate::units::round_s(r.duration_s.max(0.0)));
    }

    /// Finishes the session; gives back the store and the session as written.
    pub fn finish(mut self) -> Result<(Store, Session), StoreError> {
        self.end_posture();
        self.writer.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::balance::live::{LiveTrial, TrialSetup};
    use crate::balance::testing::Figure;
    use crate::store::Access;
    use crate::store::patients::Patient;

    #[test]
    fn a_split_reflection_trains_the_side_not_shown_twice() {
        use crate::view::{MirrorMode, SplitSource};
        let split = |source| MirrorMode::Split { source, selfie: false };
        assert_eq!(mirror_activity(MirrorMode::Off), None);
        assert_eq!(mirror_activity(split(SplitSource::PatientRight)).unwrap().1, Some(BodySide::Left));
        assert_eq!(mirror_activity(split(SplitSource::PatientLeft)).unwrap().1, Some(BodySide::Right));
        assert_eq!(mirror_activity(MirrorMode::Mirror).unwrap().1, None);
    }

    #[test]
    fn mirror_minutes_and_a_balance_trial_are_filed_in_one_session() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path(), Access::Write).unwrap();
        store.add_patient(&Patient::new("P001")).unwrap();
        let mut live = LiveSession::start(store, "P001").unwrap();
        for _ in 0..(30 * 90) {
            live.tick(1.0 / 30.0, Some(("mirror", None)));
        }
        let mut trial = LiveTrial::new(TrialSetup { countdown_s: 0.0, duration_s: 5.0, ..Default::default() }).unwrap();
        for i in 0..200 {
            let mut f = Figure::standing();
            f.lean(0.01 * (i as f64 / 7.0).sin(), 0.01 * (i as f64 / 5.0).cos());
            trial.update(i, i as f64 / 30.0, Some(&f.pose()));
        }
        live.balance_trial(trial.result().unwrap());
        assert!((live.elapsed_s() - 90.0).abs() < 0.01);
        let (store, session) = live.finish().unwrap();
        let s = store.session("P001", session.number).unwrap();
        assert!(s.is_finished());
        let kinds: Vec<ActivityKind> = s.activities.iter().map(|a| a.kind).collect();
        assert_eq!(kinds, vec![ActivityKind::MirrorTherapy, ActivityKind::BalanceTraining]);
        assert!((s.activities[0].seconds - 90.0).abs() < 1.01, "{}", s.activities[0].seconds);
        let ms = store.measurements(s.id).unwrap();
        let area = ms.iter().find(|m| m.measure == "sway area (95% ellipse)").unwrap();
        assert_eq!(area.unit, "cm2");
        assert!(area.value > 0.0);
        assert!(ms.iter().any(|m| m.measure == "losses of balance" && m.value == 0.0));
        // The stabilogram and its ellipse are kept for the session report.
        let details: serde_json::Value = serde_json::from_str(&s.activities[1].details).unwrap();
        let ml = details["stabilogram"]["ml_cm"].as_array().unwrap();
        assert!(ml.len() > 10 && ml.len() <= STABILOGRAM_POINTS, "{}", ml.len());
        assert!(details["ellipse"]["semi_major_cm"].as_f64().unwrap() > 0.0);
    }

    /// Before: a posture protocol run in the app was not filed at all.
    #[test]
    fn a_posture_protocol_in_the_app_is_filed_with_its_totals_and_key_frame() {
        use crate::posture::{PostureSession, Protocol};
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path(), Access::Write).unwrap();
        store.add_patient(&Patient::new("P001")).unwrap();
        let mut live = LiveSession::start(store, "P001").unwrap();
        let protocol = Protocol::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/protocols/squat_knee_alignment.toml"
        )))
        .unwrap();
        let mut posture = PostureSession::new(protocol);
        let frame = crate::frame::Frame::new(image::RgbImage::new(320, 240), 0, 0.0, "test");
        // Standing, squatting deep and standing again, three times over 9 s at 10 fps.
        for i in 0..90 {
            let t = i as f64 / 10.0;
            let depth = ((t / 3.0) * std::f64::consts::TAU).sin().abs();
            let mut f = Figure::standing();
            // Seen from the front: the hips and all above them go down, the knees out (the knee angle in the
            // picture falls to about 89° at the deepest, under the protocol's 95°).
            for j in crate::pose::Joint::ALL {
                if f.get(j)[1] <= 0.0 {
                    f.shift(j, [0.0, 0.3 * depth, 0.0]);
                }
            }
            f.shift(crate::pose::Joint::LeftKnee, [0.25 * depth, 0.02 * depth, 0.0]);
            f.shift(crate::pose::Joint::RightKnee, [-0.25 * depth, 0.02 * depth, 0.0]);
            let pose = f.pose();
            let result = posture.update(t, Some(&pose));
            // The view is mirrored too: the time is counted once, for the protocol. A comparison runs alongside.
            // Its repetitions as the comparison keeps them: two by 3 s, a third by 6 s.
            if i >= 30 {
                let reps: &[f32] = if i < 60 { &[0.8, 0.9] } else { &[0.8, 0.9, 0.912] };
                live.comparison_reps("demo.mp4", reps);
            }
            live.tick(0.1, Some(("mirror", None)));
            live.posture_frame(0.1, &posture, &result, &frame, Some(&pose));
        }
        let (store, session) = live.finish().unwrap();
        let s = store.session("P001", session.number).unwrap();
        assert!((s.activity_seconds() - 9.0).abs() < 1.2, "counted once: {} s", s.activity_seconds());
        let a = s.activities.iter().find(|a| a.kind == ActivityKind::PosturalRetraining).unwrap();
        assert!((a.seconds - 9.0).abs() < 0.15, "{}", a.seconds);
        let ms = store.measurements(s.id).unwrap();
        assert!(ms.iter().any(|m| m.measure == "squats: repetitions"), "the totals: {ms:?}");
        assert!(ms.iter().filter(|m| m.unit == "torso_lengths").count() >= 8, "values once a second");
        let per_rep: Vec<f64> =
            ms.iter().filter(|m| m.measure == "similarity per repetition").map(|m| m.value).collect();
        assert_eq!(per_rep, vec![0.8, 0.9, 0.91], "each repetition once, rounded to 0.01");
        let keys = store.key_frames(s.id).unwrap();
        assert_eq!(keys.len(), 1, "the best repetition's key frame");
        assert!(keys[0].1.caption.starts_with("Best repetition"), "{}", keys[0].1.caption);
    }

    #[test]
    fn a_walk_is_filed_with_its_measures_per_side_and_its_curves() {
        use crate::gait::live::{LiveWalk, WalkSetup};
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path(), Access::Write).unwrap();
        store.add_patient(&Patient::new("P001")).unwrap();
        let mut live = LiveSession::start(store, "P001").unwrap();
        let mut walk = LiveWalk::new(WalkSetup::default()).unwrap();
        for s in crate::gait::series::testing::walk_limping(8.0, 0.1, 1.0, 0, 0.4) {
            walk.update(s.frame, s.time_s, s.pose.as_ref());
        }
        live.gait_walk(&walk.finish());
        let (store, session) = live.finish().unwrap();
        let s = store.session("P001", session.number).unwrap();
        assert_eq!(s.activities.len(), 1);
        assert_eq!(s.activities[0].kind, ActivityKind::GaitTraining);
        let ms = store.measurements(s.id).unwrap();
        let cadence = ms.iter().find(|m| m.measure == "cadence").unwrap();
        assert_eq!(cadence.unit, "steps_per_min");
        let step = |side| ms.iter().find(|m| m.measure == "step time" && m.side == Some(side)).unwrap().value;
        assert!(step(BodySide::Right) < step(BodySide::Left));
        let details: serde_json::Value = serde_json::from_str(&s.activities[0].details).unwrap();
        assert_eq!(details["curves"]["knee_flexion"]["left"]["mean_deg"].as_array().unwrap().len(), 101);
        assert_eq!(details["cues"][0]["text"], "Longer step on your right");
    }
}
