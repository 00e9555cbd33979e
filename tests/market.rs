//! The market (issue 6): supply that keeps pace without policy, shortages shared
//! without a policy, a region's own plants never against it, heavy rare earths the
//! scarce ones, the 2025 licensing episode, prices and capacity that answer them.
mod common;
use common::*;
use rare_earth_alliances::elements::index_of;
use rare_earth_alliances::output::{RunOutput, PRODUCTS, STAGES};
use rare_earth_alliances::{presets, run};

/// World share of demand met for an element in a year (summed over regions).
fn world_availability(o: &RunOutput, e: &str, year: f64) -> f64 {
    let sum = |c| {
        o.regions
            .iter()
            .map(|r| year_mean(o, c, r, e, year))
            .sum::<f64>()
    };
    let d = sum(&o.series.demand);
    if d > 0.0 {
        sum(&o.series.supplied) / d
    } else {
        1.0
    }
}

fn world_price(o: &RunOutput, name: &str, e: &str, year: f64) -> f64 {
    let (_, c) = o.series.get(name).unwrap();
    year_mean_idx(o, c, 0, index_of(e).unwrap(), year)
}

#[test]
fn without_policy_supply_keeps_pace_and_no_region_falls_behind() {
    let o = run_json("{}");
    for y in 2026..2050 {
        let y = y as f64;
        for e in ["Nd", "Pr", "Dy", "Tb", "La", "Ce", "Y"] {
            let w = world_availability(&o, e, y);
            assert!(w >= 0.9, "{e} in {y}: world availability {w:.3}");
            for r in &o.regions {
                let d = year_mean(&o, &o.series.demand, r, e, y);
                if d > 0.0 {
                    let a = year_mean(&o, &o.series.availability, r, e, y);
                    assert!(a >= w - 0.05, "{r} {e} in {y}: {a:.3} vs world {w:.3}");
                }
            }
        }
    }
    // Consumption grows as outlooks expect (1.5-2x by 2040): supply answered demand.
    let nd = |y: f64| {
        o.regions
            .iter()
            .map(|r| year_mean(&o, &o.series.supplied, r, "Nd", y))
            .sum::<f64>()
    };
    assert!(
        nd(2040.0) >= 1.4 * nd(2024.0),
        "Nd 2040 {:.0} vs 2024 {:.0}",
        nd(2040.0),
        nd(2024.0)
    );
    // China's quotas and new capacity rose: mining capacity in 2040 well above 2024.
    let mining = STAGES.iter().position(|s| *s == "mining").unwrap();
    let cap = |y: f64| {
        (0..o.regions.len())
            .map(|r| year_mean_idx(&o, &o.series.capacity, mining, r, y))
            .sum::<f64>()
    };
    assert!(
        cap(2040.0) > 1.2 * cap(2024.0),
        "mining capacity {:.0} -> {:.0}",
        cap(2024.0),
        cap(2040.0)
    );
}

#[test]
fn base_year_prices_are_the_usgs_averages_within_ten_percent() {
    let o = run_json("{}");
    let usgs = &data().prices.as_ref().unwrap().oxide;
    for e in [
        "Nd", "Pr", "Dy", "Tb", "La", "Ce", "Sm", "Eu", "Gd", "Ho", "Er", "Yb", "Lu", "Y",
    ] {
        let p = usgs[e];
        let got = world_price(&o, "price", e, 2024.0);
        assert!((got - p).abs() <= 0.1 * p, "{e}: {got:.2} vs USGS {p}");
    }
}

#[test]
fn mine_output_in_2025_is_within_five_percent_of_usgs() {
    let o = run_json("{}");
    let check = data().check_year.as_ref().expect("check year in the data");
    assert_eq!(check.year, 2025);
    for (r, want) in &check.mine_output {
        let got = region_total(&o, &o.series.mine_output, r, 2025.0);
        if *want >= 1000.0 {
            assert!(
                (got - want).abs() <= 0.05 * want,
                "{r}: {got:.0} vs {want:.0}"
            );
        }
    }
}

#[test]
fn a_regions_own_metal_and_magnet_plants_never_lower_its_availability() {
    // Under the status quo (a Dy/Tb control in force), remove each importing region's
    // metal and magnet plants in turn: its availability of Nd and Dy may only fall.
    let sc = presets::load("status-quo", data()).unwrap();
    let with = run(data(), &sc).unwrap();
    for region in ["JP", "US", "EU", "KR"] {
        let mut d = data().clone();
        d.metal_plants.retain(|p| p.region != region);
        d.magnet_plants.retain(|p| p.region != region);
        let without = run(&d, &sc).unwrap();
        for e in ["Nd", "Dy"] {
            for y in [2025.0, 2026.0, 2028.0, 2030.0] {
                let a = year_mean(&with, &with.series.availability, region, e, y);
                let b = year_mean(&without, &without.series.availability, region, e, y);
                assert!(
                    a >= b - 0.01,
                    "{region} {e} {y}: with its plants {a:.3}, without {b:.3}"
                );
            }
        }
    }
}

