//! The therapist's controls: source, mirror mode, side, seam, model, overlay, patient screen, and the readout.

use egui::{Color32, RichText, Ui};

use super::app::{ActiveSource, MirrorcueApp};
use crate::live::SourceStatus;
use crate::pose::angles::JointAngle;
use crate::pose::{PersonSelector, PoseModel};
use crate::view::{MirrorMode, SplitSource};

/// Draws the whole control panel.
pub fn show(ui: &mut Ui, app: &mut MirrorcueApp) {
    ui.add_space(4.0);
    ui.heading("mirrorcue");
    if let Some(n) = app.notice.clone() {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(n).color(Color32::from_rgb(250, 200, 90)));
        });
        if ui.small_button("Dismiss").clicked() {
            app.notice = None;
        }
    }
    ui.separator();
    source_section(ui, app);
    ui.separator();
    mirror_section(ui, app);
    ui.separator();
    pose_section(ui, app);
    ui.separator();
    super::posture_panel::show(ui, app);
    ui.separator();
    super::compare_panel::show(ui, app);
    ui.separator();
    patient_section(ui, app);
    ui.separator();
    readout_section(ui, app);
}

fn source_section(ui: &mut Ui, app: &mut MirrorcueApp) {
    ui.label(RichText::new("Source").strong());
    ui.label(app.source_caption());
    if let Some(status) = app.status_message() {
        ui.label(RichText::new(status).color(Color32::from_rgb(250, 200, 90)));
    }
    ui.horizontal_wrapped(|ui| {
        if ui.button("Camera").on_hover_text("Use the live camera").clicked() {
            app.request_source(ActiveSource::Camera(app.settings.camera.clone()));
        }
        if ui.button("Open recording…").on_hover_text("A video file (MP4, MOV, MKV, WebM)").clicked() {
            app.open_file_dialog(false);
        }
        if ui.button("Open image folder…").clicked() {
            app.open_file_dialog(true);
        }
        if ui.button("Bundled recording").clicked() {
            app.request_source(ActiveSource::Bundled);
        }
    });
    if !app.cameras.is_empty() {
        let current = app.settings.camera.camera.clone();
        let label = app
            .cameras
            .iter()
            .find(|c| Some(&c.id) == current.as_ref())
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "First camera".into());
        let mut chosen = current.clone();
        egui::ComboBox::from_label("Camera").selected_text(label).show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, "First camera");
            for c in &app.cameras {
                ui.selectable_value(&mut chosen, Some(c.id.clone()), &c.name);
            }
        });
        if chosen != current {
            app.settings.camera.camera = chosen;
            app.settings.camera.mode = None;
            app.camera_modes = None;
            app.request_source(ActiveSource::Camera(app.settings.camera.clone()));
        }
        // Format, resolution and frame rate; "best" prefers MJPEG (uncompressed HD cannot reach 30 fps over USB 2).
        if app.camera_modes.is_none() && !matches!(app.active, ActiveSource::Camera(_)) {
            let id = app.settings.camera.camera.clone().or_else(|| app.cameras.first().map(|c| c.id.clone()));
            app.camera_modes = Some(id.and_then(|id| crate::source::camera_modes(&id).ok()).unwrap_or_default());
        }
        let modes = app.camera_modes.clone().unwrap_or_default();
        let mut mode = app.settings.camera.mode;
        let text = mode.map(|m| m.to_string()).unwrap_or_else(|| "Best (MJPEG preferred)".into());
        egui::ComboBox::from_label("Format").selected_text(text).show_ui(ui, |ui| {
            ui.selectable_value(&mut mode, None, "Best (MJPEG preferred)");
            for m in &modes {
                ui.selectable_value(&mut mode, Some(*m), m.to_string());
            }
            if modes.is_empty() {
                ui.label("(the formats are listed while the camera is not in use)");
            }
        });
        if mode != app.settings.camera.mode {
            app.settings.camera.mode = mode;
            app.request_source(ActiveSource::Camera(app.settings.camera.clone()));
        }
        let mut mirrors = app.settings.camera.driver_mirrors;
        if ui
            .checkbox(&mut mirrors, "The camera already mirrors its image")
            .on_hover_text(
                "Some webcams flip the picture in their driver. Tick this so left and right stay the patient's own.",
            )
            .changed()
        {
            app.settings.camera.driver_mirrors = mirrors;
            if matches!(app.active, ActiveSource::Camera(_)) {
                app.request_source(ActiveSource::Camera(app.settings.camera.clone()));
            }
        }
    }
    if app.is_recording() {
        let Some(p) = app.pipeline.as_ref() else { return };
        let pb = p.playback();
        ui.horizontal(|ui| {
            if pb.paused {
                if ui.button("▶ Play").clicked() {
                    p.set_paused(false);
                }
                if ui.button("Step ⏭").on_hover_text("Next frame").clicked() {
                    p.step();
                }
            } else if ui.button("⏸ Pause").clicked() {
                p.set_paused(true);
            }
            if ui.button("⏮ Restart").clicked() {
                p.restart();
            }
            let mut looping = pb.looping;
            if ui.checkbox(&mut looping, "Loop").changed() {
                p.set_looping(looping);
            }
        });
        let mut speed = pb.speed;
        if ui.add(egui::Slider::new(&mut speed, 0.1..=2.0).text("Speed").fixed_decimals(1)).changed() {
            p.set_speed(speed);
        }
        let now = app.current_frame().map(|f| f.time_s).unwrap_or(0.0);
        if let Some(duration) = p.duration_s() {
            let mut at = now.clamp(0.0, duration);
            let r = ui.add(egui::Slider::new(&mut at, 0.0..=duration).text("s").fixed_decimals(1));
            // Seek when the therapist lets go (seeking decodes from the start).
            if r.drag_stopped() || (r.changed() && !r.dragged() && (r.clicked() || r.has_focus())) {
                p.seek(at);
            }
        }
        ui.horizontal_wrapped(|ui| {
            let (a, b) = pb.section.unwrap_or((0.0, p.duration_s().unwrap_or(f64::MAX)));
            if ui.button("Loop from here").clicked() {
                p.set_section(Some((now, b.max(now))));
            }
            if ui.button("Loop to here").clicked() {
                p.set_section(Some((a.min(now), now)));
            }
            if let Some((a, b)) = pb.section {
                if b < f64::MAX / 2.0 {
                    ui.label(format!("looping {a:.1}–{b:.1} s"));
                } else {
                    ui.label(format!("looping from {a:.1} s"));
                }
                if ui.button("Whole recording").clicked() {
                    p.set_section(None);
                }
            }
        });
    }
}

