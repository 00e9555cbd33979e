//! The slow policies compiled: parameters from the data's `policy` section and the
//! scenario's stockpiles, research, price floors and technology controls as masks and
//! vectors (investment projects become units, see `investment.rs`; retaliation becomes
//! export controls and tariffs, see `retaliation.rs`).

use super::compile::{Mask, ALL, MAGNETS, METAL, MINING, SEPARATION};
use crate::data::{Dataset, Policy};
use crate::elements::{self, EVec, ZERO};
use crate::scenario::{Scenario, Stage};

pub(crate) fn stage_index(s: Stage) -> usize {
    match s {
        Stage::Mining => MINING,
        Stage::Separation => SEPARATION,
        Stage::Metal => METAL,
        Stage::Magnets => MAGNETS,
    }
}

pub(crate) struct StockpileC {
    pub(crate) members: Vec<bool>,
    pub(crate) elements: Mask,
    pub(crate) target_days: f64,
    pub(crate) fill_years: f64,
    pub(crate) release_price: f64,
    pub(crate) release_availability: f64,
    pub(crate) start: f64,
    pub(crate) end: f64,
}

pub(crate) struct ResearchC {
    pub(crate) funders: Vec<bool>,
    pub(crate) recycling_rate: Option<f64>,
    pub(crate) cut: EVec,
    pub(crate) budget: f64,
    pub(crate) start: f64,
    pub(crate) years: f64,
}

pub(crate) struct FloorC {
    pub(crate) producer: usize,
    pub(crate) elements: Mask,
    /// USD/kg.
    pub(crate) price: f64,
    /// t/yr covered at most.
    pub(crate) tonnes: f64,
    pub(crate) payer: Vec<bool>,
    pub(crate) start: f64,
    pub(crate) end: f64,
}

pub(crate) struct TechC {
    pub(crate) stages: [bool; 4],
    pub(crate) extra: f64,
    pub(crate) exempt: Vec<bool>,
    pub(crate) start: f64,
    pub(crate) end: f64,
}

/// Parameters and policies of the slow mechanisms.
pub(crate) struct PolicyC {
    pub(crate) lead: [f64; 4],
    pub(crate) ramp: [f64; 4],
    pub(crate) capex: [f64; 4],
    pub(crate) carrying: f64,
    pub(crate) magnet_life: f64,
    pub(crate) other_life: f64,
    pub(crate) recyclable_other: f64,
    pub(crate) recycling_rate: f64,
    pub(crate) max_substitution: f64,
    pub(crate) exit_ratio: f64,
    pub(crate) stockpiles: Vec<StockpileC>,
    pub(crate) research: Vec<ResearchC>,
    pub(crate) floors: Vec<FloorC>,
    pub(crate) tech: Vec<TechC>,
}

fn mask(els: &[String]) -> Mask {
    if els.is_empty() {
        return ALL;
    }
    els.iter()
        .filter_map(|e| elements::index_of(e))
        .fold(0, |m, i| m | (1 << i))
}

impl PolicyC {
    pub(crate) fn new(
        data: &Dataset,
        sc: &Scenario,
        group: &dyn Fn(&str) -> Vec<bool>,
        ri: &dyn Fn(&str) -> usize,
    ) -> PolicyC {
        let p: &Policy = data
            .policy
            .as_ref()
            .or(Dataset::default_data().policy.as_ref())
            .expect("the default data has a policy section (checked by a test)");
        let any = |ids: &[String]| {
            let mut m = group("");
            for id in ids {
                for (i, x) in group(id).into_iter().enumerate() {
                    m[i] |= x;
                }
            }
            m
        };
        PolicyC {
            lead: p.lead_years.values(),
            ramp: p.ramp_years.values(),
            capex: p.capex_usd_per_tpy.values(),
            carrying: p.stockpile_carrying_rate.value,
            magnet_life: p.magnet_lifetime_years.value,
            other_life: p.other_lifetime_years.value,
            recyclable_other: p.recyclable_share_other.value,
            recycling_rate: p.recycling_rate.value,
            max_substitution: p.max_substitution_per_year.value,
            exit_ratio: p.exit_price_ratio.value,
            stockpiles: sc
                .stockpiles
                .iter()
                .map(|s| StockpileC {
                    members: group(&s.holder),
                    elements: mask(&s.elements),
                    target_days: s.target_days,
                    fill_years: s.fill_years,
                    release_price: s.release_price_ratio,
                    release_availability: s.release_availability,
                    start: s.start,
                    end: s.end.unwrap_or(f64::INFINITY),
                })
                .collect(),
            research: sc
                .research
                .iter()
                .map(|r| {
                    let mut cut = ZERO;
                    for (el, x) in &r.intensity_cut {
                        if let Some(i) = elements::index_of(el) {
                            cut[i] = *x;
                        }
                    }
                    ResearchC {
                        funders: any(&r.funders),
                        recycling_rate: r.recycling_rate,
                        cut,
                        budget: r.budget_usd_per_year,
                        start: r.start,
                        years: r.years,
                    }
                })
                .collect(),
            floors: sc
                .price_floors
                .iter()
                .map(|f| FloorC {
                    producer: ri(&f.producer),
                    elements: mask(&f.elements),
                    price: f.price_usd_per_kg,
                    tonnes: f.tonnes_per_year.unwrap_or(f64::INFINITY),
                    payer: group(&f.payer),
                    start: f.start,
                    end: f.end.unwrap_or(f64::INFINITY),
                })
                .collect(),
            tech: sc
                .technology_controls
                .iter()
                .map(|c| {
                    let mut exempt = any(&c.trusted_partners);
                    exempt[ri(&c.exporter)] = true;
                    let mut stages = [false; 4];
                    for s in &c.stages {
                        stages[stage_index(*s)] = true;
                    }
                    TechC {
                        stages,
                        extra: c.extra_years,
                        exempt,
                        start: c.start,
                        end: c.end.unwrap_or(f64::INFINITY),
                    }
                })
                .collect(),
        }
    }

    /// Years a technology control adds to a plant of `stage` decided in `region` at `t`.
    pub(crate) fn tech_delay(&self, stage: usize, region: usize, t: f64) -> f64 {
        self.tech
            .iter()
            .filter(|c| c.stages[stage] && !c.exempt[region] && t >= c.start && t < c.end)
            .map(|c| c.extra)
            .fold(0.0, f64::max)
    }
}

/// Add `usd` to the policy cost of the regions in `payer`, shared equally among them
/// (ASSUMPTION: an alliance splits a shared cost equally; no burden-sharing key is
/// published for the instruments modelled).
pub(crate) fn charge(cost: &mut [f64], payer: &[bool], usd: f64) {
    let k = payer.iter().filter(|x| **x).count();
    if k == 0 || usd == 0.0 {
        return;
    }
    let each = usd / k as f64;
    for (c, p) in cost.iter_mut().zip(payer) {
        if *p {
            *c += each;
        }
    }
}
