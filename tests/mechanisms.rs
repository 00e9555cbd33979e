//! Each mechanism moves the results in the direction the literature and the 2010 and
//! 2025 episodes recorded.
mod common;
use common::*;
use rare_earth_alliances::{run, Scenario};

const PARTNERS: &str =
    r#""alliances": [{"id": "cnp", "name": "China's partners", "members": ["CN", "RU", "BR"]}]"#;

#[test]
fn licensing_dy_tb_against_non_partners_hurts_them_and_spares_partners() {
    let base = run_json(&format!("{{{PARTNERS}}}"));
    let lic = run_json(&format!(
        r#"{{{PARTNERS}, "export_controls": [{{"exporter": "CN", "products": ["oxide", "metal", "magnet"], "elements": ["Dy", "Tb"],
            "measure": {{"type": "licensing", "approval_share": 0.2, "delay_days": 60}}, "exempt_allies": true, "start": 2026.0}}]}}"#
    ));
    // In the year it starts the control cuts non-partners' share of demand met; later
    // the outside price rations them: they get far fewer tonnes of Dy.
    let av = |o: &rare_earth_alliances::RunOutput, r: &str| {
        year_mean(o, &o.series.availability, r, "Dy", 2026.0)
    };
    let got = |o: &rare_earth_alliances::RunOutput, r: &str| {
        year_mean(o, &o.series.supplied, r, "Dy", 2027.0)
    };
    for r in ["JP", "EU", "US", "KR"] {
        assert!(
            av(&lic, r) < av(&base, r) - 0.1,
            "{r}: Dy {:.3} under licensing vs {:.3}",
            av(&lic, r),
            av(&base, r)
        );
        assert!(
            got(&lic, r) < 0.8 * got(&base, r),
            "{r}: Dy received in 2027 {:.0} t/yr vs {:.0}",
            got(&lic, r),
            got(&base, r)
        );
    }
    for r in ["RU", "BR", "CN"] {
        assert!(
            av(&lic, r) >= av(&base, r) - 1e-9,
            "{r} is a partner: {:.3} vs {:.3}",
            av(&lic, r),
            av(&base, r)
        );
    }
    // The control splits the Dy market: the outside price is far above the inside one.
    let dy = rare_earth_alliances::elements::index_of("Dy").unwrap();
    let inside = year_mean_idx(&lic, &lic.series.price, 0, dy, 2027.0);
    let outside = year_mean_idx(&lic, &lic.series.price_outside, 0, dy, 2027.0);
    assert!(
        outside > 2.0 * inside,
        "Dy outside {outside:.0}, inside {inside:.0}"
    );
    // Before the control starts, nothing differs.
    assert_eq!(
        year_mean(&lic, &lic.series.availability, "JP", "Dy", 2025.0),
        year_mean(&base, &base.series.availability, "JP", "Dy", 2025.0)
    );
}

#[test]
fn a_licensing_wait_bites_then_approvals_resume() {
    let out = run_json(
        r#"{"export_controls": [{"exporter": "CN", "products": ["oxide", "metal", "magnet"], "elements": ["Dy"],
            "measure": {"type": "licensing", "approval_share": 0.9, "delay_days": 180}, "start": 2026.0}]}"#,
    );
    let jp = out.region_index("JP").unwrap();
    let dy = rare_earth_alliances::elements::index_of("Dy").unwrap();
    let s = step_of(&out, 2026.0);
    let waiting = out.series.availability.get(s, jp, dy);
    let later = out.series.availability.get(s + 4, jp, dy);
    assert!(
        waiting < later - 0.1,
        "during the wait {waiting:.3}, a year later {later:.3}"
    );
}

#[test]
fn a_tariff_shifts_sourcing_away_from_the_taxed_supplier() {
    let base = run_json("{}");
    let taxed = run_json(
        r#"{"tariffs": [{"importer": "EU", "exporter": "CN", "products": ["oxide", "metal", "magnet"], "rate": 0.5, "start": 2024.0}]}"#,
    );
    let eu = base.region_index("EU").unwrap();
    let cn = base.region_index("CN").unwrap();
    let from = |o: &rare_earth_alliances::RunOutput, s: usize| {
        year_mean_idx(o, &o.series.supplied_by, eu, s, 2024.0)
    };
    let total =
        |o: &rare_earth_alliances::RunOutput| (0..o.regions.len()).map(|s| from(o, s)).sum::<f64>();
    let share_cn = |o: &rare_earth_alliances::RunOutput| from(o, cn) / total(o);
    assert!(
        share_cn(&taxed) < share_cn(&base) - 0.02,
        "EU share from China {:.3} -> {:.3}",
        share_cn(&base),
        share_cn(&taxed)
    );
    let others = |o: &rare_earth_alliances::RunOutput| total(o) - from(o, cn) - from(o, eu);
    assert!(others(&taxed) > others(&base), "other suppliers gain");
}

