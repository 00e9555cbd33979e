//! The 17 rare earth elements in one fixed order, and per-element vectors.
//!
//! Every per-element quantity in the model is an [`EVec`]: tonnes of rare earth oxide
//! (REO) for each element, indexed in [`ELEMENTS`] order. Fixed-size arrays keep the
//! inner loops allocation-free.

/// Number of rare earth elements (15 lanthanides + Sc + Y).
pub const N_EL: usize = 17;

/// Element symbols in the model's fixed order: Sc, Y, then the lanthanides by atomic number.
pub const ELEMENTS: [&str; N_EL] = [
    "Sc", "Y", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb",
    "Lu",
];

/// Element names for labels.
pub const ELEMENT_NAMES: [&str; N_EL] = [
    "scandium",
    "yttrium",
    "lanthanum",
    "cerium",
    "praseodymium",
    "neodymium",
    "promethium",
    "samarium",
    "europium",
    "gadolinium",
    "terbium",
    "dysprosium",
    "holmium",
    "erbium",
    "thulium",
    "ytterbium",
    "lutetium",
];

/// Element groups the way the industry and the charts talk about them: (id, name,
/// members). LREE and HREE follow the EU CRM 2023 grouping (Sc counted as heavy here).
pub const GROUPS: [(&str, &str, &[&str]); 4] = [
    (
        "NdPr",
        "neodymium + praseodymium (magnet light rare earths)",
        &["Nd", "Pr"],
    ),
    (
        "DyTb",
        "dysprosium + terbium (magnet heavy rare earths)",
        &["Dy", "Tb"],
    ),
    ("LREE", "light rare earths", &["La", "Ce", "Pr", "Nd", "Sm"]),
    (
        "HREE",
        "heavy rare earths",
        &[
            "Sc", "Y", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
        ],
    ),
];

/// Indexes of an element symbol or of a group's members.
pub fn members(id: &str) -> Option<Vec<usize>> {
    if let Some(i) = index_of(id) {
        return Some(vec![i]);
    }
    GROUPS
        .iter()
        .find(|(g, _, _)| *g == id)
        .map(|(_, _, m)| m.iter().filter_map(|e| index_of(e)).collect())
}

/// A quantity per element (t REO unless stated otherwise).
pub type EVec = [f64; N_EL];

/// The zero vector.
pub const ZERO: EVec = [0.0; N_EL];

/// Indexes of the elements the model treats specially (didymium, prices).
pub const PR: usize = 4;
pub const ND: usize = 5;

/// Index of an element symbol (case-sensitive, as in the periodic table).
pub fn index_of(symbol: &str) -> Option<usize> {
    ELEMENTS.iter().position(|s| *s == symbol)
}

/// Sum of a vector.
pub fn sum(v: &EVec) -> f64 {
    v.iter().sum()
}

/// `a += k * b`, element by element.
pub fn add_scaled(a: &mut EVec, b: &EVec, k: f64) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += k * y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seventeen_distinct_symbols_with_lookup() {
        for (i, s) in ELEMENTS.iter().enumerate() {
            assert_eq!(index_of(s), Some(i));
        }
        assert_eq!(index_of("Xx"), None);
        assert_eq!(index_of("dy"), None, "lookup is case-sensitive");
        assert_eq!((index_of("Pr"), index_of("Nd")), (Some(PR), Some(ND)));
    }

    #[test]
    fn groups_resolve_to_members() {
        assert_eq!(members("Dy"), Some(vec![11]));
        assert_eq!(members("NdPr"), Some(vec![5, 4]));
        let light = members("LREE").unwrap();
        let heavy = members("HREE").unwrap();
        assert_eq!(
            light.len() + heavy.len() + 1,
            N_EL,
            "every element but Pm in one group"
        );
        assert!(light.iter().all(|i| !heavy.contains(i)));
        assert_eq!(members("Xx"), None);
    }

    #[test]
    fn add_scaled_accumulates() {
        let mut a = ZERO;
        let mut b = ZERO;
        b[3] = 2.0;
        add_scaled(&mut a, &b, 1.5);
        add_scaled(&mut a, &b, 1.0);
        assert_eq!(a[3], 5.0);
        assert_eq!(sum(&a), 5.0);
    }
}
