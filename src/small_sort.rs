//! Insertion sort for the few short lists the page sorts (a chart's ~20 bars, the
//! "Why?" ranking's ~40 effects).
//!
//! Why not `slice::sort_by`: each element type gets its own copy of the standard
//! library's sort (driftsort or ipnsort, several KB of wasm each); the one-file page
//! has a 350 KB gzipped budget (issue 9), and these two copies cost about 1 KB of it.
//! For lists this short, n² comparisons are nothing. Stable, like `sort_by`.

/// Sort `v` so that `before(a, b)` holds for no later `a` and earlier `b` (stable:
/// equal items keep their order).
pub(crate) fn sort_by<T>(v: &mut [T], before: impl Fn(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && before(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_sort_and_keeps_ties_in_order() {
        let mut v: Vec<(i32, usize)> = [5, 3, 9, 3, 1, 9, 0, 5, 5, 2]
            .iter()
            .enumerate()
            .map(|(k, x)| (*x, k))
            .collect();
        let mut std = v.clone();
        std.sort_by_key(|p| p.0);
        sort_by(&mut v, |a, b| a.0 < b.0);
        assert_eq!(v, std);
        let mut empty: Vec<f64> = vec![];
        sort_by(&mut empty, |a, b| a < b);
        assert!(empty.is_empty());
    }
}
