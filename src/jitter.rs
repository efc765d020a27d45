//! Random spread for waits that must not line up: kiosks syncing from one server, readers
//! retrying one lock. From the operating system's generator, so that two threads or two
//! kiosks started together draw different values.

/// A random fraction in [0, 1); 0.5 if the operating system gives no randomness.
pub fn fraction() -> f64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_are_in_range_and_differ() {
        let drawn: Vec<f64> = (0..64).map(|_| fraction()).collect();
        assert!(drawn.iter().all(|f| (0.0..1.0).contains(f)), "{drawn:?}");
        // 64 draws of 53 bits all equal would mean no randomness at all
        assert!(drawn.iter().any(|f| *f != drawn[0]), "{drawn:?}");
    }
}
