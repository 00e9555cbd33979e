//! The slow policies (issue: policies that take time): each mechanism's direction, the
//! presets' done-when figures, and hostile policy sections.

mod common;

use common::{data, run_json, step_of, year_mean};
use rare_earth_alliances::elements::index_of;
use rare_earth_alliances::output::RunOutput;
use rare_earth_alliances::presets;
use rare_earth_alliances::scenario::Scenario;

fn run_preset(id: &str) -> RunOutput {
    let sc = presets::load(id, data()).unwrap();
    rare_earth_alliances::model::Compiled::new(data(), &sc)
        .unwrap()
        .simulate()
}

/// Sum over regions and elements of a Regions × Elements series, averaged over a year.
fn world_year(out: &RunOutput, c: &rare_earth_alliances::output::Cube, year: f64) -> f64 {
    let mut x = 0.0;
    for r in &out.regions {
        for el in rare_earth_alliances::elements::ELEMENTS {
            x += year_mean(out, c, r, el, year);
        }
    }
    x
}

fn world_element(
    out: &RunOutput,
    c: &rare_earth_alliances::output::Cube,
    el: &str,
    year: f64,
) -> f64 {
    out.regions
        .iter()
        .map(|r| year_mean(out, c, r, el, year))
        .sum()
}

fn yearly(out: &RunOutput, series: &[f64], year: f64) -> f64 {
    let s = step_of(out, year);
    let k = out.steps_per_year as usize;
    series[s..s + k].iter().sum::<f64>() / k as f64
}

#[test]
fn every_preset_runs_with_mass_balance() {
    for id in presets::ids() {
        let out = run_preset(id);
        assert!(
            out.max_mass_balance_error() < 1e-9,
            "{id}: mass balance {}",
            out.max_mass_balance_error()
        );
        for (def, c) in out.series.cubes() {
            assert!(
                c.data.iter().all(|x| x.is_finite()),
                "{id}: {} has a non-finite value",
                def.name
            );
        }
    }
}

#[test]
fn us_led_diversification_fills_its_stockpile_and_costs_money() {
    let out = run_preset("us-led-diversification");
    let h = out.holders.iter().position(|x| x == "diversify").unwrap();
    let nd = index_of("Nd").unwrap();
    let days = out.series.stockpile_days.series(h, nd);
    let best = days.iter().cloned().fold(0.0, f64::max);
    assert!(
        best > 30.0,
        "the shared stockpile reaches {best} days of Nd"
    );
    let us = out.region_index("US").unwrap();
    let cost: f64 =
        out.series.policy_cost.series(us, 0).iter().sum::<f64>() / out.steps_per_year as f64;
    assert!(cost > 1e9, "the US pays {cost} USD over the run");
}

#[test]
fn tech_breakthrough_recycles_more_every_year_and_cuts_dy_demand() {
    let tb = run_preset("tech-breakthrough");
    let sq = run_preset("status-quo");
    let mut last = 0.0;
    for y in 2026..2050 {
        let r = world_year(&tb, &tb.series.recycled, y as f64);
        assert!(r > last, "recycling in {y}: {r} after {last}");
        last = r;
    }
    let dy = |o: &RunOutput| world_element(o, &o.series.demand, "Dy", 2040.0);
    assert!(
        dy(&tb) < 0.9 * dy(&sq),
        "Dy demand 2040: {} vs status quo {}",
        dy(&tb),
        dy(&sq)
    );
}

const LICENSING_DY: &str = r#"{"exporter": "CN", "products": ["oxide", "metal", "magnet"], "elements": ["Dy", "Tb"],
    "measure": {"type": "licensing", "approval_share": 0.5, "delay_days": 45}, "start": 2026.0}"#;

#[test]
fn a_shared_stockpile_protects_members_in_a_disruption_and_squeezes_outsiders_while_it_fills() {
    let base = format!(
        r#"{{"end_year": 2031, "alliances": [{{"id": "a", "name": "A", "members": ["JP", "KR"]}}],
        "export_controls": [{LICENSING_DY}],
        "shocks": [{{"region": "CN", "stage": "separation", "share": 0.8, "start": 2029.0, "end": 2030.0}}]"#
    );
    let without = run_json(&format!("{base}}}"));
    let with = run_json(&format!(
        r#"{base}, "stockpiles": [{{"holder": "a", "elements": ["Dy"], "target_days": 180, "fill_years": 1,
        "release_price_ratio": 30, "release_availability": 0.45, "start": 2024.0}}]}}"#
    ));
    let short = |o: &RunOutput, r: &str, y: f64| year_mean(o, &o.series.shortfall, r, "Dy", y);
    let got = |o: &RunOutput, r: &str, y: f64| year_mean(o, &o.series.supplied, r, "Dy", y);
    // While the stockpile fills (2026, under licensing) outsiders get less.
    assert!(
        got(&with, "EU", 2026.0) < got(&without, "EU", 2026.0),
        "EU Dy supplied while the stockpile fills: {} vs {}",
        got(&with, "EU", 2026.0),
        got(&without, "EU", 2026.0)
    );
    // In the disruption, members are short of less.
    let members = |o: &RunOutput| short(o, "JP", 2029.0) + short(o, "KR", 2029.0);
    assert!(
        members(&with) < members(&without),
        "members' Dy shortfall in the disruption: {} vs {}",
        members(&with),
        members(&without)
    );
}

