//! Allocation of scarce supply: who gets what when there is not enough.
//!
//! One rule serves every traded stage (concentrate to separators, magnet orders to
//! magnet makers, metal to magnet makers, oxides to metal makers and end users). Given
//! what each region can offer (`supply`), what each region wants (`need`) and the
//! terms of every route (`Lane`), buyers are served in tiers:
//!
//! 1. **Domestic first, only where a policy makes it.** A seller whose exports are
//!    under an export control in this problem (a ban, licensing or a quota, recorded in
//!    [`Routes::home_first`]) serves its own region's need first: that is what export
//!    licensing and quotas do, in 2010 and in 2025. Without such a measure a region's
//!    own buyers have no priority over foreign ones (step 3).
//! 2. **Contracts.** Offtake contracts of the data set (Mount Weld → Lynas Malaysia,
//!    Myanmar clays → China, …) take their share of the seller's remaining supply, in
//!    the order they are listed; they keep their priority in every case.
//! 3. **Allies of a seller under a policy, and buyers paying a premium**, then 4.
//!    **everyone else**. Where a control splits a market and one side pays more, a
//!    seller the control does not bind serves that side first (`premium` lanes, set in
//!    `lanes.rs`; the concentrate trade uses them: heavy concentrate mined outside
//!    China goes first to the separators outside, whose Dy sells at the outside
//!    price). Within a tier,
//!    each buyer splits its remaining need across sellers in proportion to
//!    `supply × weight` (the weight is lowered by tariffs); each seller that is asked
//!    for more than it has grants the same share of every request (pro rata). A seller
//!    without a policy serves its own region in tier 4: its region's buyers ask it for
//!    as much as it has (transport, habit, integration) and split only the rest over
//!    foreign sellers, but when it is short, home, allied and foreign requests get the
//!    same share. Up to
//!    [`MAX_PASSES`] passes let buyers whose requests were cut turn to sellers with
//!    supply left: orders follow supply.
//!
//! Export controls act on lanes: a ban closes a lane (`open = 0`); licensing approves
//! a share of the first request on the lane (`open` in (0, 1)) and caps the lane there
//! for the whole step; a quota caps the sum of flows over all lanes of its group.
//!
//! Invariants (tested below and by property tests): no flow is negative, no buyer gets
//! more than it needs, no seller gives more than it has, and every tonne leaving a
//! seller arrives at a buyer: `Σ flows = Σ supply_before − Σ supply_after`. The result
//! depends only on the inputs (no hashing, no randomness), so it is deterministic.

/// Passes per tier. Two usually suffice; more only matter when sellers run out.
pub const MAX_PASSES: usize = 6;

/// Quantities below this are treated as nothing (t per step).
const EPS: f64 = 1e-12;

/// Terms of the route from one seller to one buyer in one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lane {
    /// Share of requests that may ship: 1 open, 0 closed (ban, or licences pending).
    pub open: f64,
    /// Preference weight among sellers of the same tier: `(1 + tariff)^-sensitivity`.
    pub weight: f64,
    /// Seller and buyer share an alliance.
    pub ally: bool,
    /// Index of the quota pool this lane draws on, if any.
    pub quota: Option<usize>,
    /// The buyer pays a premium the seller is free to take: served in the first tier
    /// (`lanes.rs`, [`PREMIUM_MARGIN`](super::lanes::PREMIUM_MARGIN)).
    pub premium: bool,
}

impl Lane {
    pub const OPEN: Lane = Lane {
        open: 1.0,
        weight: 1.0,
        ally: false,
        quota: None,
        premium: false,
    };
}

