//! # rare-earth-alliances
//!
//! An interactive model of how geopolitical alliances shape the availability of rare
//! earth elements. The crate is a functional core (data, scenario, model, output) with
//! thin shells: the `ree` command line, the chart functions (generic over plotters'
//! `DrawingBackend`) and, on wasm32 only, the browser bindings.
//!
//! See ARCHITECTURE.md for the layers and their invariants.

// The model indexes several parallel arrays (regions × elements) by the same index;
// iterator chains there would hide which array drives the loop.
#![allow(clippy::needless_range_loop)]

pub mod charts;
pub mod data;
#[cfg(any(target_arch = "wasm32", test))]
mod data_de;
pub mod elements;
pub mod error;
pub mod inputs;
pub mod model;
pub mod output;
pub mod policies;
pub mod presets;
pub mod scenario;
pub mod sensitivity;
mod small_sort;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use data::Dataset;
pub use error::{InputError, InputErrors};
pub use model::run;
pub use output::RunOutput;
pub use scenario::Scenario;
