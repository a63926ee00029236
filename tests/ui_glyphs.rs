//! Every symbol the app writes on screen exists in its fonts: a missing glyph is drawn as an empty box (the record
//! button read "☐ Record" under Xvfb when it was written with "⏺", which egui's default fonts do not have).

use std::path::Path;

/// The non-ASCII characters inside string literals of the Rust files under `dir` (comments skipped), with where.
fn literal_symbols(dir: &Path, out: &mut Vec<(char, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            literal_symbols(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") || code.starts_with("#[") {
                continue;
            }
            // Characters between an odd and the next even double quote on the line.
            for (i, part) in line.split('"').enumerate() {
                if i % 2 == 1 {
                    for c in part.chars().filter(|c| !c.is_ascii()) {
                        out.push((c, format!("{}:{}", path.display(), n + 1)));
                    }
                }
            }
        }
    }
}

#[test]
fn every_symbol_the_screens_show_is_in_the_fonts() {
    let ctx = egui::Context::default();
    let _ = ctx.run(egui::RawInput::default(), |_| {});
    let mut symbols = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // What the app shows: its own texts, and the library's words it puts on screen (cues, units, statuses).
    for dir in ["ui", "posture", "recording", "compare", "view", "live"] {
        literal_symbols(&root.join(dir), &mut symbols);
    }
    assert!(symbols.iter().any(|(c, _)| *c == '°'), "the scan finds the degree sign");
    let missing: Vec<_> = ctx.fonts_mut(|f| {
        symbols
            .into_iter()
            // The screens write in the proportional family (the monospace one has glyphs it lacks, like "●").
            .filter(|(c, _)| !f.has_glyph(&egui::FontId::proportional(14.0), *c))
            .collect()
    });
    assert!(missing.is_empty(), "symbols drawn as empty boxes: {missing:?}");
}