#[test]
fn a_myanmar_mining_stop_hits_dysprosium_far_harder_than_neodymium() {
    let base = run_json("{}");
    let stop = run_json(
        r#"{"shocks": [{"region": "MM", "stage": "mining", "share": 1.0, "start": 2026.0, "end": 2027.0}]}"#,
    );
    let drop =
        |e: &str| world_availability(&base, e, 2026.0) - world_availability(&stop, e, 2026.0);
    assert!(
        drop("Dy") > 2.0 * drop("Nd"),
        "Dy -{:.3}, Nd -{:.3}",
        drop("Dy"),
        drop("Nd")
    );
    assert!(drop("Dy") > 0.05);
    let rise =
        |e: &str| world_price(&stop, "price", e, 2026.0) / world_price(&base, "price", e, 2026.0);
    assert!(
        rise("Dy") > 2.0 && rise("Nd") < 1.2,
        "price rises: Dy x{:.2}, Nd x{:.2}",
        rise("Dy"),
        rise("Nd")
    );
}

#[test]
fn the_april_2025_licensing_halves_magnet_exports_then_they_rebound_and_dy_splits() {
    let o = run(data(), &presets::load("status-quo", data()).unwrap()).unwrap();
    let cn = o.region_index("CN").unwrap();
    let magnet = PRODUCTS.iter().position(|p| *p == "magnet").unwrap();
    let quarter = |t: f64| o.series.exports.get(step_of(&o, t), cn, magnet);
    let level_2024 = (0..4)
        .map(|q| quarter(2024.0 + q as f64 * 0.25))
        .sum::<f64>()
        / 4.0;
    let q2 = quarter(2025.25) / level_2024;
    let q3 = quarter(2025.5) / level_2024;
    // Record: 0.49 and 1.20 of 2024's quarterly level (data/record.json).
    assert!(
        (0.35..=0.7).contains(&q2),
        "Q2 2025 magnet exports {q2:.2} of 2024's level"
    );
    assert!(q3 >= 1.0, "Q3 2025 magnet exports {q3:.2} of 2024's level");
    let dy = index_of("Dy").unwrap();
    for t in [2025.25, 2025.5, 2025.75] {
        let s = step_of(&o, t);
        let (inside, outside) = (
            o.series.price.get(s, 0, dy),
            o.series.price_outside.get(s, 0, dy),
        );
        assert!(
            outside >= 2.0 * inside,
            "{t}: Dy outside {outside:.0}, inside {inside:.0}"
        );
    }
    // No control on Nd: one Nd price.
    let nd = index_of("Nd").unwrap();
    let s = step_of(&o, 2025.5);
    assert_eq!(
        o.series.price.get(s, 0, nd),
        o.series.price_outside.get(s, 0, nd)
    );
}

#[test]
fn prices_rise_with_a_shortage_and_demand_answers_with_a_lag() {
    // A one-year stop of China's separation: prices jump, demand falls, and falls
    // further the year after (the long-run response), then recovers.
    let base = run_json("{}");
    let shock = run_json(
        r#"{"shocks": [{"region": "CN", "stage": "separation", "share": 0.3, "start": 2027.0, "end": 2028.0}]}"#,
    );
    assert!(
        world_price(&shock, "price", "Nd", 2027.0)
            > 1.5 * world_price(&base, "price", "Nd", 2027.0)
    );
    let demand = |o: &RunOutput, y: f64| {
        o.regions
            .iter()
            .map(|r| year_mean(o, &o.series.demand, r, "Nd", y))
            .sum::<f64>()
    };
    let ratio = |y: f64| demand(&shock, y) / demand(&base, y);
    assert!(
        ratio(2027.0) < 0.97,
        "demand in the shock year x{:.3}",
        ratio(2027.0)
    );
    assert!(
        ratio(2028.0) < 1.0,
        "the long-run response lingers: x{:.3}",
        ratio(2028.0)
    );
    assert!(
        ratio(2033.0) > ratio(2028.0),
        "and fades: x{:.3} -> x{:.3}",
        ratio(2028.0),
        ratio(2033.0)
    );
}

