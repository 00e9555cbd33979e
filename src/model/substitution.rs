//! Substitution and thrifting: the use of an element per unit of product falls.
//!
//! # Rules
//!
//! - **Driven by price, with a lag**: the long-run price elasticity of demand
//!   (`demand.rs`): as a price stays high, demand follows it down over
//!   `market.long_run_years` (motor designs without Dy, grain-boundary diffusion,
//!   induction motors). That response is not repeated here.
//! - **Driven by research**: each research programme's `intensity_cut` for an element
//!   is reached along an S-curve over its `years`; programmes combine as
//!   `1 − Π(1 − cut × S(t))`. The technology spreads to every region (magnets are
//!   made by few makers for all; licences follow), so the cut applies to world use of
//!   the element in oxide uses and in magnets' recipes; who pays matters for the
//!   policy cost, not for who benefits (a deliberate simplification).
//! - **Capped**: the intensity falls by at most `policy.max_substitution_per_year` of
//!   its current level a year (Sprecher et al. 2017: up to 10% of demand a year).

use super::compile::Compiled;
use super::policy::charge;
use super::recycling::s_curve;
use super::state::{Clock, State};
use crate::elements::N_EL;

/// Before demand: this step's intensity factor of each element, and research costs.
pub fn run(m: &Compiled, st: &mut State, c: &Clock) {
    let p = &m.policy;
    if p.research.is_empty() {
        return;
    }
    for el in 0..N_EL {
        let mut keep = 1.0;
        for rs in &p.research {
            keep *= 1.0 - rs.cut[el] * s_curve(c.mid, rs.start, rs.years);
        }
        let floor = st.intensity[el] * (1.0 - p.max_substitution * c.dt);
        st.intensity[el] = keep.max(floor).min(1.0);
    }
    for rs in &p.research {
        if c.t >= rs.start && c.t < rs.start + rs.years {
            charge(&mut st.policy_cost, &rs.funders, rs.budget * c.dt);
        }
    }
}
