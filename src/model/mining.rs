//! Mining: every mine produces `capacity × dt` (times its pipeline ramp and one minus
//! any shock on its region's mining) of concentrate with its ore's element composition,
//! split into a light fraction (La, Ce, Pr, Nd, Sm) and a heavy fraction (the rest),
//! because light and heavy separation are different capabilities. It joins the region's
//! concentrate stock.

use super::compile::Compiled;
use super::state::{Clock, State};
use crate::elements::N_EL;
use crate::output::Series;
use crate::scenario::Stage;

pub fn run(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    let mined_region = &mut st.stage_output[0];
    mined_region.iter_mut().for_each(|x| *x = 0.0);
    let mine_output = s.mine_output.step_mut(c.step);
    for mine in &m.mines {
        let q =
            st.unit_cap[mine.unit] * m.shock_factor(mine.region, Stage::Mining, c.t, c.dt) * c.dt;
        if q <= 0.0 {
            continue;
        }
        for el in 0..N_EL {
            let x = q * mine.comp[el];
            let f = if m.light[el] > 0.0 { 0 } else { 1 };
            st.conc[mine.region][f][el] += x;
            st.totals.mined[el] += x;
            mine_output[mine.region * N_EL + el] += x * c.spy;
        }
        mined_region[mine.region] += q;
    }
}
