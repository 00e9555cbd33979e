//! Demand: each sector's base-year world demand grows by its growth path, is split over
//! regions by its shares, and answers the price its region faces; a backlog of unmet
//! demand is restocked over the following steps.
//!
//! # Rules
//!
//! - **Growth.** Oxide sectors need oxides by their element mix; magnet sectors need
//!   magnets of each grade by their `product_mix`.
//! - **Prices.** A region faces the inside price of an element where it is the
//!   controlling exporter of a split market, else the outside (or world) price. Oxide
//!   demand for an element is multiplied by
//!   `exp(ε_short × ln p + (ε_long − ε_short) × ln p̄)`, with `p` the price over its
//!   base-year level and `p̄` its long-run average (time constant `long_run_years`):
//!   the short-run response is immediate, the rest arrives as the average catches up
//!   (substitution, thrifting, deferred purchases). Magnet demand answers the price of
//!   the grade's rare earth content in the same way.
//! - **Didymium.** Magnets with a didymium range use Nd and Pr in the ratio the market
//!   offers this step (oxide stocks after the end users' own Nd and Pr), within the
//!   range; Nd and Pr are then needed, ordered and used in that ratio.
//! - **Thrifting.** In those magnets the other rare earths (Dy, Tb, Gd, Ce) answer
//!   their own price like oxide demand does, but only downwards (grain-boundary
//!   diffusion and grades with less Dy and Tb; never more than the recipe): a Dy
//!   shortage lowers Dy per magnet, not only the number of magnets.
//! - **Backlog.** A share `backlog_carry` of what a step leaves unmet is carried over
//!   and added back to later steps' needs over `backlog_years` (restocking); this is
//!   why China's magnet exports rebounded above their earlier level in the summer of
//!   2025. The reported `demand` is the step's demand at its prices, without the
//!   backlog.
//! - **Demand that counts.** Orders are placed at the prices a region faces, but the
//!   demand reported, and availability measured against, is the demand at the inside
//!   (or world) price, or at the region's own price where that is lower: where a
//!   control splits a market, what buyers outside forgo because of the premium counts
//!   as unmet, not as demand that went away.

use super::allocate::MAX_REGIONS;
use super::compile::{mask_of, Compiled, MarketC, SEPARATION};
use super::prices;
use super::state::{Clock, State};
use crate::elements::{self, EVec, ND, N_EL, PR, ZERO};

