//! An optional soft tone when a new cue appears. No audio library: a short WAV is handed to the system's player
//! (`paplay`, `pw-play` or `aplay`) on a background thread. Where there is no player or no audio device, nothing
//! plays and nothing fails.

use std::io::Write;
use std::process::{Command, Stdio};

/// A 0.25 s, 660 Hz tone with soft edges, as a 16-bit mono WAV at 22 050 Hz.
pub fn tone_wav() -> Vec<u8> {
    let rate = 22_050u32;
    let n = rate / 4;
    let mut samples = Vec::with_capacity(n as usize * 2);
    for i in 0..n {
        let t = i as f32 / rate as f32;
        let edge = (i.min(n - i) as f32 / (rate as f32 * 0.03)).min(1.0);
        let v = (t * 660.0 * std::f32::consts::TAU).sin() * 0.25 * edge;
        samples.extend_from_slice(&((v * i16::MAX as f32) as i16).to_le_bytes());
    }
    let mut wav = Vec::with_capacity(44 + samples.len());
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&rate.to_le_bytes());
    wav.extend_from_slice(&(rate * 2).to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(&samples);
    wav
}

/// Plays the tone in the background if the system can; never blocks, never fails.
pub fn play_tone() {
    std::thread::spawn(|| {
        let wav = tone_wav();
        for player in ["paplay", "pw-play", "aplay"] {
            let child = Command::new(player)
                .arg(if player == "aplay" { "-q" } else { "-" })
                .args(if player == "aplay" { vec!["-"] } else { vec![] })
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            let Ok(mut child) = child else { continue };
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(&wav);
            }
            if child.wait().is_ok_and(|s| s.success()) {
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tone_is_a_valid_wav() {
        let w = tone_wav();
        assert_eq!(&w[..4], b"RIFF");
        assert_eq!(&w[8..16], b"WAVEfmt ");
        let data_len = u32::from_le_bytes([w[40], w[41], w[42], w[43]]) as usize;
        assert_eq!(w.len(), 44 + data_len);
        assert_eq!(data_len, 22_050 / 4 * 2);
    }

    #[test]
    fn playing_without_a_player_does_not_fail() {
        // On a machine without audio this returns at once and plays nothing.
        play_tone();
    }
}
