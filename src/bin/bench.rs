//! Benchmark of a full default run: `cargo run --profile fast --bin bench [RUNS]`.
//!
//! Times `model::run` on the status-quo preset (validation, compilation and the whole
//! 2024-2050 quarterly simulation) after warm-up runs, and prints the median and the
//! spread. It reports what it measured; the target (under 2 ms natively on a 2-core
//! machine) is stated in the README, not asserted.
//!
//! Then 1,000 Monte Carlo runs of the status-quo preset (`ree run --runs 1000`), on one
//! thread and on every core, and the percentiles: issue 7's target is under 2 s.
//! `bench mc` times only those.

use rare_earth_alliances::model::montecarlo::MonteCarlo;
use rare_earth_alliances::model::run_into;
use rare_earth_alliances::output::RunOutput;
use rare_earth_alliances::{presets, run, Dataset};
use std::time::Instant;

fn monte_carlo(data: &'static Dataset) {
    let sc = presets::load("status-quo", data).expect("status-quo preset");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, cores.min(8)] {
        let mut total = Vec::new();
        let mut percentiles = Vec::new();
        for rep in 0..3 {
            let t = Instant::now();
            let mut mc = MonteCarlo::new(data, &sc, rep).expect("valid");
            mc.run_to(1000, threads);
            let ran = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let b = mc.bands();
            percentiles.push(t.elapsed().as_secs_f64());
            total.push(ran + percentiles[rep as usize]);
            std::hint::black_box(b);
        }
        total.sort_by(f64::total_cmp);
        percentiles.sort_by(f64::total_cmp);
        println!(
            "monte carlo status-quo, 1000 runs, {threads} thread(s): median {:.2} s (min {:.2}, max {:.2}; of which percentiles {:.2} s), 3 sets",
            total[1], total[0], total[2], percentiles[1]
        );
    }
}

fn main() {
    let data = Dataset::default_data();
    if std::env::args().nth(1).as_deref() == Some("mc") {
        monte_carlo(data);
        return;
    }
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
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
    monte_carlo(data);
}
