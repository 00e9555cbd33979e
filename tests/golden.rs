//! Golden scenarios: every preset's key outputs against reference files in
//! `tests/golden/`. A change to the model that moves any of these numbers fails here;
//! if the change is intended, regenerate with `UPDATE_GOLDEN=1 cargo test --test golden`
//! and review the diff like code. The fingerprint covers every number of the run and
//! is checked again in the browser by `tests/wasm.rs`.
mod common;
use common::*;
use rare_earth_alliances::{presets, run};
use serde_json::{json, Map, Value};

const REGIONS: [&str; 6] = ["CN", "JP", "US", "EU", "IN", "RU"];
const ELEMENTS: [&str; 6] = ["Nd", "Pr", "Dy", "Tb", "Y", "Ce"];
const YEARS: [f64; 5] = [2024.0, 2026.0, 2030.0, 2040.0, 2049.0];
/// Years of the replay, which runs 2009-2020 on the world of 2009.
const REPLAY_YEARS: [f64; 5] = [2009.0, 2010.0, 2011.0, 2013.0, 2019.0];

fn summary(id: &str) -> Value {
    let sc = presets::load(id, data()).unwrap();
    let out = run(data(), &sc).unwrap();
    let years: &[f64] = if sc.start_year < 2024.0 {
        &REPLAY_YEARS
    } else {
        &YEARS
    };
    let mut avail = Map::new();
    for r in REGIONS {
        let mut per = Map::new();
        for e in ELEMENTS {
            per.insert(
                e.into(),
                json!(years
                    .iter()
                    .map(|y| year_mean(&out, &out.series.availability, r, e, *y))
                    .collect::<Vec<_>>()),
            );
        }
        avail.insert(r.into(), Value::Object(per));
    }
    let world = |c: &rare_earth_alliances::output::Cube| -> Vec<f64> {
        years
            .iter()
            .map(|y| {
                (0..out.regions.len())
                    .map(|r| year_mean_idx(&out, c, r, 0, *y))
                    .sum()
            })
            .collect()
    };
    json!({
        "preset": id,
        "fingerprint": format!("{:016x}", out.fingerprint()),
        "max_mass_balance_error_below_1e-9": out.max_mass_balance_error() < 1e-9,
        "years": years,
        "availability_year_mean": avail,
        "world_metal_output": world(&out.series.metal_output),
        "world_magnet_output": world(&out.series.magnet_output),
        "hhi_separation": years.iter().map(|y| year_mean_idx(&out, &out.series.concentration, 1, 0, *y)).collect::<Vec<_>>(),
        "price_usd_per_kg": prices(&out, years, "price"),
        "price_outside_usd_per_kg": prices(&out, years, "price_outside"),
    })
}

/// Year means of a world price series for a few elements.
fn prices(out: &rare_earth_alliances::RunOutput, years: &[f64], name: &str) -> Value {
    let (_, c) = out.series.get(name).unwrap();
    let mut per = Map::new();
    for e in ["Nd", "Dy", "Tb", "Ce"] {
        let k = rare_earth_alliances::elements::index_of(e).unwrap();
        per.insert(
            e.into(),
            json!(years
                .iter()
                .map(|y| year_mean_idx(out, c, 0, k, *y))
                .collect::<Vec<_>>()),
        );
    }
    Value::Object(per)
}

#[test]
fn presets_match_their_golden_files() {
    let update = std::env::var("UPDATE_GOLDEN").is_ok();
    let mut failures = Vec::new();
    for id in presets::ids() {
        let path = format!("{}/tests/golden/{id}.json", env!("CARGO_MANIFEST_DIR"));
        let got = serde_json::to_string_pretty(&summary(id)).unwrap() + "\n";
        if update {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!(
                "{id}: output differs from {path}\n--- want\n{want}\n--- got\n{got}"
            )),
            Err(e) => failures.push(format!(
                "{id}: cannot read {path} ({e}); run with UPDATE_GOLDEN=1"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// FNV-1a 64 of a text (the wasm test hashes the page's bands the same way).
fn fnv1a(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[test]
fn monte_carlo_bands_match_their_golden_file() {
    // Four runs of status-quo, seed 42: `tests/wasm.rs` computes the same in the
    // browser and compares the hash of the bands' JSON.
    use rare_earth_alliances::model::montecarlo::MonteCarlo;
    let sc = presets::load("status-quo", data()).unwrap();
    let mut mc = MonteCarlo::new(data(), &sc, 42).unwrap();
    mc.run_to(4, 2);
    let b = mc.bands();
    let dy = rare_earth_alliances::elements::index_of("Dy").unwrap();
    let s2030 = (2030 - 2024) * 4;
    let got = serde_json::to_string_pretty(&json!({
        "preset": "status-quo",
        "seed": 42,
        "runs": 4,
        "bands_json_fnv1a": fnv1a(&b.to_json(mc.regions())),
        "dy_price_2030_p5_p50_p95": [b.p[0].price.get(s2030, 0, dy), b.p[1].price.get(s2030, 0, dy), b.p[2].price.get(s2030, 0, dy)],
    }))
    .unwrap()
        + "\n";
    let path = format!(
        "{}/tests/golden/montecarlo.json",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {path} ({e}); run with UPDATE_GOLDEN=1"));
    assert_eq!(want, got, "Monte Carlo bands differ from {path}");
}
