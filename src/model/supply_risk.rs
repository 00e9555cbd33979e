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
    /// Restriction by `[(element * n + destination) * n + exporter]`, zero outside a step.
    restr: Vec<f64>,
    /// Whether any control restricts `[element * n + destination]` this step (false
    /// outside a step).
    hit: Vec<bool>,
    /// Squared output shares `[stage * n + r]` of the stages that count for this element.
    q: Vec<f64>,
    /// ĝ of every supplier for one element and destination.
    gh: Vec<f64>,
    /// Share of each supplier in what its tier delivered to a region, `[i * n + r]`.
    frac: Vec<f64>,
    /// `Σ frac² · ĝ · relation` over each region's allies (`[2 * i]`) and others
    /// (`[2 * i + 1]`), with unrestricted ĝ: the sourcing term when only tiers supply.
    tier_sq: Vec<f64>,
    /// The restriction row `gh` was last computed from (for the element being scored):
    /// destinations a control restricts alike share their ĝ and global term.
    last_row: Vec<f64>,
    /// Seen from destination `i`, supplier `r`'s relation (`[i * n + r]`: 0 for `i`
    /// itself, [`ALLY_DISCOUNT`] for an ally, 1 for others; its tier is 1, others, where
    /// the relation is 1): fixed for a run, so filled once.
    relation: Vec<f64>,
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
///
/// Written for speed (it was 40% of a run): the terms that do not depend on the
/// element or the destination are computed once per step, the stage shares once per
/// element, and every sum keeps the order and operations of the formula above, so the
/// numbers are the same to the bit as the direct form (the golden fingerprints say so).
pub fn run(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    let n = m.n;
    let step = c.step;
    let g = &m.governance_risk;
    let mut scratch = std::mem::take(&mut st.risk);
    let Scratch {
        restr,
        hit,
        q,
        gh,
        frac,
        tier_sq,
        last_row,
        relation,
    } = &mut scratch;
    last_row.resize(n, 0.0);
    if relation.len() != n * n {
        relation.clear();
        relation.extend((0..n * n).map(|k| {
            let (i, r) = (k / n, k % n);
            if r == i {
                0.0
            } else if m.ally[r * n + i] {
                ALLY_DISCOUNT
            } else {
                1.0
            }
        }));
    }
    // Restriction by (element, destination, exporter), from this step's controls: the
    // rows of the pairs a control hit are zeroed again at the end of the step, so the
    // buffer is allocated and cleared once per run.
    if restr.len() != N_EL * n * n {
        restr.clear();
        restr.resize(N_EL * n * n, 0.0);
        hit.clear();
        hit.resize(N_EL * n, false);
    }
    for (ci, k) in m.controls.iter().enumerate() {
        let x = restriction(m, ci, c);
        if x <= 0.0 {
            continue;
        }
        for el in (0..N_EL).filter(|el| k.elements & (1 << el) != 0) {
            for i in (0..n).filter(|i| !k.exempt[*i]) {
                let v = &mut restr[(el * n + i) * n + k.exporter];
                *v = f64::max(*v, x);
                hit[el * n + i] = true;
            }
        }
    }
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
    let metal_t: f64 = metal.iter().sum();
    let magnet_t: f64 = magnet.iter().sum();
    // Each supplier's share of what its tier (allies, or others) delivered to each
    // region, all elements: the weights that spread a tier's supply over its members
    // (`frac[i * n + r]`; 0 for `i` itself).
    frac.clear();
    frac.resize(n * n, 0.0);
    tier_sq.clear();
    for i in 0..n {
        for ally in [true, false] {
            let member = |r: usize| r != i && m.ally[r * n + i] == ally;
            let w: f64 = (0..n)
                .filter(|r| member(*r))
                .map(|r| supplied_by[i * n + r])
                .sum();
            let mut sq = 0.0;
            if w > 0.0 {
                for r in (0..n).filter(|r| member(*r)) {
                    let f = supplied_by[i * n + r] / w;
                    frac[i * n + r] = f;
                    sq += f * f * g[r];
                }
            }
            tier_sq.push(sq * if ally { ALLY_DISCOUNT } else { 1.0 });
        }
    }
    for el in 0..N_EL {
        let col = |v: &[f64], r: usize| v[r * N_EL + el];
        let mine_t = (0..n).map(|r| col(mine, r)).sum::<f64>();
        let sep_t = (0..n).map(|r| col(sep, r)).sum::<f64>();
        let magnet_el = m.magnet_content.iter().any(|c| c[el] > 0.0);
        // Squared shares of the stages that count: mining and separation by element,
        // metal and magnet making for the elements magnets contain.
        q.clear();
        let stage = |v: &mut Vec<f64>, total: f64, share: &dyn Fn(usize) -> f64| {
            if total > 0.0 {
                v.extend((0..n).map(|r| {
                    let sh = share(r) / total;
                    sh * sh
                }));
            }
        };
        stage(q, mine_t, &|r| col(mine, r));
        stage(q, sep_t, &|r| col(sep, r));
        if magnet_el {
            stage(q, metal_t, &|r| metal[r]);
            stage(q, magnet_t, &|r| magnet[r]);
        }
        // Global supply: the bottleneck stage's governance-weighted HHI, with `gh` the
        // suppliers' ĝ for the destination.
        let global = |gh: &[f64]| {
            q.chunks_exact(n).fold(0.0_f64, |h, qs| {
                h.max(qs.iter().zip(gh).map(|(q, gh)| q * gh).sum::<f64>())
            })
        };
        // Where no control restricts `el` to `i`, the global term is the same for every
        // such `i`: computed once. Destinations restricted alike (one control covers
        // every non-exempt region) share theirs too: `gh` and `h_row` are recomputed
        // only when the restriction row differs from the last one.
        let mut h_free: Option<f64> = None;
        let mut h_row: Option<f64> = None;
        for i in 0..n {
            // ĝ: governance risk of each supplier `r` of `el` to `i`, with the
            // restriction; unrestricted it is `g` itself (`g` ≤ 1). The row and the flag
            // are cleared as they are read, ready for the next step.
            let restricted = std::mem::take(&mut hit[el * n + i]);
            let h_global = if restricted {
                let row = &mut restr[(el * n + i) * n..(el * n + i + 1) * n];
                if h_row.is_none() || row != &last_row[..] {
                    gh.clear();
                    gh.extend(
                        g.iter()
                            .zip(row.iter())
                            .map(|(g, x)| (g * (1.0 + x)).min(1.0)),
                    );
                    last_row.copy_from_slice(row);
                    h_row = Some(global(gh));
                }
                row.iter_mut().for_each(|x| *x = 0.0);
                h_row.unwrap_or_default()
            } else {
                *h_free.get_or_insert_with(|| global(g))
            };
            let gh: &[f64] = if restricted { gh } else { g };
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
            // Own last stage, upstream part: the other separators of `el` (or miners
            // if nobody else separates it), by output: `x_r += up · by_r`.
            let upstream = o * (1.0 - ss) * of_demand;
            let by = if sep_t - col(sep, i) > 0.0 { sep } else { mine };
            let mut up = 0.0;
            if upstream > 0.0 {
                let rest = (0..n)
                    .map(|r| if r == i { 0.0 } else { col(by, r) })
                    .sum::<f64>();
                if rest > 0.0 {
                    up = upstream / rest;
                }
            }
            // Allies' and others' tiers, spread by what each delivered to `i`:
            // `x_r += part_tier · frac_r`.
            let parts = [(a * of_demand).max(0.0), (other * of_demand).max(0.0)];
            let h_src = if up == 0.0 && !restricted {
                // Only the tiers, with every ĝ unrestricted: the per-step sums.
                parts[0] * parts[0] * tier_sq[2 * i] + parts[1] * parts[1] * tier_sq[2 * i + 1]
            } else {
                // `i` itself adds `x² ĝ · 0 = +0.0`, which leaves the sum's bits as
                // skipping it would (every term is finite and not negative).
                let fr = &frac[i * n..(i + 1) * n];
                let rel = &relation[i * n..(i + 1) * n];
                (0..n)
                    .map(|r| {
                        let x = up * col(by, r) + parts[usize::from(rel[r] == 1.0)] * fr[r];
                        x * x * gh[r] * rel[r]
                    })
                    .sum::<f64>()
            } + u * u;
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
