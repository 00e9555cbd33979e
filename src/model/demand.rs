//! Demand: each sector's base-year world demand grows by its growth path and is split
//! over regions by its shares. Oxide sectors need oxides by their element mix; magnet
//! sectors need magnets.

use super::compile::Compiled;
use super::state::{Clock, State};
use crate::elements::{self, ZERO};

pub fn run(m: &Compiled, st: &mut State, c: &Clock) {
    let n = m.n;
    st.direct_need.iter_mut().for_each(|v| *v = ZERO);
    st.magnet_need
        .iter_mut()
        .for_each(|v| v.iter_mut().for_each(|x| *x = 0.0));
    for (sec, scaled) in m.sectors.iter().zip(&st.growth) {
        let world = sec.base * scaled.factor(c.mid) * c.dt;
        for r in 0..n {
            let q = world * sec.regions[r];
            if q <= 0.0 {
                continue;
            }
            match sec.magnet {
                Some(k) => st.magnet_need[k][r] += q,
                None => elements::add_scaled(&mut st.direct_need[r], &sec.mix, q),
            }
        }
    }
}
