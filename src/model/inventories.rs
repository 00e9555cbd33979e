//! Buyers' working inventories: what end users and metal makers hold of each element
//! between purchase and use, and how expectations move it.
//!
//! # Rules
//!
//! - **Who holds what.** Every region's buyers (its end users of oxide and its metal
//!   makers, together) hold an inventory of each element, measured in years of their
//!   needs this step: `cover = inventory / (needs / dt)`. At the first step it is at
//!   its target (counted in the mass balance as stock put in at the start, like the
//!   sellers' stocks of `demand::initial_stocks`). Magnet buyers hold none (their
//!   magnets are not stocked in the model).
//! - **Expectations.** Buyers in each market (inside and outside a split, or the one
//!   world market) expect the price to keep moving as it has: the expected trend `x`
//!   (ln of the price per year) follows the observed change of the log price with the
//!   time constant `inventory_expectation_years` (0.5: about the last two quarters;
//!   adaptive expectations). The shortfall a buyer outside a split met in the oxide
//!   trade (`1 − received / asked`, its own purchases for inventory included) is
//!   smoothed with the same time constant (it is zero inside).
//! - **Target cover.** `inventory_days` (60, the JOGMEC norm) everywhere. Outside a
//!   split market (an export control is against the buyer's region and covers the
//!   element) it adds `inventory_control_days` (15, precaution), `inventory_days_per_rise
//!   × x` (90 days per unit: a price expected to double within the year adds about two
//!   months; a falling price takes days off) and `inventory_days_per_shortfall ×
//!   shortfall` (a year per unit: a 10% shortfall adds 36 days), between 0 and
//!   `inventory_max_days` (300). The trend and shortfall terms apply where a quota
//!   splits the market (ASSUMPTION): competing for a fixed volume is what made buyers
//!   hoard and bid in 2010-2011. Under licensing or a ban buyers add the precautionary
//!   days only: with the trend and shortfall terms the 2025 licensing made availability
//!   outside China swing quarter by quarter for decades (in `us-led-diversification`
//!   the quarter-to-quarter movement of Japan's Dy availability doubled, 3.2 -> 6.4
//!   summed over the run), which nothing in the 2025-26 record shows. Inside a split,
//!   or where no control splits the
//!   market, the cover stays normal: a rise there is read as the market's, which
//!   supply answers, not as a political scarcity; speculating on every price cycle made
//!   the no-policy runs boom and bust on their own.
//! - **Purchases and draws.** Buyers close a share `dt / inventory_adjust_years` (0.75
//!   years) of the gap to their target each step. Below target they order it in the
//!   oxide trade on top of their needs ([`State::inv_order`]; it counts in a quota's
//!   foreign need too): it competes with every other purchase, so hoarding tightens the
//!   market and raises the price, which feeds the expectation. Above target they buy
//!   that much less and serve their users from the inventory after the trade
//!   ([`State::inv_draw`], at most their needs): destocking lowers purchases and the
//!   price after a spike. What they receive for inventory is shared like any receipt
//!   (`oxide_trade.rs`); a shortage fills inventories pro rata.
//! - **Buying ahead.** [`State::ahead`], the need-weighted cover above normal that the
//!   buyers outside a split aim at, is read by `prices.rs`: where a quota rations the outside
//!   market and it is short, the price rises by the expected trend over that time.
//! - **Demand destruction** stays where the long-run elasticity puts it (`demand.rs`):
//!   inventories move purchases in time, not use.
//!
//! The 2010-2011 replay (docs/VALIDATION.md): the H2 2010 quota cut raises the outside
//! price; the rise and the shortfall raise targets to the 300-day cap; the purchases
//! keep the 2011 quota binding and buyers bid ahead, so Nd peaks at 8.8× and Dy at
//! 19.5× their 2009 level in Q1 2011 (record 13.6× and 20.6× in Q3 2011); once the
//! targets are reached the price turns, expectations turn, buyers draw down, and
//! China's exports fall to 17.8 kt in 2011 and 10.4 kt in 2012 against a 30 kt quota
//! (record 18.6 and 16.3 kt: Japan's 2012 didymium and Nd demand halved "because of
//! prolonged inventory adjustment by users", data source JMB_2013_DEMAND).
//!
//! Mass balance: inventories are stock held, on the same side as sellers' oxide stocks
//! and stockpiles (`metrics.rs`); a draw is delivered to end use (or to metal making)
//! when drawn, and counted as supplied from where the buyer's oxide came from that
//! step.

use super::compile::Compiled;
use super::state::{Clock, State};
use crate::elements::N_EL;
use crate::output::Series;
use crate::scenario::Measure;

