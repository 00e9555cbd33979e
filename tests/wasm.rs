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
