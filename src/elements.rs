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

/// A quantity per element (t REO unless stated otherwise).
pub type EVec = [f64; N_EL];

/// The zero vector.
pub const ZERO: EVec = [0.0; N_EL];

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
