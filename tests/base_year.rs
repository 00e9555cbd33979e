//! The base year reproduces the reference figures (USGS MCS 2026 mine production, 2024 revised,
//! IEA shares of separation and magnet making) and clears.
mod common;
use common::*;
use rare_earth_alliances::elements::ELEMENTS;

fn close(actual: f64, expected: f64, rel: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= rel * expected,
        "{what}: {actual:.0} vs reference {expected:.0} (tolerance {:.0}%)",
        rel * 100.0
    );
}

#[test]
fn mine_production_matches_usgs_mcs2026_for_2024_within_2_percent() {
    let out = run_json("{}");
    let m = &out.series.mine_output;
    for (id, tonnes, name) in [
        ("CN", 270_000.0, "China"),
        ("US", 45_500.0, "United States"),
        ("AU", 29_000.0, "Australia"),
        ("MM", 27_000.0, "Myanmar"),
        ("TH", 2_100.0, "Thailand"),
        ("IN", 2_900.0, "India"),
        ("RU", 2_600.0, "Russia"),
        ("BR", 560.0, "Brazil"),
    ] {
        close(region_total(&out, m, id, 2024.0), tonnes, 0.02, name);
    }
    let world: f64 = out
        .regions
        .iter()
        .map(|r| region_total(&out, m, r, 2024.0))
        .sum();
    // USGS rounds the world total to 380,000 t; the countries add up to 384,000 t.
    close(world, 380_000.0, 0.02, "world");
}

#[test]
fn china_share_of_separation_and_magnets_within_2_points_of_iea() {
    let out = run_json("{}");
    let n = out.regions.len();
    let cn = out.region_index("CN").unwrap();
    let sep: Vec<f64> = out
        .regions
        .iter()
        .map(|r| region_total(&out, &out.series.separation_output, r, 2024.0))
        .collect();
    let sep_share = sep[cn] / sep.iter().sum::<f64>();
    assert!(
        (sep_share - 0.91).abs() <= 0.02,
        "China separation share {sep_share:.3} vs IEA 0.91"
    );
    let mag: Vec<f64> = (0..n)
        .map(|r| year_mean_idx(&out, &out.series.magnet_output, r, 0, 2024.0))
        .collect();
    let mag_share = mag[cn] / mag.iter().sum::<f64>();
    assert!(
        (mag_share - 0.94).abs() <= 0.02,
        "China magnet share {mag_share:.3} vs IEA 0.94"
    );
    // The top-share series says the same.
    assert!((out.series.concentration.get(0, 1, 1) - sep_share).abs() < 0.01);
    // Metal: IDTechEx (2025, [S]) says China refines 90% of rare earth metals, all uses
    // together. The model's metal stage serves only magnet makers, and those outside
    // China (EU, Korea, the US, part of Japan) buy Chinese metal and alloy, so the
    // model's share runs above the magnet share; with the non-China metal capacities
    // unsourced assumptions, the check allows 6 points rather than 2.
    let metal: Vec<f64> = (0..n)
        .map(|r| year_mean_idx(&out, &out.series.metal_output, r, 0, 2024.0))
        .collect();
    let metal_share = metal[cn] / metal.iter().sum::<f64>();
    assert!(
        (metal_share - 0.90).abs() <= 0.06 && metal_share >= mag_share,
        "China metal share {metal_share:.3} vs IDTechEx 0.90 and magnets {mag_share:.3}"
    );
}

#[test]
fn the_base_year_clears_demand_everywhere() {
    let out = run_json("{}");
    for r in &out.regions {
        for e in ELEMENTS {
            let a = year_mean(&out, &out.series.availability, r, e, 2024.0);
            assert!(
                a >= 0.97,
                "{r} {e} availability {a:.3} in 2024 without policies"
            );
        }
    }
}

#[test]
fn mined_light_rare_earths_exceed_demand_the_balance_problem_in_the_base_year() {
    // Reported mine output (380 kt, USGS MCS 2026) is far above demand (~180 kt): the surplus is
    // mostly Ce and La, which pile up as unsold oxide stock.
    let out = run_json("{}");
    let world = |c: &rare_earth_alliances::output::Cube, e: &str| -> f64 {
        out.regions
            .iter()
            .map(|r| year_mean(&out, c, r, e, 2024.0))
            .sum()
    };
    let ce_mined = world(&out.series.mine_output, "Ce");
    let ce_demand = world(&out.series.demand, "Ce");
    assert!(
        ce_mined > 2.5 * ce_demand,
        "Ce mined {ce_mined:.0} vs demand {ce_demand:.0}"
    );
    // Over the base year the Ce stock grows by far more than the Nd stock, which starts
    // at its normal cover and stays near it.
    let s = step_of(&out, 2025.0) - 1;
    let ce = rare_earth_alliances::elements::index_of("Ce").unwrap();
    let nd = rare_earth_alliances::elements::index_of("Nd").unwrap();
    let growth =
        |e: usize| out.series.oxide_stock.get(s, 0, e) - out.series.oxide_stock.get(0, 0, e);
    assert!(
        growth(ce) > 10.0 * growth(nd).abs().max(1000.0),
        "Ce stock grew {:.0} t, Nd {:.0} t",
        growth(ce),
        growth(nd)
    );
}
