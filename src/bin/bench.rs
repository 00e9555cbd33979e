//! Benchmark of a full default run: `cargo run --profile fast --bin bench [RUNS]`.
//!
//! Times `model::run` on the status-quo preset (validation, compilation and the whole
//! 2024-2050 quarterly simulation) after warm-up runs, and prints the median and the
//! spread. It reports what it measured; the target (under 2 ms natively on a 2-core
//! machine) is stated in the README, not asserted.

use rare_earth_alliances::model::run_into;
use rare_earth_alliances::output::RunOutput;
use rare_earth_alliances::{presets, run, Dataset};
use std::time::Instant;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let data = Dataset::default_data();
    for id in presets::ids() {
        let sc = match presets::load(id, data) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{id}: {e}");
                std::process::exit(2);
            }
        };
        let mut check = 0.0;
        for _ in 0..20 {
            check += run(data, &sc)
                .map(|o| o.max_mass_balance_error())
                .unwrap_or(f64::NAN);
        }
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let out = run(data, &sc);
            times.push(t.elapsed().as_secs_f64() * 1e3);
            check += out.map(|o| o.max_mass_balance_error()).unwrap_or(f64::NAN);
        }
        // The same, reusing one output's memory (what the page does while a slider moves).
        let mut out = RunOutput::default();
        let mut reused = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            if run_into(data, &sc, &mut out).is_err() {
                check = f64::NAN;
            }
            reused.push(t.elapsed().as_secs_f64() * 1e3);
            check += out.max_mass_balance_error();
        }
        for (label, mut times) in [("fresh output", times), ("reused output", reused)] {
            times.sort_by(f64::total_cmp);
            let q = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
            println!(
                "{id:<18} {label:<14} ({} steps): median {:.3} ms  p10 {:.3}  p90 {:.3}  min {:.3}  ({runs} runs; checksum {check:.1e})",
                sc.n_steps(),
                q(0.5),
                q(0.1),
                q(0.9),
                times[0],
            );
        }
    }
}
