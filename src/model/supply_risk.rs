//! Supply risk: a per-region, per-element indicator (0..1) computed each step from the
//! simulated flows, in the spirit of the EU criticality method and of GeoPolRisk.
//!
//! # The published methods
//!
//! The EU method (JRC 2017, CRM study 2023; `EU_CRM_2023_SR` in the data) scores one
//! number per material for the EU:
//! `SR = [HHI_WGI,t(global supply) × IR/2 + HHI_WGI,t(EU sourcing) × (1 − IR/2)]
//! × (1 − EoL_RIR) × SI`, where `HHI_WGI,t` is a Herfindahl index whose squared shares
//! are weighted by each country's World Governance Indicators and a trade-restriction
//! factor `t`, `IR` is import reliance, `EoL_RIR` the end-of-life recycling input rate
//! and `SI` a substitution index. GeoPolRisk (REFERENCE A10) weights a region's import
//! shares from each supplier by the supplier's governance.
//!
//! # Ours
//!
//! The same formula, per region `i` and element `e`, every step, with every term read
//! from this step's flows and with the alliances of the scenario:
//!
//! - **Governance risk** `g_r = 1 − (PV + GE)/200` of each producing region: the mean
//!   of its WGI percentile ranks for political stability and government effectiveness
//!   (`governance` in the data, `WGI_2023`). A data set without them puts every region
//!   at 0.5.
//! - **Trade restriction** `t`: an export control by `r` covering `e` (any product) and
//!   not exempting `i` multiplies `g_r` by `1 + x`, with `x` = 1 for a ban and for a
//!   licence wait, `1 − approval share` once licences are approved, 0.5 for a quota
//!   (ASSUMPTION), time-weighted within the step; the product is capped at 1. This is
//!   what makes the EU's `t` move with the scenario.
//! - **Who is supplying whom.** Seen from `i`, a supplier's risk is `ĝ = min(1, g·t)`
//!   times its relation to `i`: 0 for `i` itself (its own production carries no
//!   foreign-supply risk), [`ALLY_DISCOUNT`] (0.5, ASSUMPTION) for an ally of the
//!   scenario, 1 for others. So an alliance lowers its members' risk, and a control
//!   aimed at them raises it.
//! - **Global supply** `H_global`: the highest over the stages of `Σ_r s_r² · ĝ_r`,
//!   `s_r` region `r`'s share of the stage's output this step: mining and separation
//!   by element; metal making and magnet making (whole-stage shares, the model keeps
//!   no element detail there) for the elements magnets contain. The EU method also
//!   takes the bottleneck stage.
//! - **Sourcing** `H_sourcing = Σ_r x_r² · ĝ_r · relation(i, r) + u²`: `x_r` is the share
//!   of `i`'s demand for `e` supplied through `r`, `u` the share unmet. Supply whose
//!   last stage was `i`'s own (its own separators or magnet makers) counts as `i`'s own
//!   only as far as `i` mines and separates `e` itself (its upstream self-sufficiency
//!   `SS = min over mining, separation of min(1, output/demand)`); the rest came from
//!   upstream and is attributed to the other separators of `e` in proportion to their
//!   output. Supply from allies and from others is spread over the tier's suppliers in
//!   proportion to what each delivered to `i` this step (`supplied_by`, all elements).
//!   Demand left unmet counts as one supplier of risk 1: a shortage is the risk
//!   realised (our choice; the published methods score supply, not shortfall).
//! - **Import reliance** `IR = 1 − (own supply share) × SS`.
//! - **Recycling** `EoL_RIR = recycled / demand` (`State::recycled`, filled by
//!   `recycling.rs`).
//! - **Substitution** `SI` = the element's intensity after research-driven substitution
//!   (`substitution.rs`; 1 without research), see [`substitution_factor`].
//!
//! Scale: 0 (self-sufficient, or every supplier perfectly governed) to 1 (all demand
//! from one producer of the worst governance, or unmet). The EU's scores are on
//! another scale (HHI on 0..10,000 × WGI scaled 0..10, divided by 10,000; the
//! criticality threshold is 1); ours divides by the largest possible value instead.
//! Rankings compare; levels do not (see docs/VALIDATION.md).

use super::compile::{overlap, Compiled};
use super::state::{Clock, State};
use crate::data::Dataset;
use crate::elements::N_EL;
use crate::output::Series;
use crate::scenario::Measure;

