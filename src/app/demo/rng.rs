//! The generator's randomness.

/// splitmix64: small, fast and good enough for fiction; the same seed always gives the same book.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        // Mixed with a constant so that seeds 0, 1, 2 … start far apart.
        Rng(seed ^ 0x6475_6564_6573_6b21)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub(super) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`; `lo` when the range is empty.
    pub(super) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo { lo } else { lo + self.below((hi - lo + 1) as u64) as i64 }
    }

    /// True with `pct` per cent probability.
    pub(super) fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    pub(super) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// One of `items`, by integer weight.
    pub(super) fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut r = self.below(total);
        for (item, w) in items {
            if r < u64::from(*w) {
                return *item;
            }
            r -= u64::from(*w);
        }
        items[items.len() - 1].0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_numbers_and_another_seed_others() {
        let draw = |seed| {
            let mut rng = Rng::new(seed);
            (0..8).map(|_| rng.below(1_000_000)).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        assert_ne!(draw(0), draw(1));
    }

    #[test]
    fn draws_stay_in_their_ranges() {
        let mut rng = Rng::new(1);
        assert_eq!(rng.below(0), 0);
        assert_eq!((rng.range(5, 5), rng.range(5, 3)), (5, 5));
        assert!(!rng.chance(0));
        assert!(rng.chance(100));
        let mut seen = [false; 7];
        for _ in 0..1_000 {
            assert!(rng.below(10) < 10);
            let r = rng.range(-3, 3);
            seen[(r + 3) as usize] = true;
            assert!(['a', 'b'].contains(&rng.pick(&['a', 'b'])));
            assert_ne!(rng.weighted(&[('x', 0), ('y', 3), ('z', 1), ('w', 0)]), 'x');
        }
        assert_eq!(seen, [true; 7], "every value of -3..=3 drawn");
    }
}
