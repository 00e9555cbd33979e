//! Prices: one per element, or two where an export control splits the market.
//!
//! # Rules
//!
//! - **Where a control splits a market.** An element's market is split this step when
//!   an export control that covers it (on oxide, metal or magnets) is in force: its
//!   exporter and the partners it exempts are *inside*, every other region
//!   *outside*. Otherwise there is one world
//!   price. (With several controlling exporters, the first control in the scenario
//!   decides.)
//! - **Scarcity.** Each market compares what its buyers received in the oxide trade
//!   with what they asked for (end users and metal makers, backlogs included):
//!   `A = received / asked`. A shortfall multiplies the price level by `A^(1/ε_short)`,
//!   the rise at which the short-run demand response would close the gap (with
//!   ε_short = −0.15, a 10% shortfall doubles the price). It is a level, not a rate: a
//!   control that denies a share of every request (licensing) leaves a shortfall no
//!   price can close, and the price then stays at the level the denied share implies
//!   instead of rising without end. As demand answers the spike the shortfall, and
//!   the price, fall back.
//! - **A control's reach.** In the outside market of a split, `A` is the lesser of the
//!   oxide trade's and the end users' (the element's availability outside, magnets
//!   counted by content): a control on an element holds it back in every form it
//!   covers, and buyers of magnets bid for the element they cannot get. Elsewhere a
//!   magnet shortfall comes from a processing bottleneck, not from the element, and
//!   only the oxide trade counts.
//! - **Stocks.** The level starts from what the market's stocks imply: the base-year
//!   price (a cost anchor) times
//!   `(cover / normal)^−stock_price_exponent`, where cover is stocks over a year's
//!   purchases and normal is the element's normal cover (`normal_cover_years`, plus a
//!   year of a by-product's base-year surplus: `demand::initial_stocks`; clamped to 1/4..1000 times
//!   normal). Thin stocks hold a price above its base, surplus pushes it below, which
//!   is where the balance problem's lanthanum and cerium go; at normal cover the price
//!   returns to its base.
//! - **Depletion.** Where a market's stocks (oxide and concentrate) are falling, at the
//!   rate they fell over about the last two years, and would be gone within
//!   `DEPLETION_HORIZON_YEARS`, the shortfall their end would leave (`fall ÷ asked`)
//!   enters `A` in proportion to how near the end is: on the quarter the stocks run out
//!   the price already stands where that shortfall puts it, instead of jumping then.
//! - **Buying ahead.** Where a quota rations the outside market of a split and that
//!   market is short, its target rises by `x⁺ × min(ahead, inventory_expectation_years)`:
//!   `x` the trend buyers expect (ln of the price a year, `inventories.rs`), `ahead`
//!   the cover above normal they aim at (years). The marginal buyer pays now what it
//!   expects the price to be when it would otherwise have bought ("bidding for next
//!   year's quota", 2010-2011). Capped at the horizon buyers extrapolate over, the
//!   loop price → trend → price has a gain of at most one and does not run away by
//!   itself.
//!   Under licensing or a ban nothing is gained by bidding (a licence is granted or
//!   not, whatever the price), so only a quota's outside market has this term.
//! - The price rises towards its target with the time constant `price_adjust_years`
//!   and falls towards it with `price_fall_years` (sellers' asks come down slowly:
//!   after the 2011 peak Dy took about 0.7 years and Nd about a year to halve),
//!   rises at most `max_quarterly_rise` times in a quarter (bids take time to spread),
//!   and stays between `price_floor_multiple` and `price_cap_multiple` times its
//!   base-year price. Prices are kept as logarithms of their ratio to the base-year
//!   price, so every rule above is a sum.
//! - When a split ends, the two prices merge into their demand-weighted mean.
//! - Demand answers the price its region faces (see `demand.rs`); investment answers
//!   prices averaged over about a year (see `capacity.rs`).

use super::capacity::DECISION_YEARS;
use super::compile::{product, Compiled};
use super::state::{Clock, State};
use crate::elements::N_EL;
use crate::output::Series;
use crate::scenario::Measure;

/// Product indexes of oxide, magnets and metal: the products whose control splits an
/// element's market.
const SPLITTING: [usize; 3] = [product::OXIDE, product::MAGNET, product::METAL];

/// How far ahead sellers see their stocks running out (years): within it a falling
/// stock raises the price as the shortfall it leads to would (ASSUMPTION: a year,
/// the horizon of annual supply contracts and of buyers' forecasts). Without it a
/// stock drawn down at a steady rate left the price flat until the quarter it ran
/// out, then jumped it (docs/VALIDATION.md, "Stocks run out, and prices warn first").
const DEPLETION_HORIZON_YEARS: f64 = 1.0;