/// Before the oxide trade (after metal makers have taken their orders): update the
/// expectations, and set every region's purchases for inventory and draws from it.
pub fn order(m: &Compiled, st: &mut State, c: &Clock) {
    let p = &m.market.inv;
    if p.max <= 0.0 {
        return;
    }
    let k = (c.dt / p.expectation_years).min(1.0);
    let adjust = (c.dt / p.adjust_years).min(1.0);
    let per_year = c.spy;
    let normal = p.normal.min(p.max);
    let State {
        price,
        expect,
        expect_from,
        split,
        direct_need,
        metal_maker_need,
        oxide_asked,
        oxide_got,
        short,
        inv,
        inv_order,
        inv_draw,
        ahead,
        totals,
        ..
    } = st;
    for el in 0..N_EL {
        let now = [price[el].inside, price[el].outside];
        for (side, lp) in now.into_iter().enumerate() {
            if c.step > 0 {
                let rate = (lp - expect_from[el][side]) * per_year;
                expect[el][side] += k * (rate - expect[el][side]);
            }
            expect_from[el][side] = lp;
        }
        let ctl = split[el];
        // Speculative cover (trend and shortfall) only where a quota splits the market:
        // see the rules above.
        let quota = ctl.is_some_and(|ci| matches!(m.controls[ci].measure, Measure::Quota { .. }));
        let (per_rise, per_shortfall) = if quota {
            (p.per_rise, p.per_shortfall)
        } else {
            (0.0, 0.0)
        };
        // Cover above normal and needs of the buyers outside a split.
        let (mut above, mut needs_out) = (0.0, 0.0);
        for r in 0..m.n {
            let users = direct_need[r][el] + metal_maker_need[r][el];
            if users <= 0.0 && inv[r][el] <= 0.0 {
                // No buyers here (most regions for most elements): nothing to do.
                short[r][el] = 0.0;
                inv_order[r][el] = 0.0;
                inv_draw[r][el] = 0.0;
                continue;
            }
            let cover = if ctl.is_some_and(|ci| !m.controls[ci].exempt[r]) {
                if c.step > 0 {
                    // Last step's trade (the asked and received of the oxide trade).
                    let asked = oxide_asked[r][el];
                    let lack = if asked > 0.0 {
                        (1.0 - oxide_got[r][el] / asked).max(0.0)
                    } else {
                        0.0
                    };
                    short[r][el] += k * (lack - short[r][el]);
                }
                let cover = (p.normal
                    + p.control
                    + per_rise * expect[el][1]
                    + per_shortfall * short[r][el])
                    .clamp(0.0, p.max);
                above += (cover - p.normal) * users;
                needs_out += users;
                cover
            } else {
                short[r][el] = 0.0;
                normal
            };
            let target = cover * users * per_year;
            if c.step == 0 {
                inv[r][el] = target;
                totals.initial[el] += target;
            }
            let gap = (target - inv[r][el]) * adjust;
            inv_order[r][el] = gap.max(0.0);
            inv_draw[r][el] = (-gap).max(0.0).min(users).min(inv[r][el]);
        }
        ahead[el] = if needs_out > 0.0 {
            (above / needs_out).max(0.0)
        } else {
            0.0
        };
    }
}

/// After the oxide trade: what buyers received for inventory goes in; what they drew
/// goes to their end users and metal makers in proportion to their needs. The end
/// users' draw counts as supplied from where their oxide came from this step (the
/// sources series in proportion; from the region itself when it bought none).
pub fn settle(m: &Compiled, st: &mut State, s: &mut Series, c: &Clock) {
    if m.market.inv.max <= 0.0 {
        return;
    }
    let own = s.source_own.step_mut(c.step);
    let allies = s.source_allies.step_mut(c.step);
    let others = s.source_others.step_mut(c.step);
    for r in 0..m.n {
        for el in 0..N_EL {
            st.inv[r][el] += st.inv_recv[r][el];
            let d = st.inv_draw[r][el];
            if d > 0.0 {
                let direct = st.direct_need[r][el];
                let users = direct + st.metal_maker_need[r][el];
                let x = d * direct / users;
                st.direct_recv[r][el] += x;
                st.metal_recv[r][el] += d - x;
                st.inv[r][el] -= d;
                let k = r * N_EL + el;
                let bought = own[k] + allies[k] + others[k];
                if bought > 0.0 {
                    let f = 1.0 + x * c.spy / bought;
                    own[k] *= f;
                    allies[k] *= f;
                    others[k] *= f;
                } else {
                    own[k] += x * c.spy;
                }
            }
        }
    }
}
