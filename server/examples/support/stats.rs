//! What the benchmarks under `server/examples/` share: reading a sorted sample.

/// The value at fraction `p` (0–1) of an ascending sample, nearest rank.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}