/// The lanes of one allocation problem with, for each buyer and tier, the set of
/// sellers whose lane is open, as a bit mask (so at most 64 regions, which
/// `Compiled::new` enforces). Passes then visit only open routes of sellers with supply.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Routes {
    pub n: usize,
    /// Row-major: `lanes[seller * n + buyer]`.
    pub lanes: Vec<Lane>,
    /// `tier_sellers[tier * n + buyer]`, bit `seller` set when the lane is open and
    /// allied to a seller under a policy (tier 0) or any other open lane, the home lane
    /// of a seller without a policy included (tier 1).
    pub tier_sellers: Vec<u64>,
    /// Some lane draws on a quota pool (most problems have none: the quota
    /// bookkeeping is then skipped).
    pub has_quota: bool,
    /// Sellers that serve their own region first (bit per seller): those under an
    /// export control in this problem. Set before [`Routes::index`].
    pub home_first: u64,
    /// Derived by [`Routes::index`], so the passes read what they need without walking
    /// `lanes`: each lane's weight by buyer (`weight_by_buyer[buyer * n + seller]`,
    /// contiguous for the buyer's loop over sellers), the sellers whose lane to a buyer
    /// is licensed (`open < 1`, bit per seller, by buyer), and which tiers have routes
    /// at all (a tier without routes moves nothing and is skipped).
    pub(crate) weight_by_buyer: Vec<f64>,
    pub(crate) partial: Vec<u64>,
    pub(crate) tier_used: [bool; 2],
}

/// Most regions an allocation problem can have (one bit per seller).
pub const MAX_REGIONS: usize = 64;

impl Routes {
    pub fn new(n: usize, lanes: Vec<Lane>) -> Routes {
        let mut r = Routes {
            n,
            lanes,
            ..Routes::default()
        };
        r.index();
        r
    }

    /// Rebuild the seller masks after `lanes` changed.
    pub fn index(&mut self) {
        let n = self.n;
        assert!(n <= MAX_REGIONS, "at most {MAX_REGIONS} regions");
        self.tier_sellers.clear();
        self.tier_sellers.resize(2 * n, 0);
        self.weight_by_buyer.clear();
        self.weight_by_buyer.resize(n * n, 0.0);
        self.partial.clear();
        self.partial.resize(n, 0);
        self.has_quota = self.lanes.iter().any(|l| l.quota.is_some());
        for e in 0..n {
            for i in 0..n {
                let l = &self.lanes[e * n + i];
                self.weight_by_buyer[i * n + e] = l.weight;
                if l.open < 1.0 {
                    self.partial[i] |= 1 << e;
                }
                let policy = self.home_first & (1 << e) != 0;
                if e != i && l.open > 0.0 {
                    // Allies come first only where the seller is under a policy;
                    // buyers paying a premium come first wherever they are.
                    let tier = if (l.ally && policy) || l.premium {
                        0
                    } else {
                        1
                    };
                    self.tier_sellers[tier * n + i] |= 1 << e;
                } else if e == i && !policy {
                    // No policy: home buyers compete with every other buyer (of their
                    // tier: first where they pay the premium).
                    let tier = if l.premium { 0 } else { 1 };
                    self.tier_sellers[tier * n + i] |= 1 << e;
                }
            }
        }
        for tier in 0..2 {
            self.tier_used[tier] = self.tier_sellers[tier * n..(tier + 1) * n]
                .iter()
                .any(|m| *m != 0);
        }
    }
}

/// A contract: seller, buyer, share of the seller's supply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContractLane {
    pub from: usize,
    pub to: usize,
    pub share: f64,
}

/// One request of a pass: seller, buyer, tonnes.
#[derive(Debug, Default, Clone, Copy)]
struct Request {
    e: u32,
    i: u32,
    r: f64,
}

/// Lane caps (licensing) of the tier being allocated, with their bits by buyer.
#[derive(Debug, Default, Clone)]
struct Caps {
    /// Lanes (`seller * n + buyer`) whose cap was set this tier.
    capped: Vec<usize>,
    /// Infinite except at the indexes listed in `capped`.
    cap: Vec<f64>,
    /// By buyer, bit per seller: the lane's cap is finite (`set`), and the cap is used
    /// up (`dead`: not above `EPS`), so later passes skip the lane.
    set: Vec<u64>,
    dead: Vec<u64>,
}

