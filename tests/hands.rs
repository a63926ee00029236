/// Measures on a real hand: the raised open hand of the three-people photo is open (fingers nearly straight, tips
/// far from the palm), with a palm of human size.
#[test]
fn the_raised_open_hand_measures_open() {
    let mut tracker = HandTracker::new(&common::models(), engine(), HandsConfig::stills()).expect("hand models");
    let hands = tracker.process(frame_named("three_people")).expect("process");
    let hand = hands.first().expect("the raised hand");
    let m = mirrorcue::hands::measures::measure(hand).expect("measures");
    eprintln!("open hand: {m:?}");
    assert!((60.0..120.0).contains(&m.palm_size_mm), "palm {} mm", m.palm_size_mm);
    assert!(m.opening > 1.3, "opening {}", m.opening);
    for (f, a) in m.flexion_deg.iter().enumerate().skip(1) {
        assert!(a[1].abs() < 30.0 && a[2].abs() < 30.0, "finger {f}: PIP/DIP {a:?}");
    }
}