#[test]
fn high_prices_draw_in_candidate_projects_after_their_lead_time() {
    // A ban on China's NdPr exports from 2026 raises the outside NdPr price above the
    // incentive prices of projects outside China, which come online years later.
    let o = run_json(
        r#"{"export_controls": [{"exporter": "CN", "products": ["concentrate", "oxide", "metal", "magnet"], "elements": ["Nd", "Pr"], "measure": {"type": "ban"}, "start": 2026.0}]}"#,
    );
    let base = run_json("{}");
    assert!(world_price(&o, "price_outside", "Nd", 2027.0) > 90.0);
    let sep = STAGES.iter().position(|s| *s == "separation").unwrap();
    let outside = |o: &RunOutput, k: usize, y: f64| {
        (0..o.regions.len())
            .filter(|r| o.regions[*r] != "CN")
            .map(|r| year_mean_idx(o, &o.series.capacity, k, r, y))
            .sum::<f64>()
    };
    let mine = STAGES.iter().position(|s| *s == "mining").unwrap();
    // Nothing arrives within a year of the decision...
    assert!(outside(&o, sep, 2026.0) <= outside(&base, sep, 2026.0) + 1.0);
    assert!(outside(&o, mine, 2026.0) <= outside(&base, mine, 2026.0) + 1.0);
    // ...but separation plants (4 years) have grown more by 2030 and mines (5-8
    // years) by 2034. (By 2034 `{}` has caught up in separation: its Dy price passes
    // the heavy plants' incentive from 2028, which the ban's, with less magnet making
    // outside China, does not.)
    assert!(
        outside(&o, sep, 2030.0) > outside(&base, sep, 2030.0) + 5000.0,
        "separation outside China {:.0} vs {:.0}",
        outside(&o, sep, 2030.0),
        outside(&base, sep, 2030.0)
    );
    assert!(
        outside(&o, mine, 2034.0) > outside(&base, mine, 2034.0) + 20000.0,
        "mining outside China {:.0} vs {:.0}",
        outside(&o, mine, 2034.0),
        outside(&base, mine, 2034.0)
    );
}

#[test]
fn the_2010_replay_runs_on_the_2009_world_and_prices_spike_then_fall() {
    // Issue 6: Dy and Nd outside prices multiply within two years of the quota cut
    // (2010), within a factor of two of the recorded peak multiples over 2009 (FOB
    // China: Dy 20.6x in Aug 2011, Nd at least 13.6x in Oct 2011; data/record.json),
    // and fall to half their peak or less within three years after it.
    let sc = presets::load("replay-2010", data()).unwrap();
    let o = run(data(), &sc).unwrap();
    assert_eq!(o.time[0], 2009.0);
    assert!(o.max_mass_balance_error() < 1e-9);
    for (e, record) in [("Nd", 13.6), ("Dy", 20.6)] {
        let k = index_of(e).unwrap();
        let p: Vec<f64> = (0..o.n_steps())
            .map(|s| o.series.price_outside.get(s, 0, k))
            .collect();
        let base = p[..4].iter().sum::<f64>() / 4.0;
        let peak = (0..p.len()).max_by(|a, b| p[*a].total_cmp(&p[*b])).unwrap();
        let multiple = p[peak] / base;
        // The peak of the whole run comes after the cut and within two years of it...
        assert!(
            (2010.0..=2012.0).contains(&o.time[peak]),
            "{e} peaks at {}",
            o.time[peak]
        );
        // ...within a factor of two of the record's multiple...
        assert!(
            (record / 2.0..=record * 2.0).contains(&multiple),
            "{e}: peak {multiple:.1}x its 2009 level, record {record}x"
        );
        // ...and falls to half of it or less within three years.
        assert!(
            p[peak..].iter().take(13).any(|x| *x <= 0.5 * p[peak]),
            "{e} stays above half its peak for three years"
        );
    }
}

#[test]
fn a_control_against_a_region_makes_its_buyers_stock_up_and_draw_down_after() {
    // A year of licensing on China's Dy oxide and metal against everyone else: buyers
    // outside China raise their inventories while it lasts (precaution, the shortfall
    // they meet, the rising price) and draw them down once it ends and the price
    // falls; Chinese buyers, inside, do not stock up.
    let base = run_json("{}");
    let ctl = run_json(
        r#"{"export_controls": [{"exporter": "CN", "products": ["oxide", "metal"], "elements": ["Dy"], "measure": {"type": "licensing", "approval_share": 0.8, "delay_days": 0}, "start": 2027.0, "end": 2028.0}]}"#,
    );
    let dy = index_of("Dy").unwrap();
    let held = |o: &RunOutput, r: &str, t: f64| {
        let i = o.region_index(r).unwrap();
        o.series.buyer_stock.get(step_of(o, t), i, dy)
    };
    // The regions outside China whose buyers use Dy oxide or metal in the base.
    for r in ["JP", "VN"] {
        let during = (0..4)
            .map(|q| {
                held(&ctl, r, 2027.0 + 0.25 * q as f64) / held(&base, r, 2027.0 + 0.25 * q as f64)
            })
            .fold(0.0, f64::max);
        assert!(
            during > 1.1,
            "{r}: Dy held during the control x{during:.2} of the base"
        );
        let peak = (0..8)
            .map(|q| held(&ctl, r, 2027.0 + 0.25 * q as f64))
            .fold(0.0, f64::max);
        let after = held(&ctl, r, 2030.0);
        assert!(
            after < 0.9 * peak,
            "{r}: Dy held {after:.0} t in 2030 after a peak of {peak:.0} t"
        );
    }
    let cn = |o: &RunOutput| held(o, "CN", 2027.5);
    assert!(
        cn(&ctl) <= cn(&base) * 1.05,
        "CN buyers stock up inside: {:.0} vs {:.0}",
        cn(&ctl),
        cn(&base)
    );
}

