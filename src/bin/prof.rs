use rare_earth_alliances::*;
fn main() {
    let data = data::Dataset::default_data();
    let id = std::env::args().nth(1).unwrap_or("status-quo".into());
    let sc = if id == "{}" {
        scenario::Scenario::default()
    } else {
        presets::load(&id, data).unwrap()
    };
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    if let Ok(k) = std::env::var("MC") {
        let k: usize = k.parse().unwrap();
        let t = std::time::Instant::now();
        let mut mc = model::montecarlo::MonteCarlo::new(data, &sc, 0).unwrap();
        mc.run_to(k, 1);
        println!(
            "mc {:.3} ms/run",
            t.elapsed().as_secs_f64() * 1e3 / k as f64
        );
        return;
    }
    let mut out = output::RunOutput::default();
    let t = std::time::Instant::now();
    for _ in 0..runs {
        if std::env::var("NORISK").is_ok() {
            model::run_into_with_risk(data, &sc, &mut out, false).unwrap();
        } else {
            model::run_into(data, &sc, &mut out).unwrap();
        }
    }
    let total = t.elapsed().as_secs_f64() * 1e3 / runs as f64;
    let comp = 0.0;
    println!("total {total:.3} ms/run, compile {comp:.3}");
}