#[test]
fn a_shock_at_the_heavy_rare_earth_mines_reaches_magnet_makers() {
    let base = run_json("{}");
    let shock = run_json(
        r#"{"shocks": [{"region": "MM", "stage": "mining", "share": 1.0, "start": 2026.0, "end": 2028.0, "label": "Kachin mines close"}]}"#,
    );
    let world_magnets = |o: &rare_earth_alliances::RunOutput| {
        (0..o.regions.len())
            .map(|r| year_mean_idx(o, &o.series.magnet_output, r, 0, 2027.0))
            .sum::<f64>()
    };
    assert!(
        world_magnets(&shock) < 0.98 * world_magnets(&base),
        "magnets {:.0} vs {:.0}",
        world_magnets(&shock),
        world_magnets(&base)
    );
    let dy = |o: &rare_earth_alliances::RunOutput, r: &str| {
        year_mean(o, &o.series.availability, r, "Dy", 2026.0)
    };
    assert!(dy(&shock, "JP") < dy(&base, "JP") - 0.05);
    // Mining elsewhere is untouched.
    assert_eq!(
        region_total(&shock, &shock.series.mine_output, "AU", 2027.0),
        region_total(&base, &base.series.mine_output, "AU", 2027.0)
    );
    assert_eq!(
        region_total(&shock, &shock.series.mine_output, "MM", 2027.0),
        0.0
    );
}

#[test]
fn mining_more_bastnaesite_for_ndpr_leaves_cerium_in_surplus() {
    // The balance problem (Binnemans et al. 2013): doubling Mountain Pass and US
    // separation adds some Nd and Pr to what users get, and far more Ce to stocks.
    let mut more = data().clone();
    for m in more.mines.iter_mut().filter(|m| m.id == "us_mountain_pass") {
        m.capacity.value *= 2.0;
        for p in m.path.iter_mut().flat_map(|p| p.points.iter_mut()) {
            p[1] *= 2.0;
        }
    }
    for p in more.separation.iter_mut().filter(|p| p.region == "US") {
        p.light.value *= 6.0;
        for q in p.path.iter_mut().flat_map(|p| p.points.iter_mut()) {
            q[1] *= 6.0;
        }
    }
    let sc = Scenario::default();
    let base = run(data(), &sc).unwrap();
    let with = run(&more, &sc).unwrap();
    // Early, before China's quotas answer the lower NdPr price (later the extra US supply
    // displaces Chinese expansion).
    let year = 2026.0;
    let supplied = |o: &rare_earth_alliances::RunOutput, e: &str| {
        o.regions
            .iter()
            .map(|r| year_mean(o, &o.series.supplied, r, e, year))
            .sum::<f64>()
    };
    let ndpr_gain = supplied(&with, "Nd") + supplied(&with, "Pr")
        - supplied(&base, "Nd")
        - supplied(&base, "Pr");
    let ce = rare_earth_alliances::elements::index_of("Ce").unwrap();
    let s = step_of(&base, year);
    let ce_stock_gain =
        with.series.oxide_stock.get(s, 0, ce) - base.series.oxide_stock.get(s, 0, ce);
    assert!(
        ndpr_gain > 0.0,
        "more NdPr reaches users: {ndpr_gain:.0} t/yr"
    );
    assert!(
        ce_stock_gain > 3.0 * ndpr_gain,
        "Ce surplus stock grows by {ce_stock_gain:.0} t, NdPr use by {ndpr_gain:.0} t/yr"
    );
    assert!(
        supplied(&with, "Ce") - supplied(&base, "Ce") < 0.01 * ce_stock_gain,
        "users take no extra Ce"
    );
}

#[test]
fn a_ban_closes_the_lane_except_to_trusted_partners() {
    let ban = run_json(
        r#"{"export_controls": [{"exporter": "CN", "products": ["oxide", "metal", "magnet"], "measure": {"type": "ban"},
            "trusted_partners": ["RU"], "start": 2025.0}]}"#,
    );
    let cn = ban.region_index("CN").unwrap();
    let from_cn = |r: &str, y: f64| {
        year_mean_idx(
            &ban,
            &ban.series.supplied_by,
            ban.region_index(r).unwrap(),
            cn,
            y,
        )
    };
    for r in ["US", "EU", "JP", "KR"] {
        assert!(
            from_cn(r, 2024.0) > 0.0,
            "{r} bought from China before the ban"
        );
        assert_eq!(
            from_cn(r, 2025.0),
            0.0,
            "{r} gets nothing from China under the ban"
        );
    }
    assert!(
        from_cn("RU", 2025.0) > 0.0,
        "the trusted partner still buys"
    );
}

#[test]
fn an_export_quota_caps_oxide_exports() {
    let base = run_json("{}");
    let quota = run_json(
        r#"{"export_controls": [{"exporter": "CN", "products": ["oxide"], "measure": {"type": "quota", "tonnes_per_year": 5000}, "start": 2025.0}]}"#,
    );
    let exports = |o: &rare_earth_alliances::RunOutput, y: f64| -> f64 {
        rare_earth_alliances::elements::ELEMENTS
            .iter()
            .map(|e| year_mean(o, &o.series.oxide_exports, "CN", e, y))
            .sum()
    };
    assert!(
        exports(&base, 2025.0) > 10_000.0,
        "without a quota China exports {:.0} t/yr",
        exports(&base, 2025.0)
    );
    let capped = exports(&quota, 2025.0);
    assert!(
        capped <= 5000.0 * (1.0 + 1e-9) && capped > 4000.0,
        "with a 5,000 t quota China exports {capped:.0} t/yr"
    );
}