#[test]
fn heavy_concentrate_mined_outside_china_goes_first_to_separators_outside() {
    // Under the status quo China's licensing splits the Dy market and Dy sells for
    // more outside: separators outside China are served first with the heavy
    // concentrate mined outside China (`lanes.rs`, premium lanes). In 2026 they have
    // the same capacity as without any policy, so they separate more Dy only because
    // the feed goes to them first.
    let none = run_json("{}");
    let sq = run(data(), &presets::load("status-quo", data()).unwrap()).unwrap();
    let outside = |o: &RunOutput, c: &rare_earth_alliances::output::Cube, year: f64| -> f64 {
        o.regions
            .iter()
            .filter(|r| *r != "CN")
            .map(|r| year_mean(o, c, r, "Dy", year))
            .sum()
    };
    let sep = STAGES.iter().position(|s| *s == "separation").unwrap();
    for r in 0..none.regions.len() {
        let cap = |o: &RunOutput| year_mean_idx(o, &o.series.capacity, sep, r, 2026.0);
        assert_eq!(
            cap(&none),
            cap(&sq),
            "separation capacity of {}",
            none.regions[r]
        );
    }
    let (a, b) = (
        outside(&none, &none.series.separation_output, 2026.0),
        outside(&sq, &sq.series.separation_output, 2026.0),
    );
    assert!(b > 1.03 * a, "Dy separated outside China in 2026: {b:.0} t/yr under the status quo, {a:.0} without any policy");
}

/// World availability of element `e` in each step (supplied over demand, all regions).
fn world_availability_by_step(o: &RunOutput, e: &str) -> Vec<f64> {
    let el = index_of(e).unwrap();
    let sum = |c: &rare_earth_alliances::output::Cube, s: usize| -> f64 {
        (0..o.regions.len()).map(|r| c.get(s, r, el)).sum()
    };
    (0..o.n_steps())
        .map(|s| sum(&o.series.supplied, s) / sum(&o.series.demand, s))
        .collect()
}

#[test]
fn prices_warn_before_a_stock_runs_out_and_availability_has_no_cliff() {
    // Without the depletion term (`prices.rs`) the Nd price stood at 1.15 times 2024's
    // two quarters before the world's Nd stock ran out (2031 in `{}`), and world
    // availability fell by up to 0.069 in one quarter in `{}` and 0.131 under the
    // status quo; with it: 1.38, 0.041 and 0.055.
    let free = run_json("{}");
    let nd = index_of("Nd").unwrap();
    let stock = &free.series.oxide_stock;
    let start = step_of(&free, 2026.0);
    let out = (start..free.n_steps())
        .find(|&s| stock.get(s, 0, nd) < 0.01 * stock.get(0, 0, nd))
        .expect("the world's Nd stock runs out in {}");
    let rise = free.series.price.get(out - 2, 0, nd) / free.series.price.get(0, 0, nd);
    assert!(
        rise >= 1.25,
        "Nd price two quarters before its stock runs out ({}): x{rise:.2} of 2024's",
        free.time[out]
    );
    let sq = run(data(), &presets::load("status-quo", data()).unwrap()).unwrap();
    for (o, name, most) in [(&free, "{}", 0.05), (&sq, "status-quo", 0.07)] {
        for e in ["Nd", "Pr", "Dy", "Tb"] {
            let a = world_availability_by_step(o, e);
            for s in step_of(o, 2026.0)..o.n_steps() {
                assert!(
                    a[s - 1] - a[s] < most,
                    "{name}: world {e} availability falls from {:.3} to {:.3} in one step ({})",
                    a[s - 1],
                    a[s],
                    o.time[s]
                );
            }
        }
    }
}
