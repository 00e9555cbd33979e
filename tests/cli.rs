//! The `ree` command line: outputs, formats and exit codes.
use std::process::Command;

fn ree(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ree"))
        .args(args)
        .output()
        .expect("ree runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("ree-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into()
}

#[test]
fn presets_lists_ids_one_a_line_and_preset_prints_valid_json() {
    let (code, out, _) = ree(&["presets"]);
    assert_eq!(code, 0);
    let ids: Vec<&str> = out.lines().collect();
    assert!(
        ids.contains(&"status-quo") && ids.contains(&"licensing-regime"),
        "{ids:?}"
    );
    for id in ids {
        let (code, json, _) = ree(&["preset", id]);
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(v["description"].as_str().unwrap().len() > 50);
        let f = temp_file(&format!("{id}.json"), &json);
        assert_eq!(ree(&["check", &f]).0, 0, "{id} checks");
    }
}

#[test]
fn run_writes_the_documented_json() {
    let (code, out, err) = ree(&["run", "preset:status-quo"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["elements"].as_array().unwrap().len(), 17);
    let steps = v["time"].as_array().unwrap().len();
    assert_eq!(steps, 104);
    for key in [
        "availability",
        "demand",
        "supplied",
        "mine_output",
        "separation_output",
    ] {
        let a = v["series"][key]["JP"]["Dy"]
            .as_array()
            .unwrap_or_else(|| panic!("series.{key}.JP.Dy"));
        assert_eq!(a.len(), steps);
    }
    assert_eq!(
        v["series"]["magnet_output"]["CN"].as_array().unwrap().len(),
        steps
    );
    for stage in ["mining", "separation", "magnets"] {
        assert_eq!(v["series"]["hhi"][stage].as_array().unwrap().len(), steps);
    }
    assert!(v["checks"]["max_mass_balance_error"].as_f64().unwrap() < 1e-9);
}

#[test]
fn run_csv_to_a_file() {
    let out = std::env::temp_dir().join(format!("ree-cli-out-{}.csv", std::process::id()));
    let (code, _, err) = ree(&[
        "run",
        "preset:licensing-regime",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("series,region,element,time,value\n"));
    assert!(text.contains("\navailability,JP,Dy,2030,"));
}

#[test]
fn invalid_input_exits_2_with_the_field_and_reason() {
    let f = temp_file(
        "bad.json",
        r#"{"shocks": [{"region": "Atlantis", "stage": "mining", "share": 2, "start": 2026, "end": 2027}]}"#,
    );
    let (code, out, err) = ree(&["run", &f]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("shocks[0].region: unknown region \"Atlantis\""),
        "{err}"
    );
    assert!(
        err.contains("shocks[0].share: must be between 0 and 1"),
        "{err}"
    );
    assert!(!err.contains("panicked"));

    let broken = temp_file("broken.json", "{\"alliances\": [");
    let (code, _, err) = ree(&["check", &broken]);
    assert_eq!(code, 2);
    assert!(err.contains("not valid JSON"), "{err}");

    assert_eq!(ree(&["run", "/no/such/file.json"]).0, 2);
    assert_eq!(ree(&["run", "preset:nope"]).0, 2);
    assert_eq!(ree(&["run", "preset:status-quo", "--format", "xml"]).0, 2);
    assert_eq!(ree(&["frobnicate"]).0, 2);
}

#[test]
fn schema_is_a_json_schema_of_the_scenario() {
    let (code, out, _) = ree(&["schema"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["$schema"].as_str().unwrap().contains("json-schema.org"));
    for key in [
        "alliances",
        "export_controls",
        "tariffs",
        "shocks",
        "assumptions",
        "end_year",
    ] {
        assert!(v["properties"].get(key).is_some(), "schema has {key}");
    }
}

#[test]
fn runs_and_seed_add_bands_nested_as_the_series_and_repeat_byte_for_byte() {
    let args = ["run", "preset:status-quo", "--runs", "12", "--seed", "7"];
    let (code, a, err) = ree(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ree(&args).1, a, "same scenario and seed, same bytes");
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["bands"]["runs"], 12);
    assert_eq!(v["bands"]["seed"], 7);
    for p in ["p5", "p50", "p95"] {
        let av = v["bands"][p]["availability"]["JP"]["Dy"]
            .as_array()
            .unwrap();
        let pr = v["bands"][p]["price"]["Dy"].as_array().unwrap();
        assert_eq!(
            av.len(),
            104,
            "{p}: one value a step, as series.availability"
        );
        assert_eq!(pr.len(), 104, "{p}: one value a step, as series.price");
    }
    let (_, b, _) = ree(&["run", "preset:status-quo", "--runs", "12", "--seed", "8"]);
    let w: serde_json::Value = serde_json::from_str(&b).unwrap();
    assert_ne!(v["bands"], w["bands"], "another seed, other bands");
    assert_eq!(
        v["series"], w["series"],
        "the base run does not depend on the seed"
    );
    let (code, csv, _) = ree(&["run", "preset:status-quo", "--runs", "3", "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(csv
        .lines()
        .any(|l| l.starts_with("bands.p95.availability,JP,Dy,")));
}

#[test]
fn invalid_runs_and_seed_exit_2_naming_the_flag() {
    for bad in [
        "0",
        "NaN",
        "abc",
        "-1",
        "2.5",
        "1000000",
        "99999999999999999999999",
    ] {
        let (code, _, err) = ree(&["run", "preset:status-quo", "--runs", bad]);
        assert_eq!(code, 2, "--runs {bad}");
        assert!(
            err.contains("--runs") && err.contains("whole number"),
            "--runs {bad}: {err}"
        );
    }
    let (code, _, err) = ree(&["run", "preset:status-quo", "--runs"]);
    assert!(code == 2 && err.contains("--runs"), "{err}");
    let (code, _, err) = ree(&["run", "preset:status-quo", "--runs", "2", "--seed", "x"]);
    assert!(code == 2 && err.contains("--seed"), "{err}");
    let (code, _, err) = ree(&["run", "preset:status-quo", "--seed", "3"]);
    assert!(
        code == 2 && err.contains("--seed") && err.contains("--runs"),
        "{err}"
    );
}
