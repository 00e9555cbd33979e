use rare_earth_alliances::*;
fn main() {
    let data = data::Dataset::default_data();
    let id = std::env::args().nth(1).unwrap_or("status-quo".into());
    let sc = presets::load(&id, data).unwrap();
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut out = output::RunOutput::default();
    let t = std::time::Instant::now();
    for _ in 0..runs {
        model::run_into(data, &sc, &mut out).unwrap();
    }
    let total = t.elapsed().as_secs_f64() * 1e3 / runs as f64;
    let comp = 0.0;
    println!("total {total:.3} ms/run, compile {comp:.3}");
}