#[test]
fn allied_investment_raises_allied_supply_only_after_its_lead_time() {
    let base = r#"{"end_year": 2040, "export_controls": [{"exporter": "CN", "products": ["oxide", "metal", "magnet"],
        "elements": [], "measure": {"type": "licensing", "approval_share": 0.5, "delay_days": 45}, "start": 2026.0}]"#;
    let without = run_json(&format!("{base}}}"));
    let with = run_json(&format!(
        r#"{base}, "investments": [
        {{"host": "AU", "stage": "separation", "capacity_tpy": 15000, "financiers": [{{"id": "JP", "offtake_share": 1.0}}], "start": 2026.0}},
        {{"host": "AU", "stage": "mining", "capacity_tpy": 20000, "financiers": [{{"id": "AU", "offtake_share": 1.0}}], "start": 2026.0}},
        {{"host": "JP", "stage": "metal", "capacity_tpy": 5000, "financiers": [{{"id": "JP", "offtake_share": 1.0}}], "start": 2028.0}},
        {{"host": "JP", "stage": "magnets", "capacity_tpy": 10000, "financiers": [{{"id": "JP", "offtake_share": 1.0}}], "start": 2028.0}}]}}"#
    ));
    let jp = with.region_index("JP").unwrap();
    let nd = index_of("Nd").unwrap();
    let a = with.series.supplied.series(jp, nd);
    let b = without.series.supplied.series(jp, nd);
    // Separation's lead time is 5 years, metal's and magnets' 3 (data
    // policy.lead_years): nothing changes for Japan before 2031. Japan's own metal and
    // magnet plants are part of the package because by 2035 its makers' capacity, not
    // oxide, is what holds it back: prices that rise before stocks run out
    // (`prices.rs`, depletion) bring projects outside China in earlier, and the
    // Australian plant alone then adds oxide that goes into stock (Japan's Nd 4,506
    // t a year against 4,499 without it).
    let online = step_of(&with, 2031.0);
    for s in 0..online {
        assert_eq!(
            a[s], b[s],
            "Japan's Nd supply changed at step {s}, before the plant"
        );
    }
    let later = yearly(&with, &a, 2035.0);
    let before = yearly(&without, &b, 2035.0);
    assert!(
        later > 1.05 * before,
        "Japan's Nd supply 2035: {later} vs {before}"
    );
}

