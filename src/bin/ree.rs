//! `ree`: the model on the command line.
//!
//! ```text
//! ree run <scenario.json | preset:ID> [--format json|csv] [--out FILE]
//! ree check <scenario.json>
//! ree presets
//! ree preset ID
//! ree inputs
//! ree schema
//! ```
//! Exit status 0 on success, 2 on invalid input (message on stderr), 1 on I/O errors.

use rare_earth_alliances::{presets, run, Dataset, InputErrors, Scenario};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage:
  ree run <scenario.json | preset:ID> [--format json|csv] [--out FILE]
  ree check <scenario.json | preset:ID>
  ree presets
  ree preset ID
  ree inputs
  ree schema";

enum Fail {
    Input(String),
    Io(String),
}

impl From<InputErrors> for Fail {
    fn from(e: InputErrors) -> Self {
        Fail::Input(e.to_string())
    }
}

fn load_scenario(arg: &str, data: &Dataset) -> Result<Scenario, Fail> {
    if let Some(id) = arg.strip_prefix("preset:") {
        return Ok(presets::load(id, data)?);
    }
    let text = std::fs::read_to_string(arg)
        .map_err(|e| Fail::Input(format!("{arg}: cannot read ({e})")))?;
    Scenario::from_json(&text, data).map_err(|e| Fail::Input(format!("{arg}:\n{e}")))
}

fn write_out(out: Option<&str>, text: &str) -> Result<(), Fail> {
    match out {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| Fail::Io(format!("{path}: cannot write ({e})")))
        }
        None => {
            let mut so = std::io::stdout().lock();
            so.write_all(text.as_bytes())
                .and_then(|_| so.flush())
                .map_err(|e| Fail::Io(format!("stdout: {e}")))
        }
    }
}

fn main_inner(args: &[String]) -> Result<(), Fail> {
    let data = Dataset::default_data();
    let cmd = args.first().map(String::as_str).unwrap_or("");
    match cmd {
        "run" => {
            let mut input = None;
            let mut format = "json".to_string();
            let mut out = None;
            let mut it = args[1..].iter();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--format" => {
                        format = it
                            .next()
                            .cloned()
                            .ok_or_else(|| Fail::Input("--format needs json or csv".into()))?
                    }
                    "--out" => {
                        out = Some(
                            it.next()
                                .cloned()
                                .ok_or_else(|| Fail::Input("--out needs a file name".into()))?,
                        )
                    }
                    s if s.starts_with("--") => {
                        return Err(Fail::Input(format!("unknown option {s}\n{USAGE}")))
                    }
                    s if input.is_none() => input = Some(s.to_string()),
                    s => return Err(Fail::Input(format!("unexpected argument {s}\n{USAGE}"))),
                }
            }
            let input =
                input.ok_or_else(|| Fail::Input(format!("run needs a scenario\n{USAGE}")))?;
            if format != "json" && format != "csv" {
                return Err(Fail::Input(format!(
                    "--format: must be json or csv, got {format:?}"
                )));
            }
            let sc = load_scenario(&input, data)?;
            let result = run(data, &sc)?;
            let text = if format == "csv" {
                result.to_csv()
            } else {
                result.to_json() + "\n"
            };
            write_out(out.as_deref(), &text)
        }
        "check" => {
            let input = args
                .get(1)
                .ok_or_else(|| Fail::Input(format!("check needs a scenario\n{USAGE}")))?;
            load_scenario(input, data)?;
            eprintln!("{input}: valid");
            Ok(())
        }
        "inputs" => write_out(None, &rare_earth_alliances::inputs::markdown_table()),
        "presets" => write_out(
            None,
            &presets::ids()
                .map(|id| format!("{id}\n"))
                .collect::<String>(),
        ),
        "preset" => {
            let id = args
                .get(1)
                .ok_or_else(|| Fail::Input(format!("preset needs an id\n{USAGE}")))?;
            let text = presets::json(id).map_err(|e| Fail::Input(e.to_string()))?;
            write_out(None, text)
        }
        #[cfg(not(target_arch = "wasm32"))]
        "schema" => write_out(None, &(Scenario::json_schema() + "\n")),
        "" | "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(Fail::Input(format!("unknown command {other:?}\n{USAGE}"))),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match main_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail::Input(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(Fail::Io(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}
