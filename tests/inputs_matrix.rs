//! The input spec's test matrix, as SDEverywhere's model-check does it: on every preset,
//! all inputs at their defaults, each input alone at its minimum and at its maximum,
//! and all at their minimum and all at their maximum (3 + 2N scenarios a preset). Each
//! run must keep the invariants; some inputs must move results the expected way.
mod common;
use common::*;
use rare_earth_alliances::inputs::{apply, INPUTS};
use rare_earth_alliances::{presets, run, Scenario};

fn with(mut sc: Scenario, values: &[(&str, f64)]) -> Scenario {
    for (id, v) in values {
        apply(&mut sc, id, *v).unwrap();
    }
    sc
}

fn check(label: &str, sc: &Scenario) -> rare_earth_alliances::RunOutput {
    let out = run(data(), sc).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert!(
        out.max_mass_balance_error() < 1e-9,
        "{label}: mass balance {}",
        out.max_mass_balance_error()
    );
    assert!(
        out.series
            .availability
            .data
            .iter()
            .all(|a| (0.0..=1.0).contains(a)),
        "{label}: availability out of [0, 1]"
    );
    for c in [
        &out.series.supplied,
        &out.series.mine_output,
        &out.series.separation_output,
        &out.series.oxide_stock,
    ] {
        assert!(
            c.data.iter().all(|x| *x >= -1e-9 && x.is_finite()),
            "{label}: negative or non-finite flow"
        );
    }
    out
}

#[test]
fn every_input_at_its_extremes_keeps_the_invariants() {
    for id in presets::ids() {
        let base = presets::load(id, data()).unwrap();
        check(&format!("{id} defaults"), &base);
        let all_min: Vec<(&str, f64)> = INPUTS.iter().map(|s| (s.id, s.min)).collect();
        let all_max: Vec<(&str, f64)> = INPUTS.iter().map(|s| (s.id, s.max)).collect();
        check(&format!("{id} all at min"), &with(base.clone(), &all_min));
        check(&format!("{id} all at max"), &with(base.clone(), &all_max));
        for s in INPUTS {
            check(
                &format!("{id} {} = {}", s.id, s.min),
                &with(base.clone(), &[(s.id, s.min)]),
            );
            check(
                &format!("{id} {} = {}", s.id, s.max),
                &with(base.clone(), &[(s.id, s.max)]),
            );
        }
    }
}

#[test]
fn inputs_move_results_the_expected_way() {
    let sq = presets::load("licensing-regime", data()).unwrap();
    let dy_jp = |sc: &Scenario| {
        let o = run(data(), sc).unwrap();
        year_mean(&o, &o.series.availability, "JP", "Dy", 2028.0)
    };
    assert!(
        dy_jp(&with(sq.clone(), &[("licence_approval", 0.0)]))
            < dy_jp(&with(sq.clone(), &[("licence_approval", 100.0)])) - 0.1
    );
    let ce_stock = |sc: &Scenario| {
        let o = run(data(), sc).unwrap();
        let ce = rare_earth_alliances::elements::index_of("Ce").unwrap();
        o.series.oxide_stock.get(step_of(&o, 2030.0), 0, ce)
    };
    assert!(
        ce_stock(&with(sq.clone(), &[("separation_recovery", 100.0)]))
            > ce_stock(&with(sq.clone(), &[("separation_recovery", 80.0)]))
    );
    let nd_2040 = |sc: &Scenario| {
        let o = run(data(), sc).unwrap();
        year_mean(&o, &o.series.availability, "EU", "Nd", 2040.0)
    };
    assert!(
        nd_2040(&with(sq.clone(), &[("demand_growth", 0.0)]))
            > nd_2040(&with(sq, &[("demand_growth", 3.0)])) + 0.1
    );
}

#[test]
fn the_readme_holds_the_generated_input_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = rare_earth_alliances::inputs::markdown_table();
    assert!(
        readme.contains(&table),
        "README's input table is out of date; paste the output of `ree inputs`:\n{table}"
    );
}
