//! The supply-risk indicator (`src/model/supply_risk.rs`): bounds, the base-year
//! ranking, and that it moves with controls and alliances.
mod common;
use common::*;
use rare_earth_alliances::{presets, run};

fn preset(id: &str) -> rare_earth_alliances::output::RunOutput {
    run(data(), &presets::load(id, data()).unwrap()).unwrap()
}

#[test]
fn supply_risk_is_within_0_and_1_and_finite_in_every_preset() {
    for id in presets::ids() {
        let out = preset(id);
        let c = &out.series.supply_risk;
        assert!(
            c.data
                .iter()
                .all(|x| x.is_finite() && (0.0..=1.0).contains(x)),
            "{id}: a supply risk outside 0..1"
        );
        assert!(
            c.data.iter().any(|x| *x > 0.1),
            "{id}: supply risk is never above 0.1"
        );
    }
}

#[test]
fn japans_dy_risk_is_higher_under_the_licensing_regime_than_under_the_status_quo() {
    // Issue 7's done-when: 30% approved after 120 days (licensing-regime) against 75%
    // after 63 days (status-quo); Japan is on neither trusted list.
    let sq = preset("status-quo");
    let lr = preset("licensing-regime");
    for year in [2027.0, 2030.0, 2040.0] {
        let a = year_mean(&sq, &sq.series.supply_risk, "JP", "Dy", year);
        let b = year_mean(&lr, &lr.series.supply_risk, "JP", "Dy", year);
        assert!(
            b > a + 0.05,
            "{year}: Japan Dy supply risk {b:.3} under licensing-regime, {a:.3} under status-quo"
        );
    }
}

#[test]
fn base_year_ranking_heavy_above_light_and_importers_above_china() {
    let out = run_json("{}");
    let r = |reg: &str, el: &str| year_mean(&out, &out.series.supply_risk, reg, el, 2024.0);
    for reg in ["JP", "EU", "KR"] {
        assert!(
            r(reg, "Dy") > r(reg, "Nd") && r(reg, "Tb") > r(reg, "La"),
            "{reg}: Dy {:.3} Nd {:.3} Tb {:.3} La {:.3}",
            r(reg, "Dy"),
            r(reg, "Nd"),
            r(reg, "Tb"),
            r(reg, "La")
        );
        for el in ["Nd", "Dy", "Tb"] {
            assert!(
                r(reg, el) > r("CN", el) + 0.2,
                "{reg} {el} {:.3} against China {:.3}",
                r(reg, el),
                r("CN", el)
            );
        }
    }
}

#[test]
fn an_alliance_with_the_dominant_supplier_lowers_its_partners_risk() {
    // Japan allied with China: China's share of Japan's supply counts at half its
    // governance risk.
    let alone = run_json("{}");
    let allied = run_json(r#"{"alliances": [{"id": "a", "name": "a", "members": ["JP", "CN"]}]}"#);
    for el in ["Nd", "Dy"] {
        let a = year_mean(&alone, &alone.series.supply_risk, "JP", el, 2024.0);
        let b = year_mean(&allied, &allied.series.supply_risk, "JP", el, 2024.0);
        assert!(b < a - 0.05, "Japan {el} risk {b:.4} allied, {a:.4} alone");
    }
}

#[test]
fn a_ban_raises_the_risk_of_the_regions_it_covers_and_not_of_the_exempt() {
    let base = run_json("{}");
    let ban = run_json(
        r#"{"export_controls": [{"exporter": "CN", "products": ["oxide", "metal", "magnet"],
            "elements": ["Dy", "Tb"], "measure": {"type": "ban"}, "trusted_partners": ["KR"],
            "start": 2026}]}"#,
    );
    let r = |o: &rare_earth_alliances::output::RunOutput, reg: &str| {
        year_mean(o, &o.series.supply_risk, reg, "Dy", 2027.0)
    };
    assert!(
        r(&ban, "JP") > r(&base, "JP") + 0.1,
        "JP {} {}",
        r(&ban, "JP"),
        r(&base, "JP")
    );
    assert!(
        r(&ban, "KR") < r(&ban, "JP"),
        "exempt KR {} against JP {}",
        r(&ban, "KR"),
        r(&ban, "JP")
    );
}
