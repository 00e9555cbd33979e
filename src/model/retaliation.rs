//! Retaliation: a switchable rule by which regions answer measures against them.
//!
//! # Rules (when `retaliation.enabled`)
//!
//! - **Who answers.** Every region an export control does not exempt, and that makes
//!   something (a mine, separation, metal or magnet plant in the data), or only the
//!   regions listed in `retaliation.regions`.
//! - **The answer to an export control** is a ban, `delay_years` later and for as long
//!   as the control lasts (plus the delay), on exports to the controlling region of
//!   every product the answering region makes (concentrate from mines, oxide from
//!   separation, metal, magnets). This is how 2025's measures were read: China's
//!   licensing followed US tariffs, and US concentrate stopped going to China.
//! - **The answer to a tariff** is the same rate on the same products, the other way.
//! - **Rounds.** With `rounds` ≥ 2 each answer is answered by the same rule: the first
//!   controller bans its products to the answering region, and so on. An answer that
//!   repeats one already made is not made twice.
//!
//! The answers are ordinary export controls and tariffs: they go through the same
//! lanes, prices and allocation as the scenario's own. At most
//! `scenario::limits::MAX_EXPORT_CONTROLS` controls and `MAX_TARIFFS` tariffs result.

use crate::data::Dataset;
use crate::scenario::{limits, ExportControl, Measure, Product, Scenario, Tariff};

/// Products each region makes, from the data's mines and plants.
fn makes(data: &Dataset) -> Vec<Vec<Product>> {
    let n = data.regions.len();
    let mut v = vec![Vec::new(); n];
    let mut add = |id: &str, p: Product| {
        if let Some(i) = data.region_index(id) {
            if !v[i].contains(&p) {
                v[i].push(p);
            }
        }
    };
    for m in &data.mines {
        add(&m.region, Product::Concentrate);
    }
    for p in &data.separation {
        add(&p.region, Product::Oxide);
    }
    for p in &data.metal_plants {
        add(&p.region, Product::Metal);
    }
    for p in &data.magnet_plants {
        add(&p.region, Product::Magnet);
    }
    v
}

/// The scenario with the answers added.
pub fn expand(sc: &Scenario, data: &Dataset) -> Scenario {
    let rule = &sc.retaliation;
    let mut out = sc.clone();
    if !rule.enabled || rule.rounds == 0 {
        return out;
    }
    let regions = data.region_ids();
    let n = regions.len();
    let makes = makes(data);
    let answers_allowed = |i: usize| {
        !makes[i].is_empty() && (rule.regions.is_empty() || rule.regions.contains(&regions[i]))
    };
    let group = |id: &str| -> Vec<bool> {
        let mut m = vec![false; n];
        if let Some(i) = data.region_index(id) {
            m[i] = true;
        } else if let Some(a) = sc.alliances.iter().find(|a| a.id == id) {
            for r in &a.members {
                if let Some(i) = data.region_index(r) {
                    m[i] = true;
                }
            }
        }
        m
    };
    let allies = |e: usize| -> Vec<bool> {
        let mut m = vec![false; n];
        for a in &sc.alliances {
            if a.members.iter().any(|r| *r == regions[e]) {
                for r in &a.members {
                    if let Some(i) = data.region_index(r) {
                        m[i] = true;
                    }
                }
            }
        }
        m
    };
    // A ban by `by` on everything it makes, aimed at `at` only.
    let ban = |by: usize, at: usize, start: f64, end: Option<f64>| ExportControl {
        exporter: regions[by].clone(),
        products: makes[by].clone(),
        elements: Vec::new(),
        measure: Measure::Ban,
        trusted_partners: (0..n)
            .filter(|i| *i != at && *i != by)
            .map(|i| regions[i].clone())
            .collect(),
        exempt_allies: false,
        start,
        end,
    };
    let mut done: Vec<(usize, usize)> = Vec::new();
    // Round 1 answers the scenario's controls; later rounds answer the previous round.
    let mut last: Vec<(usize, usize, f64, Option<f64>)> = Vec::new();
    for c in &sc.export_controls {
        let Some(x) = data.region_index(&c.exporter) else {
            continue;
        };
        let mut exempt = vec![false; n];
        exempt[x] = true;
        for t in &c.trusted_partners {
            for (i, g) in group(t).into_iter().enumerate() {
                exempt[i] |= g;
            }
        }
        if c.exempt_allies {
            for (i, g) in allies(x).into_iter().enumerate() {
                exempt[i] |= g;
            }
        }
        for y in (0..n).filter(|y| !exempt[*y] && answers_allowed(*y)) {
            last.push((y, x, c.start, c.end));
        }
    }
    for _round in 0..rule.rounds {
        let mut next = Vec::new();
        for (by, at, start, end) in std::mem::take(&mut last) {
            if done.contains(&(by, at)) || out.export_controls.len() >= limits::MAX_EXPORT_CONTROLS
            {
                continue;
            }
            done.push((by, at));
            let (s, e) = (start + rule.delay_years, end.map(|e| e + rule.delay_years));
            out.export_controls.push(ban(by, at, s, e));
            if answers_allowed(at) {
                next.push((at, by, s, e));
            }
        }
        last = next;
    }
    for t in &sc.tariffs {
        if t.exporter == "*" {
            continue;
        }
        let exporters = group(&t.exporter);
        for e in (0..n).filter(|e| exporters[*e] && answers_allowed(*e)) {
            if out.tariffs.len() >= limits::MAX_TARIFFS {
                break;
            }
            out.tariffs.push(Tariff {
                importer: regions[e].clone(),
                exporter: t.importer.clone(),
                products: t.products.clone(),
                rate: t.rate,
                start: t.start + rule.delay_years,
                end: t.end.map(|x| x + rule.delay_years),
            });
        }
    }
    out
}