impl Caps {
    /// Set the cap of lane `k` (seller `e`, buyer `i`) and its bits.
    #[inline]
    fn put(&mut self, k: usize, e: usize, i: usize, v: f64) {
        self.cap[k] = v;
        let bit = 1u64 << e;
        if v.is_finite() {
            self.set[i] |= bit;
        } else {
            self.set[i] &= !bit;
        }
        if v > EPS {
            self.dead[i] &= !bit;
        } else {
            self.dead[i] |= bit;
        }
    }

    /// Every cap back to infinite.
    fn clear(&mut self) {
        if self.capped.is_empty() {
            return;
        }
        for k in self.capped.drain(..) {
            self.cap[k] = f64::INFINITY;
        }
        self.set.iter_mut().for_each(|m| *m = 0);
        self.dead.iter_mut().for_each(|m| *m = 0);
    }
}

/// Scratch buffers reused across calls, so the per-step path does not allocate.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    /// `(seller, buyer)` of the flows the last call added to, in the order they were
    /// first added; callers walk these instead of all n² pairs.
    pub touched: Vec<(usize, usize)>,
    caps: Caps,
    /// This pass's requests, in (buyer, seller) order.
    requests: Vec<Request>,
    quota_request: Vec<f64>,
}

/// Allocate `supply` to `need` over the `routes`.
///
/// Adds the flows to `flows` (same layout) and reduces `supply`, `need` and
/// `quota_left` by what moved.
#[allow(clippy::too_many_arguments)]
pub fn allocate(
    supply: &mut [f64],
    need: &mut [f64],
    routes: &Routes,
    contracts: &[ContractLane],
    quota_left: &mut [f64],
    flows: &mut [f64],
    scratch: &mut Scratch,
) {
    let n = supply.len();
    let lanes = &routes.lanes[..];
    let has_quota = routes.has_quota;
    assert!(need.len() == n && lanes.len() == n * n && flows.len() == n * n);
    let need = &mut need[..n];
    let flows = &mut flows[..n * n];

    let mut touched = std::mem::take(&mut scratch.touched);
    touched.clear();
    let mut moved = |e: usize,
                     i: usize,
                     x: f64,
                     supply: &mut [f64],
                     need: &mut [f64],
                     quota_left: &mut [f64]| {
        if x > 0.0 {
            let k = e * n + i;
            if flows[k] == 0.0 {
                touched.push((e, i));
            }
            flows[k] += x;
            supply[e] -= x;
            need[i] -= x;
            if has_quota {
                if let Some(q) = lanes[k].quota {
                    quota_left[q] -= x;
                }
            }
        }
    };

    // 1. Domestic, for sellers under a policy.
    let mut home = routes.home_first;
    while home != 0 {
        let i = home.trailing_zeros() as usize;
        home &= home - 1;
        let x = supply[i].min(need[i]);
        if x > 0.0 {
            moved(i, i, x, supply, need, quota_left);
        }
    }

    // 2. Contracts, on the supply left after any domestic priority.
    for c in contracts {
        let lane = lanes[c.from * n + c.to];
        if c.from == c.to || lane.open <= 0.0 {
            continue;
        }
        let mut x = (c.share * supply[c.from]).min(need[c.to]).max(0.0) * lane.open;
        if let Some(q) = lane.quota {
            x = x.min(quota_left[q].max(0.0));
        }
        moved(c.from, c.to, x, supply, need, quota_left);
    }

    // Nothing left to trade: the usual case for elements nobody lacks.
    if supply.iter().all(|x| *x <= EPS) || need.iter().all(|x| *x <= EPS) {
        scratch.touched = touched;
        return;
    }

    // 3-4. Allies, then others, on local copies of supply and need: indexes masked
    // to 63 need no bounds checks (n <= 64 is asserted by `Routes::index`).
    let mut sup = [0.0; MAX_REGIONS];
    let mut nd = [0.0; MAX_REGIONS];
    sup[..n].copy_from_slice(supply);
    nd[..n].copy_from_slice(need);
    passes(
        n,
        &mut sup,
        &mut nd,
        routes,
        quota_left,
        flows,
        &mut touched,
        scratch,
    );
    supply.copy_from_slice(&sup[..n]);
    need.copy_from_slice(&nd[..n]);
    scratch.touched = touched;
}

