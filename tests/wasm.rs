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

#[wasm_bindgen_test]
fn the_bindings_run_a_scenario_given_as_json_text() {
    let text = presets::json("status-quo").unwrap();
    let r = bindings::run_scenario(JsValue::from_str(text)).unwrap_or_else(|_| panic!("runs"));
    assert_eq!(r.fingerprint(), golden_fingerprint("status-quo"));
    assert!(r.max_mass_balance_error() < 1e-9);
    assert_eq!(r.time().length(), 104);
}

#[wasm_bindgen_test]
fn a_bad_scenario_is_refused_with_its_field_path() {
    let bad = r#"{"tariffs": [{"importer": "US", "exporter": "Mordor", "products": ["oxide"], "rate": 0.1, "start": 2025}]}"#;
    let err = match bindings::run_scenario(JsValue::from_str(bad)) {
        Ok(_) => panic!("must be refused"),
        Err(e) => JsValue::from(e),
    };
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
