//! The model and the charts in a real browser (headless Chromium, wasm-bindgen-test):
//! the same scenario gives the same numbers as natively (the fingerprint in the golden
//! file is computed by the native tests), errors keep their field paths, and the chart
//! paints the canvas.
#![cfg(target_arch = "wasm32")]

use rare_earth_alliances::{presets, run, wasm as bindings, Dataset};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn golden_fingerprint(id: &str) -> String {
    let text = match id {
        "status-quo" => include_str!("golden/status-quo.json"),
        "licensing-regime" => include_str!("golden/licensing-regime.json"),
        "fragmentation" => include_str!("golden/fragmentation.json"),
        "replay-2010" => include_str!("golden/replay-2010.json"),
        "history-2025-26" => include_str!("golden/history-2025-26.json"),
        "us-led-diversification" => include_str!("golden/us-led-diversification.json"),
        "resource-diplomacy" => include_str!("golden/resource-diplomacy.json"),
        "allied-integration" => include_str!("golden/allied-integration.json"),
        "tech-breakthrough" => include_str!("golden/tech-breakthrough.json"),
        _ => panic!("no golden file for preset {id}"),
    };
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["fingerprint"].as_str().unwrap().to_string()
}

#[wasm_bindgen_test]
fn presets_give_the_native_numbers_bit_for_bit() {
    for id in presets::ids() {
        let sc = presets::load(id, Dataset::default_data()).unwrap();
        let out = run(Dataset::default_data(), &sc).unwrap();
        assert_eq!(
            format!("{:016x}", out.fingerprint()),
            golden_fingerprint(id),
            "{id}"
        );
    }
}

/// The page's own path: a preset as a plain object (`presetScenario`), run as one
/// (`runScenario`). Until the values went to the page as JSON, a preset's map (the
/// research policy's `intensity_cut`) arrived as a JS `Map`, which `JSON.stringify`
/// writes as `{}`: the page ran tech-breakthrough without its intensity cuts.
#[wasm_bindgen_test]
fn presets_as_the_page_gets_them_give_the_native_numbers() {
    for id in presets::ids() {
        let sc = bindings::preset_scenario(id).unwrap_or_else(|_| panic!("{id}: preset"));
        let mut r = bindings::run_scenario(sc).unwrap_or_else(|_| panic!("{id}: runs"));
        assert_eq!(r.fingerprint().unwrap(), golden_fingerprint(id), "{id}");
    }
    // Options that are None are left out of the object, not null.
    let sc = bindings::preset_scenario("status-quo").unwrap_or_else(|_| panic!("preset"));
    let text = js_sys::JSON::stringify(&sc).unwrap().as_string().unwrap();
    assert!(!text.contains("null"), "{text}");
}

#[wasm_bindgen_test]
fn the_bindings_run_a_scenario_given_as_json_text() {
    let text = presets::json("status-quo").unwrap();
    let mut r = bindings::run_scenario(JsValue::from_str(text)).unwrap_or_else(|_| panic!("runs"));
    assert_eq!(r.fingerprint().unwrap(), golden_fingerprint("status-quo"));
    assert!(r.max_mass_balance_error() < 1e-9);
    assert_eq!(r.time().length(), 104);
}

