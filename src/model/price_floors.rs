//! Price floors: a guaranteed price for a region's producers.
//!
//! # Rules
//!
//! - **What producers see.** While a floor is in force, the producer region's mines
//!   and plants value the floored elements at no less than the floor when they decide
//!   to expand, to enter or to stop (`capacity.rs`): a producer that would otherwise
//!   stop below its exit price carries on.
//! - **Who pays.** Each step the payer makes up the difference between the floor and
//!   the mean market price the producer sells at (USD/kg of the listed elements'
//!   oxides) on the producer region's separated output of those elements, up to
//!   `tonnes_per_year` (the US DoD pays MP Materials the gap to 110 USD/kg NdPr "for
//!   all volumes sold or stockpiled", REFERENCE B7). It enters `policy_cost`.

use super::compile::Compiled;
use super::policy::charge;
use super::state::{Clock, State};
use crate::elements::N_EL;
use crate::output::Series;

/// The floor (USD/kg) guaranteed at `t` to producers in `region` for `el`, if any.
pub(crate) fn floor(m: &Compiled, region: usize, el: usize, t: f64) -> Option<f64> {
    m.policy
        .floors
        .iter()
        .filter(|f| f.producer == region && f.elements & (1 << el) != 0)
        .filter(|f| t >= f.start && t < f.end)
        .map(|f| f.price)
        .reduce(f64::max)
}

/// After the market: the payments of this step.
pub fn pay(m: &Compiled, st: &mut State, s: &Series, c: &Clock) {
    if m.policy.floors.is_empty() {
        return;
    }
    let out = s.separation_output.step(c.step);
    for f in &m.policy.floors {
        if c.t < f.start || c.t >= f.end {
            continue;
        }
        let (mut tonnes, mut price, mut k) = (0.0, 0.0, 0.0);
        for el in (0..N_EL).filter(|el| f.elements & (1 << el) != 0) {
            tonnes += out[f.producer * N_EL + el] / c.spy;
            price += m.market.p0[el] * libm::exp(st.price_faced(m, f.producer, el));
            k += 1.0;
        }
        if k == 0.0 {
            continue;
        }
        let gap = f.price - price / k;
        if gap > 0.0 {
            let covered = tonnes.min(f.tonnes * c.dt);
            charge(&mut st.policy_cost, &f.payer, gap * 1000.0 * covered);
        }
    }
}
