//! The monitors the patient window can go to. eframe tells a window only about the monitor it is on, so the list
//! comes from the system (`xrandr --listmonitors` on X11); the patient window is then opened at the chosen
//! monitor's origin and made full screen there, without asking the window manager to move it.

use std::process::Command;

/// One monitor, in physical pixels of the virtual desktop.
#[derive(Clone, Debug, PartialEq)]
pub struct Monitor {
    /// Its name ("HDMI-1").
    pub name: String,
    /// Its top-left corner on the desktop, pixels.
    pub origin: (i32, i32),
    /// Its size, pixels.
    pub size: (u32, u32),
    /// The primary monitor (where the therapist's window usually is).
    pub primary: bool,
}

impl Monitor {
    /// How the therapist reads it: "HDMI-1 (1920 × 1080, primary)".
    pub fn label(&self) -> String {
        let primary = if self.primary { ", primary" } else { "" };
        format!("{} ({} × {}{primary})", self.name, self.size.0, self.size.1)
    }
}

/// The monitors connected now (empty where the system cannot say, e.g. on Wayland without XWayland).
pub fn list() -> Vec<Monitor> {
    Command::new("xrandr")
        .arg("--listmonitors")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| parse_xrandr(&String::from_utf8_lossy(&o.stdout)))
        .unwrap_or_default()
}

/// Reads `xrandr --listmonitors`: lines like ` 0: +*HDMI-1 1920/510x1080/287+0+0  HDMI-1`.
pub fn parse_xrandr(text: &str) -> Vec<Monitor> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Monitor> {
    let mut parts = line.split_whitespace();
    let index = parts.next()?;
    index.strip_suffix(':')?.parse::<u32>().ok()?;
    let flagged = parts.next()?;
    let primary = flagged.contains('*');
    let name = flagged.trim_start_matches(['+', '*']).to_string();
    // WIDTH/mmxHEIGHT/mm+X+Y
    let geometry = parts.next()?;
    let (w, rest) = geometry.split_once('x')?;
    let w: u32 = w.split('/').next()?.parse().ok()?;
    let mut fields = rest.split('+');
    let h: u32 = fields.next()?.split('/').next()?.parse().ok()?;
    let x: i32 = fields.next()?.parse().ok()?;
    let y: i32 = fields.next()?.parse().ok()?;
    Some(Monitor { name, origin: (x, y), size: (w, h), primary })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xrandr_monitors_are_read() {
        let text =
            "Monitors: 2\n 0: +*HDMI-1 1920/510x1080/287+0+0  HDMI-1\n 1: +DP-2 2560/597x1440/336+1920+0  DP-2\n";
        let m = parse_xrandr(text);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], Monitor { name: "HDMI-1".into(), origin: (0, 0), size: (1920, 1080), primary: true });
        assert_eq!(m[1].name, "DP-2");
        assert_eq!(m[1].origin, (1920, 0));
        assert!(!m[1].primary);
        assert_eq!(m[1].label(), "DP-2 (2560 × 1440)");
        assert!(parse_xrandr("garbage\n").is_empty());
    }
}