pub fn run(m: &Compiled, st: &mut State, c: &Clock) {
    let n = m.n;
    let mk = &m.market;
    let mut mult = [[1.0; 2]; N_EL];
    prices::demand_multipliers(m, st, &mut mult);
    st.direct_demand.iter_mut().for_each(|v| *v = ZERO);
    st.magnet_demand
        .iter_mut()
        .for_each(|v| v.iter_mut().for_each(|x| *x = 0.0));
    for (sec, scaled) in m.sectors.iter().zip(&st.growth_paths) {
        let world = sec.base * scaled.factor(c.mid) * c.dt;
        for r in 0..n {
            let q = world * sec.regions[r];
            if q <= 0.0 {
                continue;
            }
            match sec.magnet {
                Some(k) => st.magnet_demand[k][r] += q,
                None => elements::add_scaled(&mut st.direct_demand[r], &sec.mix, q),
            }
        }
    }
    // Prices relative to the base year, now and long-run, in each market: `[inside,
    // outside]` (equal where no control splits the market).
    let mut rel = [[(1.0, 1.0); 2]; N_EL];
    for el in 0..N_EL {
        let p = &st.price[el];
        let inside = (libm::exp(p.inside), libm::exp(p.long_inside));
        // One market (the same numbers): the same exponentials.
        let outside = if p.outside.to_bits() == p.inside.to_bits()
            && p.long_outside.to_bits() == p.long_inside.to_bits()
        {
            inside
        } else {
            (libm::exp(p.outside), libm::exp(p.long_outside))
        };
        rel[el] = [inside, outside];
    }
    let n_types = m.magnet_content.len();
    // The markets each region buys in, as a mask over elements (bit set: outside).
    let mut outside = [0u32; MAX_REGIONS];
    for r in 0..n {
        // The market a region buys each element in: 0 inside (the controlling exporter
        // itself, or the one world market), 1 outside.
        let side = |el: usize| usize::from(!m.inside(st.split[el], r));
        for el in 0..N_EL {
            // Research-driven substitution (`substitution.rs`): 1 without research.
            let base = st.direct_demand[r][el] * st.intensity[el];
            st.direct_demand[r][el] = base * mult[el][side(el)];
            st.direct_ref[r][el] = base * mult[el][0].max(mult[el][side(el)]);
            outside[r & (MAX_REGIONS - 1)] |= (side(el) as u32) << el;
        }
    }
    for k in 0..n_types {
        let content = &m.magnet_content[k];
        let content_mask = mask_of(content);
        // A grade's price response depends on a region only through the markets it
        // buys the grade's elements in, and most regions share them: each response is
        // computed once per set of markets (the same operations, so the same bits).
        let mut memo = [(0u32, 0.0, 0.0, false); 4];
        let mut n_memo = 0;
        for r in 0..n {
            let base = st.magnet_demand[k][r];
            if base <= 0.0 {
                st.magnet_ref[k][r] = base;
                continue;
            }
            let key = outside[r & (MAX_REGIONS - 1)] & content_mask;
            let (now_f, in_f, same) = match memo[..n_memo].iter().find(|x| x.0 == key) {
                Some(&(_, a, b, same)) => (a, b, same),
                None => {
                    let x = grade_response(mk, content, &rel, key);
                    if n_memo < memo.len() {
                        memo[n_memo] = (key, x.0, x.1, x.2);
                        n_memo += 1;
                    }
                    x
                }
            };
            st.magnet_demand[k][r] = base * now_f;
            st.magnet_ref[k][r] = if same {
                st.magnet_demand[k][r]
            } else {
                (base * in_f).max(st.magnet_demand[k][r])
            };
        }
    }
    // Needs: demand plus the backlog being restocked this step.
    let take = (c.dt / mk.backlog_years).min(1.0);
    for r in 0..n {
        for el in 0..N_EL {
            let x = st.backlog[r][el] * take;
            st.backlog_taken[r][el] = x;
            st.backlog[r][el] -= x;
            st.direct_need[r][el] = st.direct_demand[r][el] + x;
        }
        for k in 0..n_types {
            let x = st.magnet_backlog[k][r] * take;
            st.magnet_backlog_taken[k][r] = x;
            st.magnet_backlog[k][r] -= x;
            st.magnet_need[k][r] = st.magnet_demand[k][r] + x;
        }
    }
    magnet_content(m, st, &mult);
}

/// The demand multipliers of a magnet grade with element content `content` for a
/// region buying the elements in `outside` (bit set: the outside market) outside,
/// and at the inside prices; and whether the two are the same prices.
fn grade_response(
    mk: &MarketC,
    content: &EVec,
    rel: &[[(f64, f64); 2]; N_EL],
    outside: u32,
) -> (f64, f64, bool) {
    // The grade's rare earth content priced in the region's markets, and inside.
    let (mut v0, mut now, mut long, mut now_in, mut long_in) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for el in 0..N_EL {
        if content[el] > 0.0 {
            let v = content[el] * mk.p0[el];
            let (p, l) = rel[el][((outside >> el) & 1) as usize];
            let (pi, li) = rel[el][0];
            v0 += v;
            now += v * p;
            long += v * l;
            now_in += v * pi;
            long_in += v * li;
        }
    }
    let f = |now: f64, long: f64| {
        if now == v0 && long == v0 {
            1.0
        } else {
            libm::exp(
                mk.eps_short * libm::log(now / v0)
                    + (mk.eps_long - mk.eps_short) * libm::log(long / v0),
            )
        }
    };
    let same = now == now_in && long == long_in;
    (
        f(now, long),
        if same { 0.0 } else { f(now_in, long_in) },
        same,
    )
}

