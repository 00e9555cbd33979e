//! The compiled-in data sets parse and pass the data check.
use rare_earth_alliances::data::{Dataset, DATA_SETS};

#[test]
fn every_compiled_in_data_set_parses_and_checks() {
    for id in DATA_SETS {
        let d = Dataset::named(id).unwrap_or_else(|| panic!("{id} missing"));
        assert!(d.regions.len() >= 19, "{id}");
    }
    assert_eq!(Dataset::named("world-2009").unwrap().base_year, 2009);
    assert!(Dataset::named("nope").is_none());
}