/// The page's slider path without its supply-risk chart: the run leaves the risk out,
/// every other series is already the native run's, and reading the risk (or the
/// fingerprint, or an export) makes the run whole.
#[wasm_bindgen_test]
fn a_run_without_risk_gives_the_native_numbers_when_read() {
    let sc = || bindings::preset_scenario("licensing-regime").unwrap_or_else(|_| panic!("preset"));
    let inputs = || js_sys::JSON::parse(r#"{"licence_approval": 0.5}"#).unwrap();
    let mut whole =
        bindings::run_with_inputs(sc(), inputs(), true).unwrap_or_else(|_| panic!("runs"));
    let mut lazy =
        bindings::run_with_inputs(sc(), inputs(), false).unwrap_or_else(|_| panic!("runs"));
    let read = |r: &mut bindings::Run, name: &str| {
        let row = if name.starts_with("price") {
            "world"
        } else {
            "JP"
        };
        r.series(name, row, "Dy").unwrap().to_vec()
    };
    assert_eq!(
        read(&mut lazy, "availability"),
        read(&mut whole, "availability")
    );
    assert_eq!(
        read(&mut lazy, "price_outside"),
        read(&mut whole, "price_outside")
    );
    let risk = read(&mut lazy, "supply_risk");
    assert!(
        risk.iter().any(|v| *v > 0.0),
        "the risk is computed when read"
    );
    assert_eq!(risk, read(&mut whole, "supply_risk"));
    let mut lazy =
        bindings::run_with_inputs(sc(), inputs(), false).unwrap_or_else(|_| panic!("runs"));
    assert_eq!(lazy.fingerprint().unwrap(), whole.fingerprint().unwrap());
    let mut lazy =
        bindings::run_with_inputs(sc(), inputs(), false).unwrap_or_else(|_| panic!("runs"));
    assert_eq!(lazy.to_csv().unwrap(), whole.to_csv().unwrap());
}

#[wasm_bindgen_test]
fn a_bad_scenario_is_refused_with_its_field_path() {
    let bad = r#"{"tariffs": [{"importer": "US", "exporter": "Mordor", "products": ["oxide"], "rate": 0.1, "start": 2025}]}"#;
    let err = match bindings::run_scenario(JsValue::from_str(bad)) {
        Ok(_) => panic!("must be refused"),
        Err(e) => e,
    };
    // The page translates by code: each problem's path, code, params and English reason.
    let problems = js_sys::Reflect::get(&err, &JsValue::from_str("problems")).unwrap();
    let first = js_sys::Array::from(&problems).get(0);
    let field = |k: &str| js_sys::Reflect::get(&first, &JsValue::from_str(k)).unwrap();
    assert_eq!(field("path").as_string().unwrap(), "tariffs[0].exporter");
    assert_eq!(field("code").as_string().unwrap(), "unknown_group");
    let value = js_sys::Reflect::get(&field("params"), &JsValue::from_str("value")).unwrap();
    assert_eq!(value.as_string().unwrap(), "Mordor");
    let msg = err
        .dyn_into::<js_sys::Error>()
        .unwrap()
        .message()
        .as_string()
        .unwrap();
    assert!(
        msg.contains("tariffs[0].exporter: unknown region or alliance \"Mordor\""),
        "{msg}"
    );
}

#[wasm_bindgen_test]
fn the_mining_chart_paints_the_canvas() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let canvas: web_sys::HtmlCanvasElement =
        doc.create_element("canvas").unwrap().dyn_into().unwrap();
    canvas.set_width(1600);
    canvas.set_height(800);
    bindings::draw_mining_chart(canvas.clone(), 2.0, false, "Mine production")
        .unwrap_or_else(|_| panic!("draws"));
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let px = ctx.get_image_data(0.0, 0.0, 1600.0, 800.0).unwrap().data();
    let blue = px
        .chunks(4)
        .filter(|p| {
            p[3] > 0
                && (p[0] as i32).abs_diff(0) < 12
                && (p[1] as i32).abs_diff(114) < 12
                && (p[2] as i32).abs_diff(178) < 12
        })
        .count();
    assert!(blue > 5_000, "bar pixels painted: {blue}");
}