/// Share of a supplier's governance risk that counts when it is an ally
/// (ASSUMPTION: allies can still fail to deliver, but do not use supply as a weapon
/// against their partners; the EU method has no alliance term, half is our middle).
pub const ALLY_DISCOUNT: f64 = 0.5;

/// Restriction `x` of an export quota (ASSUMPTION: a quota caps a volume, so it bites
/// less than a ban; half of one).
pub const QUOTA_RESTRICTION: f64 = 0.5;

/// Governance risk of every region when the data set gives none.
pub const NEUTRAL_GOVERNANCE_RISK: f64 = 0.5;

/// Governance risk of each region of the data set (0 best, 1 worst).
pub fn governance_risk(data: &Dataset) -> Vec<f64> {
    data.regions
        .iter()
        .map(|r| {
            data.governance
                .as_ref()
                .and_then(|g| g.regions.get(&r.id))
                .map(|g| g.risk().clamp(0.0, 1.0))
                .unwrap_or(NEUTRAL_GOVERNANCE_RISK)
        })
        .collect()
}

/// The substitution index of element `el` (1 = no substitute counted): the share of
/// today's use per unit of product that research has not yet removed
/// (`substitution.rs`'s intensity, the same in every region). The price-driven part of
/// substitution lowers demand, not the risk of what is still needed.
pub fn substitution_factor(_m: &Compiled, st: &State, _i: usize, el: usize) -> f64 {
    st.intensity[el]
}

/// Buffers reused every step (the step loop allocates nothing).
#[derive(Default)]
pub struct Scratch {
    /// Restriction by `[(exporter * N_EL + element) * n + destination]`.
    restr: Vec<f64>,
    /// Shares of one region's demand by supplier.
    x: Vec<f64>,
    /// Whether any control restricts `[element * n + destination]` this step.
    hit: Vec<bool>,
}

/// Restriction `x` (0..1) that control `ci` puts on its covered flows over the step.
fn restriction(m: &Compiled, ci: usize, c: &Clock) -> f64 {
    let k = &m.controls[ci];
    let (t0, t1) = (c.t, c.t + c.dt);
    let x = match k.measure {
        Measure::Ban => overlap(t0, t1, k.start, k.end),
        Measure::Quota { .. } => QUOTA_RESTRICTION * overlap(t0, t1, k.start, k.end),
        Measure::Licensing { approval_share, .. } => {
            let open = (k.start + k.delay_years()).min(k.end);
            overlap(t0, t1, k.start, open) + (1.0 - approval_share) * overlap(t0, t1, open, k.end)
        }
    };
    (x / c.dt).clamp(0.0, 1.0)
}

