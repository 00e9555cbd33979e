//! Helpers shared by the integration tests.
#![allow(dead_code)]

use rare_earth_alliances::elements::{index_of, ELEMENTS};
use rare_earth_alliances::output::{Cube, RunOutput};
use rare_earth_alliances::{run, Dataset, Scenario};

pub fn data() -> &'static Dataset {
    Dataset::default_data()
}

pub fn scenario(json: &str) -> Scenario {
    Scenario::from_json(json, data()).unwrap_or_else(|e| panic!("test scenario invalid: {e}"))
}

pub fn run_json(json: &str) -> RunOutput {
    run(data(), &scenario(json)).unwrap()
}

/// Step index of the first step of `year`.
pub fn step_of(out: &RunOutput, year: f64) -> usize {
    out.time
        .iter()
        .position(|t| *t >= year - 1e-9)
        .unwrap_or(out.time.len() - 1)
}

/// Mean of a region-by-element cube over the steps of one year.
pub fn year_mean(out: &RunOutput, c: &Cube, region: &str, element: &str, year: f64) -> f64 {
    let r = out.region_index(region).expect("region");
    let e = index_of(element).expect("element");
    let s0 = step_of(out, year);
    let k = out.steps_per_year as usize;
    (s0..s0 + k).map(|s| c.get(s, r, e)).sum::<f64>() / k as f64
}

/// Region total over elements, mean over one year (t per year).
pub fn region_total(out: &RunOutput, c: &Cube, region: &str, year: f64) -> f64 {
    ELEMENTS
        .iter()
        .map(|e| year_mean(out, c, region, e, year))
        .sum()
}

/// Mean over one year of `c[step][a][b]` for raw indexes.
pub fn year_mean_idx(out: &RunOutput, c: &Cube, a: usize, b: usize, year: f64) -> f64 {
    let s0 = step_of(out, year);
    let k = out.steps_per_year as usize;
    (s0..s0 + k).map(|s| c.get(s, a, b)).sum::<f64>() / k as f64
}
