//! Fuzzing the scenario decoder and the simulation on stable Rust, without extra
//! crates: preset files mutated at random (values swapped for hostile ones, keys
//! dropped or invented, lists blown up, bytes flipped) and random JSON documents go
//! through `Scenario::from_json`. Every input must give `Ok` or errors that say where
//! (a field path, or a line and column for text that is not JSON); nothing may panic.
//! Scenarios that pass are run, and the run must keep availability within [0, 1].
//!
//! `FUZZ_CASES=N` sets the number of cases (default 3000, a few seconds) and
//! `FUZZ_RUNS=N` how many accepted scenarios are run (default 60); the long run in
//! SECURITY.md is `FUZZ_CASES=1000000 FUZZ_RUNS=3000 cargo test --release --test
//! decoder_fuzz -- --nocapture`.
mod common;
use common::*;
use rare_earth_alliances::{presets, run, Scenario};
use serde_json::{json, Map, Value};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

const WORDS: &[&str] = &[
    "CN",
    "US",
    "JP",
    "EU",
    "MM",
    "AU",
    "ROW",
    "XX",
    "",
    " ",
    "*",
    "Dy",
    "Tb",
    "Qq",
    "oxide",
    "magnet",
    "ban",
    "quota",
    "licensing",
    "mining",
    "msp",
    "bloc0",
    "\u{0}",
    "é",
    "<script>",
];

fn hostile_value(r: &mut Rng, depth: usize) -> Value {
    match r.below(if depth > 3 { 9 } else { 12 }) {
        0 => Value::Null,
        1 => json!(r.chance(0.5)),
        2 => json!(
            [-1e308, -1.0, 0.0, 0.5, 1.0, 4.0, 63.0, 2026.0, 2100.0, 1e308, 1e-300][r.below(11)]
        ),
        3 => json!(r.next() as i64),
        4 => json!(WORDS[r.below(WORDS.len())]),
        5 => json!("x".repeat(r.below(300))),
        6 => json!(2024.0 + r.below(100) as f64 / 4.0),
        7 => json!(r.below(20)),
        8 => json!([]),
        9 => Value::Array(
            (0..r.below(5))
                .map(|_| hostile_value(r, depth + 1))
                .collect(),
        ),
        10 => {
            let mut m = Map::new();
            for _ in 0..r.below(4) {
                m.insert(
                    WORDS[r.below(WORDS.len())].to_string(),
                    hostile_value(r, depth + 1),
                );
            }
            Value::Object(m)
        }
        _ => {
            let kind = ["ban", "quota", "licensing", "embargo"][r.below(4)];
            json!({"type": kind, "approval_share": hostile_value(r, depth + 1),
                   "delay_days": hostile_value(r, depth + 1)})
        }
    }
}

/// Change one node somewhere in the tree.
fn mutate(v: &mut Value, r: &mut Rng) {
    match v {
        Value::Object(m) if !m.is_empty() && r.chance(0.75) => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let k = &keys[r.below(keys.len())];
            match r.below(6) {
                0 => {
                    m.remove(k);
                }
                1 => {
                    m.insert(format!("{k}_x"), hostile_value(r, 0));
                }
                2 => {
                    m.insert(k.clone(), hostile_value(r, 0));
                }
                _ => mutate(m.get_mut(k).unwrap(), r),
            }
        }
        Value::Array(a) if !a.is_empty() && r.chance(0.75) => {
            let i = r.below(a.len());
            match r.below(5) {
                0 => {
                    a.remove(i);
                }
                1 => {
                    let copy = a[i].clone();
                    for _ in 0..r.below(300) {
                        a.push(copy.clone());
                    }
                }
                _ => mutate(&mut a[i], r),
            }
        }
        other => *other = hostile_value(r, 0),
    }
}

/// Flip, drop or insert a few bytes of the text (kept valid UTF-8).
fn mangle(text: &str, r: &mut Rng) -> String {
    let mut b = text.as_bytes().to_vec();
    for _ in 0..1 + r.below(4) {
        if b.is_empty() {
            break;
        }
        let i = r.below(b.len());
        match r.below(3) {
            0 => b[i] = b"{}[],:\"0-e.\\ aZ"[r.below(15)],
            1 => {
                b.remove(i);
            }
            _ => b.insert(i, b"{[\"1e999"[r.below(8)]),
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

fn check_one(text: &str, case: usize, ran: &mut usize, max_runs: usize) {
    let result = std::panic::catch_unwind(|| Scenario::from_json(text, data()));
    let result =
        result.unwrap_or_else(|_| panic!("case {case}: the decoder panicked on {text:.300}"));
    match result {
        Ok(sc) => {
            // Keep the runs affordable in debug builds: short horizons only.
            if sc.n_steps() <= 120 && *ran < max_runs {
                *ran += 1;
                let out = std::panic::catch_unwind(|| run(data(), &sc))
                    .unwrap_or_else(|_| panic!("case {case}: the model panicked on {text:.300}"))
                    .unwrap_or_else(|e| {
                        panic!("case {case}: valid scenario refused by the model: {e}")
                    });
                assert!(
                    out.series
                        .availability
                        .data
                        .iter()
                        .all(|a| (0.0..=1.0).contains(a)),
                    "case {case}: availability out of [0, 1]"
                );
            }
        }
        Err(errs) => {
            assert!(
                !errs.0.is_empty(),
                "case {case}: an error without a message"
            );
            for e in &errs.0 {
                let located = !e.path.is_empty()
                    || e.reason.contains("line ")
                    || e.reason.contains("KB")
                    || e.reason.contains("more problems")
                    || e.reason.starts_with("invalid type")
                    || e.reason.starts_with("missing field")
                    || e.reason.starts_with("unknown field");
                assert!(
                    located,
                    "case {case}: error without a place: {e} for {text:.300}"
                );
                assert!(
                    e.to_string().len() < 1000,
                    "case {case}: a runaway message: {e:.300}"
                );
            }
        }
    }
}

#[test]
fn mutated_and_random_scenarios_never_panic_and_errors_say_where() {
    let cases: usize = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let max_runs: usize = std::env::var("FUZZ_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seeds: Vec<Value> = presets::ids()
        .map(|id| serde_json::from_str(presets::json(id).unwrap()).unwrap())
        .collect();
    let mut r = Rng(0x5eed);
    let (mut ran, mut ok, mut refused) = (0, 0, 0);
    for case in 0..cases {
        let text = match r.below(5) {
            0 => hostile_value(&mut r, 0).to_string(),
            1 => mangle(&seeds[r.below(seeds.len())].to_string(), &mut r),
            _ => {
                let mut v = seeds[r.below(seeds.len())].clone();
                for _ in 0..1 + r.below(3) {
                    mutate(&mut v, &mut r);
                }
                v.to_string()
            }
        };
        check_one(&text, case, &mut ran, max_runs);
        if Scenario::from_json(&text, data()).is_ok() {
            ok += 1;
        } else {
            refused += 1;
        }
    }
    eprintln!("{cases} cases: {ok} accepted ({ran} run), {refused} refused");
    assert!(
        ok > cases / 50 && refused > cases / 2,
        "the mix covers both paths: {ok} ok, {refused} refused"
    );
}
