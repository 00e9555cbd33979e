//! How the page's wasm reads its compiled-in data sets: the JSON text becomes a
//! [`serde_json::Value`], and a small deserializer over it hands every struct to serde's
//! derived code as a sequence, each field looked up by name in declaration order.
//!
//! Why: serde's derive writes two readers per struct, one for JSON objects (`visit_map`,
//! with its field-name matching, missing- and duplicate-field checks) and one for
//! sequences (`visit_seq`). Read this way the data set's 30-odd structs need only the
//! second, which made the one-file page 8.5 KB smaller gzipped than reading them
//! with `serde_json` directly. Only the wasm uses it: natively the data are read with
//! field paths and checked (`Dataset::from_json`), and a test checks that both readings
//! give the same data set, field by field and bit for bit.
//!
//! What it reads: objects into structs (an unknown key is an error, as with
//! `deny_unknown_fields`; a field the object lacks reads as `None`, an empty list or an
//! empty map, what `#[serde(default)]` gives them, and is an error for anything else),
//! objects into maps, arrays, strings (also into unit enum variants), numbers, booleans
//! and `null`. The numbers are those `serde_json` parsed, so their bits are the same.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Parse `text` (JSON) into `T` as described in the module's documentation (one data
/// set; the page reads both through [`from_interleaved`], the tests each one alone).
#[cfg(test)]
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    T::deserialize(Node(Some(&value))).map_err(|e| e.0)
}

/// Data set `which` of [`crate::data::DATA_SETS_INTERLEAVED`]: `[[key, mask, value of
/// each set whose bit is in mask…], …]` (written by `build.rs`, which explains why).
pub fn from_interleaved<T: DeserializeOwned>(text: &str, which: usize) -> Result<T, String> {
    let rows: Vec<Value> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut map = Map::new();
    for row in rows {
        let Value::Array(row) = row else {
            return Err("a data-set section is not a list".into());
        };
        let mut items = row.into_iter();
        let (Some(Value::String(key)), Some(mask)) = (items.next(), items.next()) else {
            return Err("a data-set section has no key".into());
        };
        let mask = mask.as_u64().unwrap_or(0);
        // The value of set `which` is after those of the sets before it that have one.
        let before = (mask & ((1 << which) - 1)).count_ones() as usize;
        if mask & (1 << which) != 0 {
            if let Some(v) = items.nth(before) {
                map.insert(key, v);
            }
        }
    }
    T::deserialize(Node(Some(&Value::Object(map)))).map_err(|e| e.0)
}

#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// A value, or a field its object does not have (`None`).
#[derive(Clone, Copy)]
struct Node<'a>(Option<&'a Value>);

impl<'de> de::Deserializer<'de> for Node<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            None => Err(Error("a field is missing".into())),
            Some(Value::Null) => visitor.visit_unit(),
            Some(Value::Bool(b)) => visitor.visit_bool(*b),
            Some(Value::Number(n)) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Some(Value::String(s)) => visitor.visit_str(s),
            Some(Value::Array(a)) => visitor.visit_seq(Items(a.iter())),
            Some(Value::Object(m)) => visitor.visit_map(Entries(Some(m.iter()), None)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            None | Some(Value::Null) => visitor.visit_none(),
            Some(_) => visitor.visit_some(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            None => visitor.visit_seq(Items([].iter())),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            None => visitor.visit_map(Entries(None, None)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Some(Value::Object(m)) => {
                if let Some(k) = m.keys().find(|k| !fields.contains(&k.as_str())) {
                    return Err(Error(format!("{name}: unknown field `{k}`")));
                }
                visitor.visit_seq(Fields(m, fields.iter()))
            }
            _ => Err(Error(format!("{name}: expected an object"))),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Some(Value::String(s)) => visitor.visit_enum(s.as_str().into_deserializer()),
            _ => Err(Error(format!("{name}: expected a string"))),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf unit unit_struct tuple tuple_struct identifier ignored_any
    }
}

/// An array's items.
struct Items<'a>(std::slice::Iter<'a, Value>);

impl<'de> de::SeqAccess<'de> for Items<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|v| seed.deserialize(Node(Some(v))))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An object's fields in the order a struct declares them.
struct Fields<'a>(
    &'a Map<String, Value>,
    std::slice::Iter<'static, &'static str>,
);

impl<'de> de::SeqAccess<'de> for Fields<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.1.next() {
            Some(f) => seed
                .deserialize(Node(self.0.get(*f)))
                .map(Some)
                .map_err(|e| Error(format!("{f}: {e}"))),
            None => Ok(None),
        }
    }
}

/// An object's entries, for a map (none for a field the object lacks).
struct Entries<'a>(Option<serde_json::map::Iter<'a>>, Option<&'a Value>);

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.0.as_mut().and_then(|i| i.next()) {
            Some((k, v)) => {
                self.1 = Some(v);
                seed.deserialize(k.as_str().into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(Node(self.1.take()))
    }
}

#[cfg(test)]
mod tests {
    use crate::data::{Dataset, DATA_SETS_INTERLEAVED, DEFAULT_DATA_JSON, WORLD_2009_JSON};

    /// The page's reading of the data sets is the native one, field by field and bit
    /// for bit (`PartialEq`, and `Debug`, which tells `-0.0` from `0.0`).
    #[test]
    fn same_data_as_serde_json() {
        for text in [DEFAULT_DATA_JSON, WORLD_2009_JSON] {
            let ours: Dataset = super::from_str(text).unwrap();
            let theirs: Dataset = serde_json::from_str(text).unwrap();
            assert_eq!(ours, theirs);
            let (a, b) = (format!("{ours:?}"), format!("{theirs:?}"));
            assert_eq!(a, b);
        }
    }

    /// The page's copy of the data sets, side by side, gives each set unchanged.
    #[test]
    fn interleaved_data_sets_are_the_same_data() {
        for (i, text) in [DEFAULT_DATA_JSON, WORLD_2009_JSON].into_iter().enumerate() {
            let ours: Dataset = super::from_interleaved(DATA_SETS_INTERLEAVED, i).unwrap();
            let theirs: Dataset = serde_json::from_str(text).unwrap();
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        }
    }

    #[test]
    fn unknown_and_missing_fields_are_errors() {
        let text = DEFAULT_DATA_JSON.replacen("\"base_year\"", "\"base_yeer\"", 1);
        let e = super::from_str::<Dataset>(&text).unwrap_err();
        assert!(e.contains("unknown field `base_yeer`"), "{e}");
    }
}
