//! Recycling: rare earths come back from products reaching the end of their life.
//!
//! # Rules
//!
//! - **In-use stocks.** What end users receive goes into use in their region: magnets
//!   (by their element content) and other products, each a stock that leaves use at
//!   `1 / lifetime` a year (data `policy.magnet_lifetime_years`,
//!   `other_lifetime_years`; an exponential lifetime). At the start the stocks are what
//!   the first year's use would have built up with use growing 6% a year (ASSUMPTION:
//!   close to magnet demand growth over the past decade) — `use × L / (1 + 0.06 L)`.
//! - **Recovery.** Of what leaves use, the magnets and `recyclable_share_other` of the
//!   other products can be recovered; the region's recycling rate (collection ×
//!   recovery; `policy.recycling_rate`, about 1% today) is recovered as oxide into the
//!   region's stock of separated product, where it is sold like any oxide. The rest is
//!   discarded.
//! - **Research** raises a funder region's rate towards the programme's
//!   `recycling_rate` along a smooth S-curve over `years` from `start`: plants,
//!   collection schemes and design for disassembly take years, not months.
//!
//! Mass balance: `in use at the start + delivered = in use + left use`, and what left
//! use is recycled or discarded; recycled oxide joins the supply side of the model's
//! balance like mined oxide.

use super::compile::Compiled;
use super::state::{Clock, State};
use crate::elements::N_EL;

/// Growth of use assumed before the start, to size the initial in-use stocks.
const PAST_GROWTH: f64 = 0.06;

/// Smooth 0→1 over `[start, start + years]` (3x² − 2x³).
pub(crate) fn s_curve(t: f64, start: f64, years: f64) -> f64 {
    let x = ((t - start) / years).clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Region `r`'s recycling rate at `t`.
pub(crate) fn rate(m: &Compiled, r: usize, t: f64) -> f64 {
    let base = m.policy.recycling_rate;
    let mut rate = base;
    for rs in &m.policy.research {
        if let (true, Some(target)) = (rs.funders[r], rs.recycling_rate) {
            rate = rate.max(base + (target - base) * s_curve(t, rs.start, rs.years));
        }
    }
    rate
}

/// At the start of a step: products leaving use, and the oxide recovered from them.
pub fn run(m: &Compiled, st: &mut State, s: &mut crate::output::Series, c: &Clock) {
    let p = &m.policy;
    let recycled = s.recycled.step_mut(c.step);
    for r in 0..m.n {
        let rate = rate(m, r, c.mid);
        for el in 0..N_EL {
            let out_m = st.in_use[r][0][el] * (c.dt / p.magnet_life).min(1.0);
            let out_o = st.in_use[r][1][el] * (c.dt / p.other_life).min(1.0);
            st.in_use[r][0][el] -= out_m;
            st.in_use[r][1][el] -= out_o;
            let back = rate * (out_m + p.recyclable_other * out_o);
            st.oxide[r][el] += back;
            st.totals.recycled[el] += back;
            st.recycled[r][el] = back;
            st.totals.left_use[el] += out_m + out_o;
            recycled[r * N_EL + el] = back * c.spy;
        }
    }
}

/// At the first step, once demand is known: the in-use stocks of the start.
pub fn initial(m: &Compiled, st: &mut State, c: &Clock) {
    let p = &m.policy;
    for r in 0..m.n {
        for el in 0..N_EL {
            let mag: f64 = st
                .magnet_demand
                .iter()
                .zip(&st.content)
                .map(|(d, k)| d[r] * k[el])
                .sum::<f64>()
                * c.spy;
            let other = st.direct_demand[r][el] * c.spy;
            let size = |u: f64, life: f64| u * life / (1.0 + PAST_GROWTH * life);
            st.in_use[r][0][el] = size(mag, p.magnet_life);
            st.in_use[r][1][el] = size(other, p.other_life);
            st.totals.in_use_initial[el] += st.in_use[r][0][el] + st.in_use[r][1][el];
        }
    }
}

/// At the end of a step: what end users received goes into use.
pub fn absorb(m: &Compiled, st: &mut State) {
    for r in 0..m.n {
        for el in 0..N_EL {
            let mut mag = 0.0;
            for (k, got) in st.magnet_recv.iter().enumerate() {
                mag += got[r] * st.content[k][el];
            }
            st.in_use[r][0][el] += mag;
            st.in_use[r][1][el] += st.direct_recv[r][el];
        }
    }
}