/// Tiers 3 and 4 of [`allocate`]: passes of requests and pro-rata grants. Only sellers
/// with supply and buyers with need take part, so a pass costs |sellers| × |buyers|,
/// not n². Requests are listed in (buyer, seller) order, which fixes the order of
/// every sum below.
#[allow(clippy::too_many_arguments)]
fn passes(
    n: usize,
    supply: &mut [f64; MAX_REGIONS],
    need: &mut [f64; MAX_REGIONS],
    routes: &Routes,
    quota_left: &mut [f64],
    flows: &mut [f64],
    touched: &mut Vec<(usize, usize)>,
    scratch: &mut Scratch,
) {
    let lanes = &routes.lanes[..n * n];
    let flows = &mut flows[..n * n];
    let has_quota = routes.has_quota;
    if scratch.caps.cap.len() != n * n {
        scratch.caps = Caps {
            capped: Vec::new(),
            cap: vec![f64::INFINITY; n * n],
            set: vec![0; n],
            dead: vec![0; n],
        };
        scratch.requests = vec![Request::default(); n * n];
    }
    let Scratch {
        caps,
        requests: request_buf,
        quota_request,
        ..
    } = scratch;
    let mut grant = [0.0; MAX_REGIONS];
    quota_request.clear();
    quota_request.resize(quota_left.len(), 0.0);
    let weights = &routes.weight_by_buyer[..n * n];
    let partial = &routes.partial[..n];
    for tier in 0..2 {
        // A tier without routes would find no request and stop at once.
        if !routes.tier_used[tier] {
            continue;
        }
        let tier_sellers = &routes.tier_sellers[tier * n..(tier + 1) * n];
        caps.clear();
        for pass in 0..MAX_PASSES {
            // Sellers with supply and buyers with need, as bit masks (ascending order).
            let (mut with_supply, mut with_need) = (0u64, 0u64);
            for r in 0..n {
                with_supply |= ((supply[r] > EPS) as u64) << r;
                with_need |= ((need[r] > EPS) as u64) << r;
            }
            if with_supply == 0 || with_need == 0 {
                break;
            }
            // Requests, buyer by buyer. `limited` records whether anything (a lane cap,
            // a quota, a seller running short) kept a buyer from getting all it asked
            // for; if nothing did, every buyer with an open route is served and another
            // pass would move nothing.
            let mut limited = false;
            let mut n_req = 0;
            let requests = &mut request_buf[..n * n];
            let mut buyers = with_need;
            while buyers != 0 {
                let i = buyers.trailing_zeros() as usize & 63;
                buyers &= buyers - 1;
                let w = &weights[i * n..(i + 1) * n];
                // Open routes in this tier from sellers with supply whose cap is not
                // used up (caps are all infinite in the first pass), ascending.
                let open = tier_sellers[i] & with_supply & !caps.dead[i];
                if open == 0 {
                    continue;
                }
                let need_i = need[i];
                let home_bit = 1u64 << i;
                // The home seller (a seller without a policy, in its own region's
                // routes) is asked for as much as it has; the rest of the need splits
                // over the other sellers in proportion to supply × weight.
                let (home, at_home, denom);
                if open & home_bit != 0 && supply[i] >= need_i {
                    // Home covers the need: every other request would be
                    // 0 × supply × weight / denom = 0, whatever `denom` is.
                    home = supply[i];
                    at_home = need_i;
                    denom = 0.0;
                } else {
                    let mut d = 0.0;
                    let mut others = open & !home_bit;
                    while others != 0 {
                        let e = others.trailing_zeros() as usize & 63;
                        others &= others - 1;
                        d += supply[e] * w[e];
                    }
                    home = if open & home_bit != 0 { supply[i] } else { 0.0 };
                    if d <= 0.0 && home <= 0.0 {
                        continue;
                    }
                    at_home = if d > 0.0 { need_i.min(home) } else { need_i };
                    denom = d;
                }
                let rest = need_i - at_home;
                let covered_at_home = rest == 0.0 && home > 0.0;
                let capped_i = if pass == 0 { partial[i] } else { caps.set[i] };
                let mut sellers = if covered_at_home && capped_i == 0 {
                    // Only the home request is not zero, and no cap to set.
                    open & home_bit
                } else {
                    open
                };
                if capped_i == 0 {
                    // No lane of this buyer has a cap: the common case.
                    while sellers != 0 {
                        let e = sellers.trailing_zeros() as usize & 63;
                        sellers &= sellers - 1;
                        let r = if e == i {
                            at_home
                        } else {
                            rest * supply[e] * w[e] / denom
                        };
                        if r > 0.0 {
                            requests[n_req] = Request {
                                e: e as u32,
                                i: i as u32,
                                r,
                            };
                            n_req += 1;
                        }
                    }
                    continue;
                }
                while sellers != 0 {
                    let e = sellers.trailing_zeros() as usize & 63;
                    sellers &= sellers - 1;
                    let bit = 1u64 << e;
                    let k = e * n + i;
                    let mut r = if e == i {
                        at_home
                    } else if covered_at_home {
                        0.0
                    } else {
                        rest * supply[e] * w[e] / denom
                    };
                    if pass == 0 && partial[i] & bit != 0 {
                        // Licensing: the lane is capped at its approved share of the
                        // first request, for the whole step.
                        caps.put(k, e, i, lanes[k].open * r);
                        caps.capped.push(k);
                    }
                    if caps.set[i] & bit != 0 && caps.cap[k] < r {
                        r = caps.cap[k];
                        limited = true;
                    }
                    if r > 0.0 {
                        requests[n_req] = Request {
                            e: e as u32,
                            i: i as u32,
                            r,
                        };
                        n_req += 1;
                    }
                }
            }
            if n_req == 0 {
                break;
            }
            let requests = &mut requests[..n_req];
            // Quotas: scale the requests on each pool down to what is left of it.
            if has_quota {
                let qr = &mut *quota_request;
                qr.iter_mut().for_each(|x| *x = 0.0);
                for q in requests.iter() {
                    if let Some(p) = lanes[q.e as usize * n + q.i as usize].quota {
                        qr[p] += q.r;
                    }
                }
                for q in requests.iter_mut() {
                    if let Some(p) = lanes[q.e as usize * n + q.i as usize].quota {
                        if qr[p] > quota_left[p].max(0.0) {
                            q.r *= quota_left[p].max(0.0) / qr[p];
                            limited = true;
                        }
                    }
                }
            }
            // Sellers grant pro rata: the same share of every request they received.
            let mut sellers = with_supply;
            while sellers != 0 {
                let e = sellers.trailing_zeros() as usize & 63;
                sellers &= sellers - 1;
                grant[e] = 0.0;
            }
            for q in requests.iter() {
                grant[q.e as usize & 63] += q.r;
            }
            let mut sellers = with_supply;
            while sellers != 0 {
                let e = sellers.trailing_zeros() as usize & 63;
                sellers &= sellers - 1;
                let asked = grant[e];
                grant[e] = if asked > supply[e] {
                    limited = true;
                    supply[e].max(0.0) / asked
                } else {
                    1.0
                };
            }
            let mut total = 0.0;
            let plain = !has_quota && caps.capped.is_empty();
            for q in requests.iter() {
                let (e, i) = (q.e as usize & 63, q.i as usize & 63);
                let x = (q.r * grant[e]).min(need[i]).max(0.0);
                if x > 0.0 {
                    let k = e * n + i;
                    let f = &mut flows[k];
                    if *f == 0.0 {
                        touched.push((e, i));
                    }
                    *f += x;
                    supply[e] -= x;
                    need[i] -= x;
                    if !plain {
                        if has_quota {
                            if let Some(p) = lanes[k].quota {
                                quota_left[p] -= x;
                            }
                        }
                        if caps.set[i] & (1 << e) != 0 {
                            let left = caps.cap[k] - x;
                            caps.put(k, e, i, left);
                        }
                    }
                    total += x;
                }
            }
            if total <= EPS || !limited {
                break;
            }
        }
    }
    caps.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        supply: &[f64],
        need: &[f64],
        lanes: &[Lane],
        contracts: &[ContractLane],
        quotas: &[f64],
    ) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut s = supply.to_vec();
        let mut d = need.to_vec();
        let mut q = quotas.to_vec();
        let mut f = vec![0.0; supply.len() * supply.len()];
        let routes = Routes::new(supply.len(), lanes.to_vec());
        allocate(
            &mut s,
            &mut d,
            &routes,
            contracts,
            &mut q,
            &mut f,
            &mut Scratch::default(),
        );
        (f, s, d)
    }

    fn inflow(f: &[f64], n: usize, i: usize) -> f64 {
        (0..n).map(|e| f[e * n + i]).sum()
    }

    fn run_with_policy(
        supply: &[f64],
        need: &[f64],
        lanes: &[Lane],
        home_first: u64,
    ) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut s = supply.to_vec();
        let mut d = need.to_vec();
        let mut f = vec![0.0; supply.len() * supply.len()];
        let mut routes = Routes {
            n: supply.len(),
            lanes: lanes.to_vec(),
            home_first,
            ..Routes::default()
        };
        routes.index();
        allocate(
            &mut s,
            &mut d,
            &routes,
            &[],
            &mut [],
            &mut f,
            &mut Scratch::default(),
        );
        (f, s, d)
    }

    #[test]
    fn without_a_policy_a_short_seller_shares_pro_rata_with_its_own_buyers() {
        // Seller 0 has 10; buyers 0 (need 4), 1 (need 6), 2 (need 12): 22 asked, each
        // gets 10/22 of its need, home buyers included.
        let lanes = vec![Lane::OPEN; 9];
        let (f, s, _) = run(&[10.0, 0.0, 0.0], &[4.0, 6.0, 12.0], &lanes, &[], &[]);
        for (i, want) in [4.0, 6.0, 12.0].iter().enumerate() {
            assert!((f[i] - want * 10.0 / 22.0).abs() < 1e-9, "{f:?}");
        }
        assert!(s[0].abs() < 1e-9);
    }

    #[test]
    fn buyers_ask_at_home_first_when_home_has_enough() {
        // Region 1 has 5 and needs 4; region 0 has 100. Region 1's buyers take all
        // from home.
        let lanes = vec![Lane::OPEN; 4];
        let (f, _, d) = run(&[100.0, 5.0], &[0.0, 4.0], &lanes, &[], &[]);
        assert!((f[3] - 4.0).abs() < 1e-12 && f[1] == 0.0, "{f:?}");
        assert!(d[1].abs() < 1e-9);
    }

    #[test]
    fn a_small_home_supply_does_not_cost_a_buyer_its_share_of_a_shortage() {
        // 100 supplied (90 in region 0, 10 in region 1) for 200 needed: every buyer
        // gets half, region 1's buyers too although they ask at home first.
        let lanes = vec![Lane::OPEN; 9];
        let (f, _, _) = run(&[90.0, 10.0, 0.0], &[100.0, 80.0, 20.0], &lanes, &[], &[]);
        for (i, want) in [50.0, 40.0, 10.0].iter().enumerate() {
            let got = inflow(&f, 3, i);
            assert!((got - want).abs() < 0.01 * want, "buyer {i}: {got} {f:?}");
        }
    }

    #[test]
    fn under_a_policy_domestic_first_then_pro_rata() {
        // Seller 0 (under an export control) has 10; buyers 0 (need 4), 1 (need 6),
        // 2 (need 12).
        let lanes = vec![Lane::OPEN; 9];
        let (f, s, d) = run_with_policy(&[10.0, 0.0, 0.0], &[4.0, 6.0, 12.0], &lanes, 1);
        assert_eq!(f[0], 4.0, "own need first");
        // 6 left for needs 6 and 12: one third and two thirds.
        assert!(
            (f[1] - 2.0).abs() < 1e-12 && (f[2] - 4.0).abs() < 1e-12,
            "{f:?}"
        );
        assert!(s[0].abs() < 1e-12);
        assert!((d[1] - 4.0).abs() < 1e-12 && (d[2] - 8.0).abs() < 1e-12);
    }

    #[test]
    fn allies_of_a_seller_under_a_policy_are_served_before_others() {
        let mut lanes = vec![Lane::OPEN; 9];
        lanes[2] = Lane {
            ally: true,
            ..Lane::OPEN
        }; // 0 -> 2 allied
        let (f, _, _) = run_with_policy(&[5.0, 0.0, 0.0], &[0.0, 5.0, 5.0], &lanes, 1);
        assert_eq!(f[2], 5.0);
        assert_eq!(f[1], 0.0);
        // Without a policy the alliance gives no priority: both get half.
        let (f, _, _) = run(&[5.0, 0.0, 0.0], &[0.0, 5.0, 5.0], &lanes, &[], &[]);
        assert!(
            (f[2] - 2.5).abs() < 1e-9 && (f[1] - 2.5).abs() < 1e-9,
            "{f:?}"
        );
    }

    #[test]
    fn buyers_paying_a_premium_are_served_first() {
        // Seller 0 (no policy) has 5; buyers 1 and 2 need 5 each; buyer 2 pays a
        // premium: it gets all 5. Without the premium both get half.
        let mut lanes = vec![Lane::OPEN; 9];
        lanes[2].premium = true; // 0 -> 2
        let (f, _, _) = run(&[5.0, 0.0, 0.0], &[0.0, 5.0, 5.0], &lanes, &[], &[]);
        assert_eq!((f[1], f[2]), (0.0, 5.0), "{f:?}");
        lanes[2].premium = false;
        let (f, _, _) = run(&[5.0, 0.0, 0.0], &[0.0, 5.0, 5.0], &lanes, &[], &[]);
        assert!(
            (f[1] - 2.5).abs() < 1e-12 && (f[2] - 2.5).abs() < 1e-12,
            "{f:?}"
        );
    }

    #[test]
    fn a_free_seller_serves_the_premium_before_its_own_region() {
        // Seller 0 (no policy) has 3; its own buyers (no premium) and buyer 1 (premium)
        // need 3 each: the premium buyer is served first.
        let mut lanes = vec![Lane::OPEN; 4];
        lanes[1].premium = true; // 0 -> 1
        let (f, s, d) = run(&[3.0, 0.0], &[3.0, 3.0], &lanes, &[], &[]);
        assert_eq!((f[0], f[1]), (0.0, 3.0), "{f:?}");
        assert_eq!((s[0], d[0]), (0.0, 3.0));
    }

    #[test]
    fn ban_closes_and_buyer_turns_elsewhere() {
        let mut lanes = vec![Lane::OPEN; 9];
        lanes[2] = Lane {
            open: 0.0,
            ..Lane::OPEN
        }; // 0 -> 2 banned
        let (f, _, d) = run(&[10.0, 10.0, 0.0], &[0.0, 0.0, 8.0], &lanes, &[], &[]);
        assert_eq!(f[2], 0.0);
        assert!(
            (f[3 + 2] - 8.0).abs() < 1e-12,
            "seller 1 fills the need: {f:?}"
        );
        assert!(d[2].abs() < 1e-12);
    }

    #[test]
    fn licensing_caps_the_lane_at_its_share_of_the_first_request() {
        let mut lanes = vec![Lane::OPEN; 4];
        lanes[1] = Lane {
            open: 0.25,
            ..Lane::OPEN
        };
        let (f, _, d) = run(&[100.0, 0.0], &[0.0, 40.0], &lanes, &[], &[]);
        assert!((f[1] - 10.0).abs() < 1e-12, "{f:?}");
        assert!((d[1] - 30.0).abs() < 1e-12);
    }

    #[test]
    fn tariff_weight_shifts_the_split() {
        let mut lanes = vec![Lane::OPEN; 9];
        lanes[2] = Lane {
            weight: 0.5,
            ..Lane::OPEN
        }; // 0 -> 2 tariffed
        let (f, _, _) = run(&[100.0, 100.0, 0.0], &[0.0, 0.0, 30.0], &lanes, &[], &[]);
        assert!(
            (f[2] - 10.0).abs() < 1e-9 && (f[3 + 2] - 20.0).abs() < 1e-9,
            "{f:?}"
        );
    }

    #[test]
    fn contracts_take_their_share_before_the_market() {
        let lanes = vec![Lane::OPEN; 9];
        let c = [ContractLane {
            from: 0,
            to: 2,
            share: 1.0,
        }];
        let (f, _, _) = run(&[10.0, 0.0, 0.0], &[0.0, 10.0, 10.0], &lanes, &c, &[]);
        assert_eq!(f[2], 10.0);
        assert_eq!(f[1], 0.0);
    }

    #[test]
    fn quota_caps_the_sum_over_its_lanes() {
        let mut lanes = vec![Lane::OPEN; 9];
        lanes[1] = Lane {
            quota: Some(0),
            ..Lane::OPEN
        };
        lanes[2] = Lane {
            quota: Some(0),
            ..Lane::OPEN
        };
        let (f, s, _) = run(&[100.0, 0.0, 0.0], &[0.0, 50.0, 50.0], &lanes, &[], &[30.0]);
        assert!((f[1] + f[2] - 30.0).abs() < 1e-9, "{f:?}");
        assert!((s[0] - 70.0).abs() < 1e-9);
    }

    #[test]
    fn conserves_mass_and_respects_bounds_on_a_crowded_market() {
        let n = 7;
        let supply: Vec<f64> = (0..n).map(|i| (i * 37 % 11) as f64 * 3.0).collect();
        let need: Vec<f64> = (0..n).map(|i| (i * 53 % 13) as f64 * 4.0).collect();
        let mut lanes = vec![Lane::OPEN; n * n];
        for (k, l) in lanes.iter_mut().enumerate() {
            l.weight = 0.3 + (k % 5) as f64 * 0.2;
            l.ally = k % 3 == 0;
            if k % 7 == 3 {
                l.open = 0.4;
            }
        }
        let (f, s, d) = run(&supply, &need, &lanes, &[], &[]);
        let moved: f64 = f.iter().sum();
        let given: f64 = supply.iter().zip(&s).map(|(a, b)| a - b).sum();
        assert!((moved - given).abs() < 1e-9);
        for i in 0..n {
            assert!(inflow(&f, n, i) <= need[i] + 1e-9);
            assert!(s[i] >= -1e-9 && d[i] >= -1e-9);
        }
        assert!(f.iter().all(|x| *x >= 0.0));
    }
}
