//! Metrics: availability is supplied / demanded per region and element, with magnets
//! counted by their element content; alliances' availability; concentration of each
//! stage (HHI and the largest region's share); world stocks; the mass balance.

use super::compile::Compiled;
use super::state::{Clock, State};
use crate::elements::N_EL;
use crate::output::Series;

pub fn run(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    let n = m.n;
    let (spy, step) = (c.spy, c.step);
    let supplied = s.supplied.step_mut(step);
    let demand = s.demand.step_mut(step);
    let availability = s.availability.step_mut(step);
    let shortfall = s.shortfall.step_mut(step);
    let buyer_stock = s.buyer_stock.step_mut(step);
    for i in 0..n {
        for el in 0..N_EL {
            let k = i * N_EL + el;
            st.totals.direct[el] += st.direct_recv[i][el];
            supplied[k] += st.direct_recv[i][el] * spy;
            let mut d = st.direct_ref[i][el];
            for (need_m, content) in st.magnet_ref.iter().zip(&st.content) {
                d += need_m[i] * content[el];
            }
            demand[k] = d * spy;
            shortfall[k] = (demand[k] - supplied[k]).max(0.0);
            availability[k] = if d > 0.0 {
                (supplied[k] / (d * spy)).clamp(0.0, 1.0)
            } else {
                1.0
            };
            st.avail_prev[i][el] = availability[k];
            buyer_stock[k] = st.inv[i][el];
        }
    }
    let alliance_availability = s.alliance_availability.step_mut(step);
    for (a, (_, members)) in m.alliances.iter().enumerate() {
        let (mut d, mut x) = ([0.0; N_EL], [0.0; N_EL]);
        for i in (0..n).filter(|i| members[*i]) {
            for el in 0..N_EL {
                d[el] += demand[i * N_EL + el];
                x[el] += supplied[i * N_EL + el];
            }
        }
        for el in 0..N_EL {
            alliance_availability[a * N_EL + el] = if d[el] > 0.0 {
                (x[el] / d[el]).clamp(0.0, 1.0)
            } else {
                1.0
            };
        }
    }
    let capacity = s.capacity.step_mut(step);
    for (k, caps) in st.stage_cap.iter().enumerate() {
        capacity[k * n..(k + 1) * n].copy_from_slice(caps);
    }
    for (k, v) in st.stage_output.iter().enumerate() {
        let total: f64 = v.iter().sum();
        let (mut hhi, mut top) = (0.0, 0.0);
        if total > 0.0 {
            for x in v.iter() {
                let sh = x / total;
                hhi += sh * sh;
                top = f64::max(top, sh);
            }
        }
        s.concentration.set(step, k, 0, hhi);
        s.concentration.set(step, k, 1, top);
    }
    let stockpile = s.stockpile.step_mut(step);
    let days = s.stockpile_days.step_mut(step);
    for (k, sp) in m.policy.stockpiles.iter().enumerate() {
        for el in 0..N_EL {
            let held = st.stockpile[k][el];
            stockpile[k * N_EL + el] = held;
            let use_per_day: f64 = (0..n)
                .filter(|r| sp.members[*r])
                .map(|r| st.member_use(r, el))
                .sum::<f64>()
                / (c.dt * 365.0);
            days[k * N_EL + el] = if use_per_day > 0.0 {
                held / use_per_day
            } else {
                0.0
            };
        }
    }
    let mid = c.t + 0.5 * c.dt;
    s.controls_in_force.set(
        step,
        0,
        0,
        m.controls
            .iter()
            .filter(|x| mid >= x.start && mid < x.end)
            .count() as f64,
    );
    // Mass balance: what came in (stocks at the start, mined, recycled) equals what is
    // held (concentrate, oxide, stockpiles, buyers' inventories), lost in separation and delivered; and what
    // was delivered is in use or has left use.
    let mut worst: f64 = 0.0;
    let tot = &st.totals;
    for el in 0..N_EL {
        let mut stock_c = 0.0;
        let mut stock_o = 0.0;
        let mut in_use = 0.0;
        for r in 0..n {
            stock_c += st.conc[r][0][el] + st.conc[r][1][el];
            stock_o += st.oxide[r][el];
            in_use += st.in_use[r][0][el] + st.in_use[r][1][el];
        }
        let piles: f64 = st.stockpile.iter().map(|v| v[el]).sum::<f64>()
            + st.inv.iter().map(|v| v[el]).sum::<f64>();
        s.oxide_stock.set(step, 0, el, stock_o);
        s.concentrate_stock.set(step, 0, el, stock_c);
        let rhs = stock_c + stock_o + piles + tot.losses[el] + tot.direct[el] + tot.magnets[el];
        let put = tot.initial[el] + tot.mined[el] + tot.recycled[el];
        let err = (put - rhs).abs() / put.max(1.0);
        worst = worst.max(err);
        let delivered = tot.direct[el] + tot.magnets[el] + tot.in_use_initial[el];
        let used = in_use + tot.left_use[el];
        worst = worst.max((delivered - used).abs() / delivered.max(1.0));
    }
    s.mass_balance_error[step] = worst;
}