#[wasm_bindgen_test]
fn draw_lines_paints_the_lines_over_a_cached_background() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let canvas = |w, h| {
        let c: web_sys::HtmlCanvasElement =
            doc.create_element("canvas").unwrap().dyn_into().unwrap();
        c.set_width(w);
        c.set_height(h);
        c
    };
    let (visible, layer) = (canvas(800, 400), canvas(1, 1));
    let time: Vec<f64> = (0..40).map(|k| 2024.0 + k as f64 / 4.0).collect();
    // One line: the run (blue, 100 to 5,000: a log axis) and its comparison.
    let mut values: Vec<f64> = time.iter().map(|t| 100.0 * (t - 2023.0).powi(2)).collect();
    values.extend(time.iter().map(|_| 300.0));
    let draw = |values: &[f64], bands: Option<Vec<f64>>| {
        bindings::draw_lines(
            visible.clone(),
            layer.clone(),
            ["prices", "Dy price", "USD/kg", "dashed: status quo", "auto"]
                .map(String::from)
                .to_vec(),
            vec!["Dy".into()],
            vec![0],
            &time,
            &time,
            values,
            1.0,
            false,
            bands,
        )
    };
    let first = draw(&values, None).unwrap_or_else(|_| panic!("draws"));
    let again = draw(&values, None).unwrap_or_else(|_| panic!("draws"));
    assert_eq!(first, again, "the same box from the cached background");
    assert_eq!(first[8], 1.0, "log axis: {first:?}");
    assert!(0.0 < first[0] && first[0] < first[1] && first[1] < 800.0);
    assert_eq!((layer.width(), layer.height()), (800, 400), "layer sized");
    let ctx: web_sys::CanvasRenderingContext2d = visible
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let px = ctx.get_image_data(0.0, 0.0, 800.0, 400.0).unwrap().data();
    let count = |c: [i32; 3]| {
        px.chunks(4)
            .filter(|p| p[3] > 0 && (0..3).all(|i| (p[i] as i32).abs_diff(c[i]) < 12))
            .count()
    };
    assert!(count([0, 114, 178]) > 300, "line painted");
    assert!(count([255, 255, 255]) > 100_000, "background copied");
    // Values that do not match the lines are refused, not drawn.
    assert!(draw(&values[..10], None).is_err());
    // Monte Carlo bands (p5, p50, p95 a line) are shaded under the line; bands of the
    // wrong length are refused.
    let n = time.len();
    let mut bands: Vec<f64> = values[..n].iter().map(|v| v * 0.5).collect();
    bands.extend_from_slice(&values[..n]);
    bands.extend(values[..n].iter().map(|v| v * 1.5));
    let with_bands =
        draw(&values, Some(bands.clone())).unwrap_or_else(|_| panic!("draws with bands"));
    assert_eq!(
        with_bands[..6],
        first[..6],
        "the same plotting box and years"
    );
    // The axis widens to hold the band: p5 is half the line's lowest value.
    assert!(
        with_bands[6] < first[6] && with_bands[6] <= 50.0,
        "{with_bands:?}"
    );
    let px = ctx.get_image_data(0.0, 0.0, 800.0, 400.0).unwrap().data();
    // The band: blue at 22% over white.
    let shaded = px
        .chunks(4)
        .filter(|p| p[3] > 0 && (0..3).all(|i| (p[i] as i32).abs_diff([200, 224, 238][i]) < 10))
        .count();
    assert!(shaded > 2000, "band shaded: {shaded} px");
    assert!(draw(&values, Some(bands[..n].to_vec())).is_err());
}

#[wasm_bindgen_test]
fn monte_carlo_in_chunks_gives_the_native_bands_bit_for_bit() {
    // tests/golden.rs writes the hash of the same four runs computed natively (on two
    // threads); here one run per `step`, as the page would.
    let text = presets::json("status-quo").unwrap();
    let mut mc = bindings::MonteCarloJs::new(JsValue::from_str(text), 42.0)
        .unwrap_or_else(|_| panic!("valid"));
    for k in 1..=4 {
        assert_eq!(mc.step(1), k);
    }
    assert_eq!(mc.step(0), 4);
    let p5 = mc.band("p5", "price", "world", "Dy").unwrap().to_vec();
    let p95 = mc.band("p95", "price", "world", "Dy").unwrap().to_vec();
    assert!(p5.iter().zip(&p95).all(|(a, b)| a <= b));
    assert!(mc.band("p50", "availability", "Mordor", "Dy").is_err());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in mc.to_json().bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let golden: serde_json::Value =
        serde_json::from_str(include_str!("golden/montecarlo.json")).unwrap();
    assert_eq!(
        format!("{h:016x}"),
        golden["bands_json_fnv1a"].as_str().unwrap()
    );
    assert!(bindings::MonteCarloJs::new(JsValue::from_str(text), -1.0).is_err());
}
