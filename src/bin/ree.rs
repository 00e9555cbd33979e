//! `ree`: the model on the command line.
//!
//! ```text
//! ree run <scenario.json | preset:ID> [--format json|csv] [--out FILE] [--runs N [--seed S]]
//! ree check <scenario.json>
//! ree presets
//! ree preset ID
//! ree inputs
//! ree schema
//! ```
//! Exit status 0 on success, 2 on invalid input (message on stderr), 1 on I/O errors.

use rare_earth_alliances::model::montecarlo::{json_with_bands, MonteCarlo, MAX_RUNS};
use rare_earth_alliances::{presets, run, Dataset, InputErrors, Scenario};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage:
  ree run <scenario.json | preset:ID> [--format json|csv] [--out FILE] [--runs N [--seed S]]
      --runs N   also N Monte Carlo runs with the uncertain inputs sampled: adds
                 bands.{p5,p50,p95}.{availability,price} (same seed, same bytes)
      --seed S   seed of the sampling, a whole number (default 0)
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
            let mut runs: Option<usize> = None;
            let mut seed: Option<u64> = None;
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
                    "--runs" => {
                        let v = it.next().map(String::as_str).unwrap_or("");
                        runs = Some(
                            v.parse()
                                .ok()
                                .filter(|n| (1..=MAX_RUNS).contains(n))
                                .ok_or_else(|| {
                                    Fail::Input(format!(
                                    "--runs: must be a whole number from 1 to {MAX_RUNS}, got {:?}",
                                    v.chars().take(40).collect::<String>()
                                ))
                                })?,
                        )
                    }
                    "--seed" => {
                        let v = it.next().map(String::as_str).unwrap_or("");
                        seed = Some(v.parse().map_err(|_| {
                            Fail::Input(format!(
                                "--seed: must be a whole number from 0 to {}, got {:?}",
                                u64::MAX,
                                v.chars().take(40).collect::<String>()
                            ))
                        })?)
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
            if seed.is_some() && runs.is_none() {
                return Err(Fail::Input(
                    "--seed: only with --runs (the seed of the Monte Carlo runs)".into(),
                ));
            }
            let sc = load_scenario(&input, data)?;
            let result = run(data, &sc)?;
            let bands = match runs {
                None => None,
                Some(n) => {
                    let mut mc = MonteCarlo::new(data, &sc, seed.unwrap_or(0))?;
                    mc.check_runs("--runs", n)
                        .map_err(|e| Fail::Input(e.to_string()))?;
                    // Two threads where there are two cores: the bands do not depend
                    // on the number (each run's draw comes from its index).
                    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
                    mc.run_to(n, threads.min(8));
                    Some(mc.bands())
                }
            };
            let text = match (&bands, format.as_str()) {
                (None, "csv") => result.to_csv(),
                (None, _) => result.to_json() + "\n",
                (Some(b), "csv") => result.to_csv() + &b.to_csv(&result.regions, &result.time),
                (Some(b), _) => json_with_bands(&result, b) + "\n",
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