/// The element content of each magnet type this step (see the module's rules on
/// didymium and thrifting).
fn magnet_content(m: &Compiled, st: &mut State, mult: &[[f64; 2]; N_EL]) {
    let (mut nd, mut pr) = (0.0, 0.0);
    for r in 0..m.n {
        nd += st.oxide[r][ND] - st.direct_need[r][ND];
        pr += st.oxide[r][PR] - st.direct_need[r][PR];
    }
    for (k, content) in m.magnet_content.iter().enumerate() {
        let both = content[ND] + content[PR];
        st.content[k] = *content;
        let Some((lo, hi)) = m.didymium[k] else {
            continue;
        };
        if both > 0.0 && nd > 0.0 && pr > 0.0 {
            let f = (pr / (nd + pr)).clamp(lo, hi);
            st.content[k][PR] = both * f;
            st.content[k][ND] = both - st.content[k][PR];
        }
        for el in (0..N_EL).filter(|el| *el != ND && *el != PR) {
            // Thrifting, at the price where the magnets are made (inside).
            st.content[k][el] *= mult[el][0].min(1.0);
        }
        for (x, f) in st.content[k].iter_mut().zip(&st.intensity) {
            *x *= f;
        }
    }
}

/// At the first step: oxide stocks at their normal cover, held where oxides are
/// separated (by separation capacity), so that prices start at their base-year level
/// rather than at a stock-out. Counted in the mass balance as stock put in at the start.
///
/// The normal cover is `normal_cover_years` of the first step's demand, plus, for an
/// element separated beyond its demand, one year of that surplus
/// ([`SURPLUS_YEARS_IN_STOCK`]): the base-year price of a by-product in structural
/// surplus (Ho, Er, Yb and Lu are mined at 5-12 times their use, La and Ce at about
/// twice) was set with such stocks on hand, so only surplus beyond them lowers it.
pub fn initial_stocks(m: &Compiled, st: &mut State, c: &Clock) {
    let sep: f64 = st.stage_cap[SEPARATION].iter().sum();
    if sep <= 0.0 {
        return;
    }
    for el in 0..N_EL {
        let mut d = 0.0;
        for r in 0..m.n {
            d += st.direct_demand[r][el];
            for k in 0..m.magnet_content.len() {
                d += st.magnet_demand[k][r] * st.content[k][el];
            }
        }
        // This step's separated (and recycled) oxide: the stocks hold nothing else yet.
        let supplied: f64 = st.oxide.iter().map(|o| o[el]).sum();
        let surplus = if d > 0.0 {
            (supplied / d - 1.0).max(0.0)
        } else {
            0.0
        };
        st.normal_cover[el] = m.market.normal_cover + SURPLUS_YEARS_IN_STOCK * surplus;
        let stock = st.normal_cover[el] * d / c.dt;
        for r in 0..m.n {
            let x = stock * st.stage_cap[SEPARATION][r] / sep;
            st.oxide[r][el] += x;
            st.totals.initial[el] += x;
        }
    }
}

/// Years of a by-product's base-year surplus held in stock at the start, at which its
/// base-year price holds (ASSUMPTION: China's output of the heavy by-products has
/// exceeded their use for years and the surplus sits in unreported stocks and
/// separation residues, as USGS MCS 2026 and Adamas note for Y (REFERENCE B10; the
/// data's Y `mix_source`); one year is the least that can be said to be on hand. With
/// none, Ho, Er, Yb and Lu averaged 10-14% below their 2024 prices over 2024).
pub const SURPLUS_YEARS_IN_STOCK: f64 = 1.0;

/// After delivery: carry a share of what was left unmet into the backlog.
pub fn carry_backlog(m: &Compiled, st: &mut State) {
    let carry = m.market.backlog_carry;
    if carry <= 0.0 {
        return;
    }
    for r in 0..m.n {
        for el in 0..N_EL {
            let unmet = st.direct_need[r][el] - st.direct_recv[r][el];
            if unmet > 0.0 {
                st.backlog[r][el] += carry * unmet;
            }
        }
        for k in 0..m.magnet_content.len() {
            let unmet = st.magnet_need[k][r] - st.magnet_recv[k][r];
            if unmet > 0.0 {
                st.magnet_backlog[k][r] += carry * unmet;
            }
        }
    }
}