/// Over how long sellers judge the stocks' fall (years, exponential smoothing). Two
/// years: a slow draw-down is seen whole, while a sudden loss (a year's Myanmar stop)
/// enters the signal slowly and is partly rationed, as in the record; over one year
/// the stop showed only in price and no longer lowered Dy availability (ASSUMPTION,
/// chosen between the two; VALIDATION).
const DEPLETION_TREND_YEARS: f64 = 2.0;

/// Before demand: which elements' markets a control splits this step.
pub fn split(m: &Compiled, st: &mut State, c: &Clock) {
    let prev = st.split;
    st.split = [None; N_EL];
    for (ci, ctl) in m.controls.iter().enumerate() {
        if c.mid < ctl.start || c.mid >= ctl.end || !SPLITTING.iter().any(|p| ctl.products[*p]) {
            continue;
        }
        if let Measure::Licensing { approval_share, .. } = ctl.measure {
            // Licensing that approves everything (after its delay) splits nothing.
            let waiting = c.mid < ctl.start + ctl.delay_years();
            if approval_share >= 1.0 && !waiting {
                continue;
            }
        }
        for el in 0..N_EL {
            if ctl.elements & (1 << el) != 0 && st.split[el].is_none() {
                st.split[el] = Some(ci);
            }
        }
    }
    // A split that starts: both prices start from the world price (already equal).
    // A split that ends: merge the two prices.
    for el in 0..N_EL {
        if let (Some(ci), None) = (prev[el], st.split[el]) {
            let (d_in, d_out) = market_totals(m, st, el, Some(ci), |st, r| st.oxide_asked[r][el]);
            let p = &mut st.price[el];
            let w = if d_in + d_out > 0.0 {
                d_in / (d_in + d_out)
            } else {
                0.5
            };
            let merge = |a: f64, b: f64| w * a + (1.0 - w) * b;
            p.inside = merge(p.inside, p.outside);
            p.long_inside = merge(p.long_inside, p.long_outside);
            p.year_inside = merge(p.year_inside, p.year_outside);
            p.outside = p.inside;
            p.long_outside = p.long_inside;
            p.year_outside = p.year_inside;
        }
    }
}

/// Sum of `f(region)` inside and outside the split of element `el` (by the control
/// index in `split`).
fn market_totals(
    m: &Compiled,
    st: &State,
    _el: usize,
    split: Option<usize>,
    f: impl Fn(&State, usize) -> f64,
) -> (f64, f64) {
    let (mut a, mut b) = (0.0, 0.0);
    for r in 0..m.n {
        if m.inside(split, r) {
            a += f(st, r);
        } else {
            b += f(st, r);
        }
    }
    (a, b)
}