#[test]
fn research_raises_recycling_over_years_not_months() {
    let out = run_json(
        r#"{"end_year": 2045, "research": [{"funders": ["EU"], "recycling_rate": 0.3, "start": 2026.0, "years": 10}]}"#,
    );
    let base = run_json(r#"{"end_year": 2045}"#);
    let eu = out.region_index("EU").unwrap();
    let gain = |y: f64| {
        let total = |o: &RunOutput| {
            (0..17)
                .map(|el| yearly(o, &o.series.recycled.series(eu, el), y))
                .sum::<f64>()
        };
        total(&out) - total(&base)
    };
    let (g1, g5, g10) = (gain(2026.0), gain(2031.0), gain(2036.0));
    assert!(
        g1 >= 0.0 && g1 < 0.05 * g10,
        "first year {g1} vs tenth {g10}"
    );
    assert!(g5 > g1 && g10 > g5, "rising: {g1} {g5} {g10}");
}

#[test]
fn retaliation_escalates_when_switched_on_and_not_when_off() {
    let sc = presets::json("licensing-regime").unwrap();
    let mut v: serde_json::Value = serde_json::from_str(sc).unwrap();
    let off = run_json(&v.to_string());
    v["retaliation"] = serde_json::json!({"enabled": false, "rounds": 2});
    let still_off = run_json(&v.to_string());
    assert_eq!(off.fingerprint(), still_off.fingerprint());
    v["retaliation"] = serde_json::json!({"enabled": true, "rounds": 1, "delay_years": 0.5});
    let one = run_json(&v.to_string());
    v["retaliation"]["rounds"] = serde_json::json!(2);
    let two = run_json(&v.to_string());
    let most = |o: &RunOutput| {
        o.series
            .controls_in_force
            .data
            .iter()
            .cloned()
            .fold(0.0, f64::max)
    };
    assert!(
        most(&one) > most(&off),
        "answers: {} vs {}",
        most(&one),
        most(&off)
    );
    assert!(
        most(&two) > most(&one),
        "second round: {} vs {}",
        most(&two),
        most(&one)
    );
    // The answers bite: China gets less concentrate from abroad.
    let cn_nd = |o: &RunOutput| year_mean(o, &o.series.separation_output, "CN", "Nd", 2028.0);
    assert!(
        cn_nd(&one) < cn_nd(&off),
        "{} vs {}",
        cn_nd(&one),
        cn_nd(&off)
    );
}

#[test]
fn a_price_spike_lowers_demand_with_a_lag() {
    let base = run_json(r#"{"end_year": 2032}"#);
    let shock = run_json(
        r#"{"end_year": 2032, "shocks": [{"region": "CN", "stage": "separation", "share": 0.6, "start": 2027.0, "end": 2028.0}]}"#,
    );
    let ratio = |t: f64| {
        let s = step_of(&base, t);
        let d = |o: &RunOutput| -> f64 {
            (0..o.regions.len())
                .map(|r| o.series.demand.get(s, r, index_of("Dy").unwrap()))
                .sum()
        };
        d(&shock) / d(&base)
    };
    let first = ratio(2027.25);
    let later = ratio(2028.75);
    assert!(first < 1.0, "demand answers at once a little: {first}");
    assert!(later < first, "and more after the lag: {later} vs {first}");
}

#[test]
fn a_price_floor_keeps_a_producer_that_would_otherwise_stop() {
    // A 2024-25 disruption lifts prices so that Mountain Pass's expansion and other
    // candidates are committed; then a glut (no demand growth, a very large new mine
    // and separation plant elsewhere) pulls NdPr below half their incentive price.
    let base = r#"{"end_year": 2045, "assumptions": {"demand_growth_scale": 0.0},
        "shocks": [{"region": "CN", "stage": "separation", "share": 0.7, "start": 2024.25, "end": 2026.0}],
        "investments": [
        {"host": "ROW", "stage": "mining", "capacity_tpy": 400000, "start": 2025.0},
        {"host": "ROW", "stage": "separation", "capacity_tpy": 400000, "start": 2025.0}]"#;
    let without = run_json(&format!("{base}}}"));
    let with = run_json(&format!(
        r#"{base}, "price_floors": [{{"producer": "US", "elements": ["Nd", "Pr"], "price_usd_per_kg": 110, "payer": "US", "start": 2024.0}}]}}"#
    ));
    let us = without.region_index("US").unwrap();
    let mining = |o: &RunOutput, y: f64| yearly(o, &o.series.capacity.series(0, us), y);
    assert!(
        mining(&without, 2040.0) < mining(&without, 2032.0),
        "without a floor the expansion stops: {} in 2032, {} in 2040",
        mining(&without, 2032.0),
        mining(&without, 2040.0)
    );
    assert!(
        mining(&with, 2040.0) >= mining(&with, 2032.0),
        "with the floor it carries on: {} in 2032, {} in 2040",
        mining(&with, 2032.0),
        mining(&with, 2040.0)
    );
    let cost: f64 = with.series.policy_cost.series(us, 0).iter().sum();
    assert!(cost > 0.0, "the floor is paid for");
}

#[test]
fn hostile_policy_sections_are_refused_by_field() {
    let cases = [
        (
            r#"{"investments": [{"host": "XX", "stage": "mining", "capacity_tpy": 1, "start": 2026}]}"#,
            "investments[0].host",
        ),
        (
            r#"{"investments": [{"host": "AU", "stage": "mining", "capacity_tpy": -5, "start": 2026}]}"#,
            "investments[0].capacity_tpy",
        ),
        (
            r#"{"investments": [{"host": "AU", "stage": "mining", "capacity_tpy": 5, "start": 2026, "financiers": [{"id": "US", "offtake_share": 0.8}, {"id": "JP", "offtake_share": 0.8}]}]}"#,
            "investments[0].financiers",
        ),
        (
            r#"{"stockpiles": [{"holder": "nobody", "target_days": 60, "fill_years": 2, "start": 2026}]}"#,
            "stockpiles[0].holder",
        ),
        (
            r#"{"stockpiles": [{"holder": "US", "target_days": 60, "fill_years": 2, "start": 2026}, {"holder": "US", "target_days": 6, "fill_years": 2, "start": 2026}]}"#,
            "stockpiles[1].holder",
        ),
        (
            r#"{"research": [{"funders": ["EU"], "intensity_cut": {"Xx": 0.2}, "start": 2026, "years": 5}]}"#,
            "research[0].intensity_cut",
        ),
        (
            r#"{"research": [{"funders": ["EU"], "recycling_rate": 2, "start": 2026, "years": 5}]}"#,
            "research[0].recycling_rate",
        ),
        (
            r#"{"price_floors": [{"producer": "US", "elements": ["Nd"], "price_usd_per_kg": 110, "payer": "US", "start": 2026, "end": 2020}]}"#,
            "price_floors[0].end",
        ),
        (
            r#"{"technology_controls": [{"exporter": "CN", "stages": [], "extra_years": 2, "start": 2026}]}"#,
            "technology_controls[0].stages",
        ),
        (
            r#"{"retaliation": {"enabled": true, "rounds": 50}}"#,
            "retaliation.rounds",
        ),
    ];
    for (json, path) in cases {
        let e = Scenario::from_json(json, data()).unwrap_err().to_string();
        assert!(e.contains(path), "{json}: {e}");
    }
}