/// Fill `series.supply_risk` for this step (after `metrics::run`, which writes the
/// demand and supply this reads).
pub fn run(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    let n = m.n;
    let step = c.step;
    let g = &m.governance_risk;
    let mut scratch = std::mem::take(&mut st.risk);
    let Scratch { restr, x, hit } = &mut scratch;
    // Restriction by (exporter, element, destination), from this step's controls.
    restr.clear();
    restr.resize(n * N_EL * n, 0.0);
    x.clear();
    x.resize(n, 0.0);
    hit.clear();
    hit.resize(N_EL * n, false);
    for (ci, k) in m.controls.iter().enumerate() {
        let x = restriction(m, ci, c);
        if x <= 0.0 {
            continue;
        }
        for el in (0..N_EL).filter(|el| k.elements & (1 << el) != 0) {
            for i in (0..n).filter(|i| !k.exempt[*i]) {
                let v = &mut restr[(k.exporter * N_EL + el) * n + i];
                *v = f64::max(*v, x);
                hit[el * n + i] = true;
            }
        }
    }
    // ĝ: governance risk of `r` as a supplier of `el` to `i`, with the restriction.
    let ghat =
        |r: usize, el: usize, i: usize| (g[r] * (1.0 + restr[(r * N_EL + el) * n + i])).min(1.0);
    let relation = |r: usize, i: usize| {
        if r == i {
            0.0
        } else if m.ally[r * n + i] {
            ALLY_DISCOUNT
        } else {
            1.0
        }
    };
    let magnet_el = |el: usize| m.magnet_content.iter().any(|c| c[el] > 0.0);
    let mine = s.mine_output.step(step);
    let sep = s.separation_output.step(step);
    let metal = s.metal_output.step(step);
    let magnet = s.magnet_output.step(step);
    let demand = s.demand.step(step);
    let own = s.source_own.step(step);
    let allies = s.source_allies.step(step);
    let others = s.source_others.step(step);
    let supplied_by = s.supplied_by.step(step);
    let risk = s.supply_risk.step_mut(step);
    for el in 0..N_EL {
        let col = |v: &[f64], r: usize| v[r * N_EL + el];
        let total = |f: &dyn Fn(usize) -> f64| (0..n).map(f).sum::<f64>();
        let mine_t = total(&|r| col(mine, r));
        let sep_t = total(&|r| col(sep, r));
        let metal_t: f64 = metal.iter().sum();
        let magnet_t: f64 = magnet.iter().sum();
        let magnet_el = magnet_el(el);
        // Where no control restricts `el` to `i`, the global term is the same for every
        // such `i`: computed once (the same operations, so the same bits).
        let mut h_free: Option<f64> = None;
        for i in 0..n {
            // Global supply: the bottleneck stage's governance-weighted HHI.
            let hhi = |share: &dyn Fn(usize) -> f64| {
                (0..n)
                    .map(|r| {
                        let sh = share(r);
                        sh * sh * ghat(r, el, i)
                    })
                    .sum::<f64>()
            };
            let global = || {
                let mut h_global: f64 = 0.0;
                if mine_t > 0.0 {
                    h_global = h_global.max(hhi(&|r| col(mine, r) / mine_t));
                }
                if sep_t > 0.0 {
                    h_global = h_global.max(hhi(&|r| col(sep, r) / sep_t));
                }
                if magnet_el {
                    if metal_t > 0.0 {
                        h_global = h_global.max(hhi(&|r| metal[r] / metal_t));
                    }
                    if magnet_t > 0.0 {
                        h_global = h_global.max(hhi(&|r| magnet[r] / magnet_t));
                    }
                }
                h_global
            };
            let h_global = if hit[el * n + i] {
                global()
            } else {
                *h_free.get_or_insert_with(global)
            };
            // Sourcing: shares of demand by supplier, the unmet share `u`.
            let d = col(demand, i);
            let (o, a, other) = (col(own, i), col(allies, i), col(others, i));
            let sup = o + a + other;
            let ss = if d > 0.0 {
                (col(mine, i) / d).min(col(sep, i) / d).min(1.0)
            } else {
                1.0
            };
            let (of_demand, u) = if d > 0.0 {
                let got = sup.min(d);
                (got / d / sup.max(f64::MIN_POSITIVE), 1.0 - got / d)
            } else {
                (if sup > 0.0 { 1.0 / sup } else { 0.0 }, 0.0)
            };
            x.iter_mut().for_each(|v| *v = 0.0);
            // Own last stage, upstream part: the other separators of `el` (or miners
            // if nobody else separates it), by output.
            let upstream = o * (1.0 - ss) * of_demand;
            if upstream > 0.0 {
                let by = if sep_t - col(sep, i) > 0.0 { sep } else { mine };
                let rest = total(&|r| if r == i { 0.0 } else { col(by, r) });
                if rest > 0.0 {
                    for r in (0..n).filter(|r| *r != i) {
                        x[r] += upstream * col(by, r) / rest;
                    }
                }
            }
            // Allies' and others' tiers, spread by what each delivered to `i`.
            for (tier, ally) in [(a, true), (other, false)] {
                let part = tier * of_demand;
                if part <= 0.0 {
                    continue;
                }
                let member = |r: usize| r != i && m.ally[r * n + i] == ally;
                let w = total(&|r| {
                    if member(r) {
                        supplied_by[i * n + r]
                    } else {
                        0.0
                    }
                });
                if w > 0.0 {
                    for r in (0..n).filter(|r| member(*r)) {
                        x[r] += part * supplied_by[i * n + r] / w;
                    }
                }
            }
            let h_src: f64 = (0..n)
                .map(|r| x[r] * x[r] * ghat(r, el, i) * relation(r, i))
                .sum::<f64>()
                + u * u;
            let own_share = if sup > 0.0 { o / sup } else { 1.0 };
            let ir = if d > 0.0 || sup > 0.0 {
                1.0 - own_share * ss
            } else {
                0.0
            };
            let eol = if d > 0.0 {
                (st.recycled[i][el] * c.spy / d).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let sr = (h_global * ir / 2.0 + h_src * (1.0 - ir / 2.0))
                * (1.0 - eol)
                * substitution_factor(m, st, i, el);
            risk[i * N_EL + el] = sr.clamp(0.0, 1.0);
        }
    }
    st.risk = scratch;
}
