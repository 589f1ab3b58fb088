//! Median aggregation of reporters' submissions.
//!
//! Each field is aggregated on its own. For an even count the *lower* middle value is taken:
//! it never exceeds what at least half of the reporters attested, so a tie can only err on the
//! side of less capacity and less debt claimed from the miner, never more. With one faulty
//! reporter among at least three, the median stays inside the honest reporters' range.
use hashshare_interfaces::MAX_REPORTERS;

const MAX: usize = MAX_REPORTERS as usize;

/// The lower median of `values` (at most `MAX_REPORTERS`, at least one).
pub fn lower_median(values: &[i128]) -> i128 {
    let mut sorted = [0i128; MAX];
    let n = values.len().min(MAX);
    sorted[..n].copy_from_slice(&values[..n]);
    insertion_sort(&mut sorted[..n]);
    sorted[(n.saturating_sub(1)) / 2]
}

/// Insertion sort: at most 16 elements, and far smaller in WASM than `sort_unstable`.
fn insertion_sort(values: &mut [i128]) {
    for i in 1..values.len() {
        let mut j = i;
        while j > 0 && values[j - 1] > values[j] {
            values.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod test {
    use super::lower_median;

    #[test]
    fn median_of_odd_count_is_the_middle() {
        assert_eq!(lower_median(&[7]), 7);
        assert_eq!(lower_median(&[30, 10, 20]), 20);
        assert_eq!(lower_median(&[5, 1, 4, 2, 3]), 3);
    }

    #[test]
    fn median_of_even_count_is_the_lower_middle() {
        assert_eq!(lower_median(&[10, 20]), 10);
        assert_eq!(lower_median(&[40, 10, 30, 20]), 20);
        assert_eq!(lower_median(&[6, 6, 1, 9, 2, 8]), 6);
    }

    #[test]
    fn median_handles_extremes_and_duplicates() {
        assert_eq!(lower_median(&[i128::MAX, 0, i128::MAX]), i128::MAX);
        assert_eq!(lower_median(&[0, 0, 0, 0]), 0);
        let sixteen: [i128; 16] = core::array::from_fn(|i| 100 - i as i128);
        assert_eq!(lower_median(&sixteen), 92);
    }

    /// With quorum >= 3 and a single faulty reporter, whatever it reports, the median lies
    /// within [min, max] of the honest reports.
    #[test]
    fn one_wild_reporter_cannot_move_the_median_outside_the_honest_range() {
        let honest_sets: [&[i128]; 4] = [
            &[100, 101],
            &[100, 102, 105],
            &[90, 95, 100, 110, 120],
            &[
                1_000, 1_000, 1_001, 999, 1_002, 998, 1_000, 1_003, 997, 1_000, 1_000, 1_001, 999,
                1_000, 1_000,
            ],
        ];
        let wild = [
            i128::MIN / 2,
            -1,
            0,
            1,
            50,
            99,
            10_000,
            i128::MAX / 2,
            i128::MAX,
        ];
        for honest in honest_sets {
            let lo = *honest.iter().min().unwrap();
            let hi = *honest.iter().max().unwrap();
            for w in wild {
                let mut all = [0i128; 16];
                all[..honest.len()].copy_from_slice(honest);
                all[honest.len()] = w;
                let m = lower_median(&all[..honest.len() + 1]);
                assert!(lo <= m && m <= hi, "honest {honest:?} wild {w}: median {m}");
            }
        }
    }
}
