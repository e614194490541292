//! Summaries of timings: the median of repetitions, speedup and parallel efficiency against a
//! serial baseline.

/// The median of `samples` (the mean of the middle two for an even count); `None` when empty or
/// when any sample is not a finite number.
pub fn median(samples: &[f64]) -> Option<f64> {
    if samples.is_empty() || samples.iter().any(|s| !s.is_finite()) {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    })
}

/// How many times faster than serial: `serial / parallel`. `None` when either time is not positive.
pub fn speedup(serial_ms: f64, parallel_ms: f64) -> Option<f64> {
    (serial_ms > 0.0 && parallel_ms > 0.0).then(|| serial_ms / parallel_ms)
}

/// Speedup per worker: 1.0 means every worker was fully used.
pub fn efficiency(serial_ms: f64, parallel_ms: f64, workers: usize) -> Option<f64> {
    if workers == 0 {
        return None;
    }
    speedup(serial_ms, parallel_ms).map(|s| s / workers as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn speedup_and_efficiency() {
        assert_eq!(speedup(1000.0, 250.0), Some(4.0));
        assert_eq!(efficiency(1000.0, 250.0, 8), Some(0.5));
        assert_eq!(speedup(1000.0, 0.0), None);
        assert_eq!(efficiency(1000.0, 250.0, 0), None);
    }
}
