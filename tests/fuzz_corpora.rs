//! Replays every fuzz corpus (`fuzz/corpus/<target>/`, seeded from the demo content and grown by
//! `scripts/fuzz`) through the same library entry points the fuzz targets call, on the stable
//! toolchain: what the fuzzer once found stays fixed. A few seconds.

use std::path::Path;

#[test]
fn every_fuzz_corpus_replays_without_a_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut report = Vec::new();
    for (name, target) in gongkai_kiosk::fuzzing::TARGETS {
        let dir = root.join(name);
        let n = gongkai_kiosk::fuzzing::replay(*target, &dir);
        assert!(n > 0, "the corpus {} is empty; scripts/fuzz seeds it from the demo content", dir.display());
        report.push(format!("{name} {n}"));
    }
    eprintln!("replayed: {}", report.join(", "));
}