fn mirror_section(ui: &mut Ui, app: &mut MirrorcueApp) {
    ui.label(RichText::new("Mirror therapy").strong());
    let (w, h) = app.frame_size();
    let last_seam = app.last_seam;
    let s = &mut app.settings;
    let split_now = matches!(s.mirror, MirrorMode::Split { .. });
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut s.mirror, MirrorMode::Off, "Off");
        ui.selectable_value(&mut s.mirror, MirrorMode::Mirror, "Mirror");
        if ui.selectable_label(split_now, "Split reflection").clicked() && !split_now {
            s.mirror = MirrorMode::Split { source: s.split_source, selfie: s.split_selfie };
        }
    });
    if let MirrorMode::Split { .. } = s.mirror {
        ui.label("Show on both sides:");
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut s.split_source, SplitSource::PatientLeft, "Patient's left");
            ui.selectable_value(&mut s.split_source, SplitSource::PatientRight, "Patient's right");
            ui.selectable_value(&mut s.split_source, SplitSource::Upper, "Upper half");
            ui.selectable_value(&mut s.split_source, SplitSource::Lower, "Lower half");
        });
        ui.checkbox(&mut s.split_selfie, "Show as a mirror (flipped)");
        s.mirror = MirrorMode::Split { source: s.split_source, selfie: s.split_selfie };
        let mut follow = s.seam.follow_body;
        if ui.checkbox(&mut follow, "Seam follows the body's midline").changed() {
            if !follow {
                // Lock the seam where it is now.
                if let Some(seam) = last_seam {
                    let horizontal = matches!(s.split_source, SplitSource::Upper | SplitSource::Lower);
                    s.seam.manual = if horizontal { seam.point.1 / h.max(1.0) } else { seam.point.0 / w.max(1.0) };
                    s.seam.manual = s.seam.manual.clamp(0.0, 1.0);
                }
            }
            s.seam.follow_body = follow;
        }
        if s.seam.follow_body {
            ui.add(egui::Slider::new(&mut s.seam.smoothing, 0.0..=0.98).text("Seam steadiness"));
        } else {
            ui.add(egui::Slider::new(&mut s.seam.manual, 0.0..=1.0).text("Seam position (locked)"));
        }
        ui.add(egui::Slider::new(&mut s.seam.feather, 0.0..=0.1).text("Soft edge"));
    }
}