#[test]
fn group_availability_is_the_demand_weighted_mean_of_its_members() {
    let out = run_json(
        r#"{"export_controls": [{"exporter": "CN", "products": ["oxide", "metal", "magnet"], "elements": ["Dy"],
        "measure": {"type": "licensing", "approval_share": 0.3, "delay_days": 60}, "start": 2026.0}]}"#,
    );
    let jp = out.region_index("JP").unwrap();
    let idx = |e: &str| rare_earth_alliances::elements::index_of(e).unwrap();
    let group = out.availability_of(
        jp,
        &rare_earth_alliances::elements::members("DyTb").unwrap(),
    );
    let dy = out.availability_of(jp, &[idx("Dy")]);
    let tb = out.availability_of(jp, &[idx("Tb")]);
    for k in 0..out.n_steps() {
        let (lo, hi) = (dy[k].min(tb[k]), dy[k].max(tb[k]));
        assert!(
            group[k] >= lo - 1e-12 && group[k] <= hi + 1e-12,
            "step {k}: {} not within [{lo}, {hi}]",
            group[k]
        );
    }
    let s = step_of(&out, 2027.0);
    let want = (out.series.supplied.get(s, jp, idx("Dy"))
        + out.series.supplied.get(s, jp, idx("Tb")))
        / (out.series.demand.get(s, jp, idx("Dy")) + out.series.demand.get(s, jp, idx("Tb")));
    assert!((group[s] - want).abs() < 1e-12);
}

#[test]
fn a_control_that_leaves_metal_out_is_bypassed_through_metal() {
    // Dy licensing on oxides and magnets only: Japan's magnet makers still buy Chinese
    // metal and alloy, which carries the Dy. Covering metal (as China's April 2025 list
    // does) closes the gap.
    let control = |products: &str| {
        run_json(&format!(
            r#"{{"export_controls": [{{"exporter": "CN", "products": [{products}], "elements": ["Dy"],
                "measure": {{"type": "licensing", "approval_share": 0.2, "delay_days": 0}}, "start": 2026.0}}]}}"#
        ))
    };
    let leaky = control(r#""oxide", "magnet""#);
    let tight = control(r#""oxide", "metal", "magnet""#);
    let cn = leaky.region_index("CN").unwrap();
    // The leak runs through China's metal makers: their output and their exports of
    // metal are higher when metal is left out. (Outside China the magnet makers run at
    // capacity either way, so here the leak changes where their metal comes from, not
    // how much Dy their customers get.)
    let cn_metal = |o: &rare_earth_alliances::RunOutput| {
        year_mean_idx(o, &o.series.metal_output, cn, 0, 2027.0)
    };
    assert!(cn_metal(&leaky) > cn_metal(&tight));
    let metal = rare_earth_alliances::output::PRODUCTS
        .iter()
        .position(|p| *p == "metal")
        .unwrap();
    let cn_metal_exports = |o: &rare_earth_alliances::RunOutput| {
        year_mean_idx(o, &o.series.exports, cn, metal, 2027.0)
    };
    assert!(
        cn_metal_exports(&leaky) > 2.0 * cn_metal_exports(&tight),
        "China's metal exports {:.0} t/yr with metal uncontrolled, {:.0} controlled",
        cn_metal_exports(&leaky),
        cn_metal_exports(&tight)
    );
}

#[test]
fn a_shock_to_metal_making_stops_magnets_downstream_not_oxides() {
    let base = run_json("{}");
    let shock = run_json(
        r#"{"shocks": [{"region": "CN", "stage": "metal", "share": 0.5, "start": 2026.0, "end": 2027.0, "label": "metal plants halted"}]}"#,
    );
    let world = |o: &rare_earth_alliances::RunOutput, c: &rare_earth_alliances::output::Cube| {
        (0..o.regions.len())
            .map(|r| year_mean_idx(o, c, r, 0, 2026.0))
            .sum::<f64>()
    };
    let magnets_base = world(&base, &base.series.magnet_output);
    let magnets_shock = world(&shock, &shock.series.magnet_output);
    assert!(
        magnets_shock < 0.9 * magnets_base,
        "magnets {magnets_shock:.0} vs {magnets_base:.0}"
    );
    // Separation upstream does not see the shock in its own year.
    assert_eq!(
        region_total(&shock, &shock.series.separation_output, "CN", 2026.0),
        region_total(&base, &base.series.separation_output, "CN", 2026.0)
    );
    // Oxide users of an element no magnet contains (La: catalysts, glass) do not notice.
    let la = |o: &rare_earth_alliances::RunOutput| {
        year_mean(o, &o.series.availability, "US", "La", 2026.0)
    };
    assert!(la(&shock) >= la(&base) - 1e-9);
}