/// At the end of the step: move every price by its market's scarcity and stocks, and
/// write the price series.
pub fn update(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    let mk = &m.market;
    let adjust = (c.dt / mk.adjust_years).min(1.0);
    let long = (c.dt / mk.long_run_years).min(1.0);
    let year = (c.dt / DECISION_YEARS).min(1.0);
    let max_rise = mk.ln_max_quarterly_rise * c.dt / 0.25;
    let fall = (c.dt / mk.fall_years).min(1.0);
    let price = s.price.step_mut(c.step);
    let price_outside = s.price_outside.step_mut(c.step);
    for el in 0..N_EL {
        let inside = st.split[el];
        let (asked_in, asked_out) = market_totals(m, st, el, inside, |st, r| st.oxide_asked[r][el]);
        let (got_in, got_out) = market_totals(m, st, el, inside, |st, r| st.oxide_got[r][el]);
        let (stock_in, stock_out) = market_totals(m, st, el, inside, |st, r| st.oxide[r][el]);
        // Oxide and concentrate held in each market, and their fall per step smoothed
        // over DEPLETION_TREND_YEARS, where the markets are the ones of the last step
        // (a split that starts or ends starts the trend again).
        let (held_in, held_out) = market_totals(m, st, el, inside, |st, r| {
            st.oxide[r][el] + st.conc[r][0][el] + st.conc[r][1][el]
        });
        let held = if inside.is_some() {
            [held_in, held_out]
        } else {
            [held_in + held_out, 0.0]
        };
        let smooth = (c.dt / DEPLETION_TREND_YEARS).min(1.0);
        let mut draw = [0.0; 2];
        if let Some((split, before, trend)) = st.price[el].last_stock {
            if split == inside {
                for k in 0..2 {
                    draw[k] = trend[k] + smooth * (before[k] - held[k] - trend[k]);
                }
            }
        }
        let (mut got_out, mut asked_out) = (got_out, asked_out);
        if inside.is_some() {
            // End users' needs (backlogs included) and receipts, magnets by content.
            // One walk for both sums (each in region order, as two walks would add).
            let (mut need_out, mut recv_out) = (0.0, 0.0);
            for r in 0..m.n {
                if !m.inside(inside, r) {
                    let (need, recv) = end_use(st, r, el);
                    need_out += need;
                    recv_out += recv;
                }
            }
            if need_out > 0.0 && asked_out > 0.0 && recv_out / need_out < got_out / asked_out {
                (got_out, asked_out) = (recv_out, need_out);
            }
        }
        // The change of a log price `lp` in a market this step: towards the level its
        // stocks and its shortfall imply.
        // Buying ahead (outside a quota's split only): the trend buyers expect times how
        // far ahead they buy (years, at most as far as they extrapolate).
        let quota =
            inside.is_some_and(|ci| matches!(m.controls[ci].measure, Measure::Quota { .. }));
        let bid_ahead = if quota {
            st.expect[el][1].max(0.0) * st.ahead[el].min(mk.inv.expectation_years)
        } else {
            0.0
        };
        let change = |lp: f64, asked: f64, got: f64, stock: f64, outside: bool| -> f64 {
            if asked <= 0.0 || mk.eps_short >= 0.0 {
                // Nobody buys (or nothing answers prices): the price stays.
                return 0.0;
            }
            // Cover in years of this step's purchases, relative to normal.
            let cover = (stock / (asked / c.dt) / st.normal_cover[el]).clamp(0.25, 1000.0);
            let mut target = -mk.stock_exponent * libm::log(cover);
            // Depletion: stocks `held` falling by `draw` a step will be gone in
            // `held / draw` steps, and then buyers will get `1 − draw / asked` of what
            // they ask. Within DEPLETION_HORIZON_YEARS of that, sellers price the
            // coming shortfall in, in proportion to how near it is: at the step the
            // stocks run out the price already stands where that shortfall puts it.
            let mut available = got / asked;
            let (held, draw) = (held[outside as usize], draw[outside as usize]);
            if draw > 0.0 && held > 0.0 {
                let near = 1.0 - held / draw * c.dt / DEPLETION_HORIZON_YEARS;
                if near > 0.0 {
                    available = available.min(1.0 - near * (draw / asked).min(1.0));
                }
            }
            if available < 1.0 {
                target += libm::log(available.max(1e-6)) / mk.eps_short;
                // Buying ahead: the marginal buyer of a short market pays now what it
                // expects the price to be when it would otherwise have bought.
                if outside && got < asked {
                    target += bid_ahead;
                }
            }
            if target > lp {
                (adjust * (target - lp)).min(max_rise)
            } else {
                fall * (target - lp)
            }
        };
        let p = &mut st.price[el];
        p.last_stock = Some((inside, held, draw));
        let clamp = |x: f64| x.clamp(mk.ln_floor, mk.ln_cap);
        if inside.is_some() {
            p.inside = clamp(p.inside + change(p.inside, asked_in, got_in, stock_in, false));
            p.outside = clamp(p.outside + change(p.outside, asked_out, got_out, stock_out, true));
        } else {
            let x = change(
                p.inside,
                asked_in + asked_out,
                got_in + got_out,
                stock_in + stock_out,
                false,
            );
            p.inside = clamp(p.inside + x);
            p.outside = p.inside;
        }
        p.long_inside += long * (p.inside - p.long_inside);
        p.long_outside += long * (p.outside - p.long_outside);
        p.year_inside += year * (p.inside - p.year_inside);
        p.year_outside += year * (p.outside - p.year_outside);
        price[el] = mk.p0[el] * libm::exp(p.inside);
        // One market (the same number): the same price, without a second exp.
        price_outside[el] = if p.outside.to_bits() == p.inside.to_bits() {
            price[el]
        } else {
            mk.p0[el] * libm::exp(p.outside)
        };
    }
}

/// What region `r`'s end users needed of element `el` this step (backlog included)
/// and what they received, magnets by their content (t).
fn end_use(st: &State, r: usize, el: usize) -> (f64, f64) {
    let mut need = st.direct_need[r][el];
    let mut got = st.direct_recv[r][el];
    for (k, content) in st.content.iter().enumerate() {
        need += st.magnet_need[k][r] * content[el];
        got += st.magnet_recv[k][r] * content[el];
    }
    (need, got)
}

/// Demand multipliers from prices: `exp(ε_short × ln p + (ε_long − ε_short) × ln p̄)`,
/// where `p` is the price relative to the base year and `p̄` its long-run average, for
/// the inside and the outside market of every element: `[inside, outside]`.
pub fn demand_multipliers(m: &Compiled, st: &State, out: &mut [[f64; 2]; N_EL]) {
    let mk = &m.market;
    for el in 0..N_EL {
        let p = &st.price[el];
        let f = |now: f64, long: f64| {
            libm::exp(mk.eps_short * now + (mk.eps_long - mk.eps_short) * long)
        };
        let inside = f(p.inside, p.long_inside);
        // One market (the same numbers): the same multiplier.
        let outside = if p.outside.to_bits() == p.inside.to_bits()
            && p.long_outside.to_bits() == p.long_inside.to_bits()
        {
            inside
        } else {
            f(p.outside, p.long_outside)
        };
        out[el] = [inside, outside];
    }
}