fn pose_section(ui: &mut Ui, app: &mut MirrorcueApp) {
    ui.label(RichText::new("Pose").strong());
    let pose = &mut app.settings.pose;
    egui::ComboBox::from_label("Model").selected_text(pose.model.label()).show_ui(ui, |ui| {
        for m in PoseModel::ALL {
            ui.selectable_value(&mut pose.model, m, m.label());
        }
    });
    let mut smoothing_on = pose.smoothing.is_some();
    let mut strength = pose.smoothing.unwrap_or(0.5);
    ui.horizontal(|ui| {
        ui.checkbox(&mut smoothing_on, "Smoothing");
        ui.add_enabled(smoothing_on, egui::Slider::new(&mut strength, 0.0..=1.0));
    });
    pose.smoothing = smoothing_on.then_some(strength);
    ui.horizontal(|ui| {
        ui.label("Follow:");
        ui.selectable_value(&mut pose.person, PersonSelector::MostConfident, "clearest person");
        ui.selectable_value(&mut pose.person, PersonSelector::Largest, "nearest person");
    });
    let ov = &mut app.settings.overlay;
    ui.horizontal(|ui| {
        ui.checkbox(&mut ov.skeleton, "Skeleton");
        ui.checkbox(&mut ov.labels, "Labels");
    });
    ui.add(egui::Slider::new(&mut ov.min_score, 0.05..=0.9).text("Confidence threshold"));
    ui.collapsing("Joint angles", |ui| {
        egui::Grid::new("angles").num_columns(2).show(ui, |ui| {
            for (i, a) in JointAngle::ALL.iter().enumerate() {
                let mut on = ov.angles.contains(a);
                if ui.checkbox(&mut on, a.label()).changed() {
                    if on {
                        ov.angles.push(*a);
                    } else {
                        ov.angles.retain(|x| x != a);
                    }
                }
                if i % 2 == 1 {
                    ui.end_row();
                }
            }
        });
    });
    for line in
        super::overlay::angle_lines(app.current_pose(), &app.settings.overlay.angles, app.settings.overlay.min_score)
    {
        ui.label(line);
    }
}

fn patient_section(ui: &mut Ui, app: &mut MirrorcueApp) {
    ui.label(RichText::new("Patient screen").strong());
    let s = &mut app.settings;
    ui.checkbox(&mut s.patient_window, "Separate patient window")
        .on_hover_text("Drag it to the patient's monitor, then choose full screen.");
    ui.add_enabled_ui(s.patient_window, |ui| {
        ui.checkbox(&mut s.patient_fullscreen, "Full screen, no borders");
    });
    ui.checkbox(&mut s.overlay.on_patient_screen, "Show the skeleton to the patient");
}

fn readout_section(ui: &mut Ui, app: &mut MirrorcueApp) {
    ui.label(RichText::new("Performance").strong());
    let Some(p) = app.pipeline.as_ref() else { return };
    let st = p.stats();
    egui::Grid::new("readout").num_columns(2).show(ui, |ui| {
        ui.label("Camera");
        ui.label(format!("{:.1} fps", st.camera_fps()));
        ui.end_row();
        ui.label("Pose");
        ui.label(format!("{:.1} fps", st.pose_fps()));
        ui.end_row();
        ui.label("Latency");
        ui.label(match st.latency_ms() {
            Some((p50, p95)) => format!("{p50:.0} ms median, {p95:.0} ms p95"),
            None => "—".into(),
        });
        ui.end_row();
        ui.label("Dropped");
        ui.label(format!("{} (pose busy), {} (display)", st.dropped_for_processing, st.dropped_for_display));
        ui.end_row();
    });
    let engine = if st.engine.is_empty() { "starting…".to_string() } else { st.engine.clone() };
    ui.add(egui::Label::new(format!("Engine: {engine}")).wrap());
    if let Some(note) = &st.engine_note {
        ui.label(RichText::new(note).small().color(Color32::from_rgb(250, 200, 90)));
    }
    if let Some(e) = &st.pose_error {
        ui.label(RichText::new(e).color(Color32::from_rgb(240, 110, 90)));
    }
    if let SourceStatus::Reconnecting(m) = p.status() {
        ui.label(RichText::new(m).small());
    }
}
