//! Canonical JSON straight from `Serialize`, without building a `serde_json::Value` first.
//!
//! Produces exactly the bytes of `canonical::compact(&serde_json::to_value(x))` — objects with
//! keys in byte order, no whitespace, scalars as serde_json writes them — at a fraction of the
//! cost: each object's fields are serialised to strings, sorted by key and joined, so no tree
//! of `Value`s and `Map`s is ever allocated. `verify` still takes the `Value` route, so every
//! record is cross-checked by the other implementation.

use serde::ser::{self, Serialize};

use super::string;

#[derive(Debug)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// The canonical encoding of `value`.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    value.serialize(Canonical)
}

/// Joins sorted fields into an object.
pub fn join(fields: &[(String, String)]) -> String {
    let mut out = String::with_capacity(fields.iter().map(|(k, v)| k.len() + v.len() + 4).sum::<usize>() + 2);
    out.push('{');
    for (index, (key, value)) in fields.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        string(key, &mut out);
        out.push(':');
        out.push_str(value);
    }
    out.push('}');
    out
}

/// A JSON string literal.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    string(s, &mut out);
    out
}

/// Serialises one value to its canonical text.
struct Canonical;

/// Collects an array.
pub struct Seq(Vec<String>);

/// Collects an object's fields.
pub struct Object {
    fields: Vec<(String, String)>,
    pending_key: Option<String>,
}

impl Object {
    fn new() -> Object {
        Object { fields: Vec::new(), pending_key: None }
    }

    fn finish(mut self) -> String {
        self.fields.sort_by(|a, b| a.0.cmp(&b.0));
        join(&self.fields)
    }
}

fn seq_text(items: Vec<String>) -> String {
    let mut out = String::with_capacity(items.iter().map(|i| i.len() + 1).sum::<usize>() + 2);
    out.push('[');
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
    out
}

/// A variant with data, `{"Variant": …}`, as serde_json represents it.
pub struct Tagged<T> {
    variant: &'static str,
    inner: T,
}

macro_rules! integer {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<String, Error> { Ok(v.to_string()) })*
    };
}

impl ser::Serializer for Canonical {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Tagged<Seq>;
    type SerializeMap = Object;
    type SerializeStruct = Object;
    type SerializeStructVariant = Tagged<Object>;

    integer!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
             serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128);

    fn serialize_bool(self, v: bool) -> Result<String, Error> {
        Ok(if v { "true" } else { "false" }.to_owned())
    }

    fn serialize_f32(self, v: f32) -> Result<String, Error> {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<String, Error> {
        // As `to_value` does: a non-finite number becomes null.
        Ok(serde_json::Number::from_f64(v).map_or_else(|| "null".to_owned(), |n| n.to_string()))
    }

    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(quoted(v.encode_utf8(&mut [0; 4])))
    }

    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(quoted(v))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<String, Error> {
        Ok(seq_text(v.iter().map(u8::to_string).collect()))
    }

    fn serialize_none(self) -> Result<String, Error> {
        Ok("null".to_owned())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<String, Error> {
        Ok("null".to_owned())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Error> {
        Ok("null".to_owned())
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<String, Error> {
        Ok(quoted(variant))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        Ok(join(&[(variant.to_owned(), value.serialize(Canonical)?)]))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, Error> {
        Ok(Seq(Vec::with_capacity(len.unwrap_or(0))))
    }

    fn serialize_tuple(self, len: usize) -> Result<Seq, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Tagged<Seq>, Error> {
        Ok(Tagged { variant, inner: Seq(Vec::with_capacity(len)) })
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Object, Error> {
        Ok(Object::new())
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object, Error> {
        Ok(Object::new())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Tagged<Object>, Error> {
        Ok(Tagged { variant, inner: Object::new() })
    }
}

impl ser::SerializeSeq for Seq {
    type Ok = String;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.0.push(value.serialize(Canonical)?);
        Ok(())
    }

    fn end(self) -> Result<String, Error> {
        Ok(seq_text(self.0))
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = String;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<String, Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = String;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<String, Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Tagged<Seq> {
    type Ok = String;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(&mut self.inner, value)
    }

    fn end(self) -> Result<String, Error> {
        Ok(join(&[(self.variant.to_owned(), ser::SerializeSeq::end(self.inner)?)]))
    }
}

impl ser::SerializeMap for Object {
    type Ok = String;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let text = key.serialize(Canonical)?;
        // Keys must be strings (serde_json's `to_value` refuses others the same way).
        let key: String =
            serde_json::from_str(&text).map_err(|_| Error("a map key is not a string".to_owned()))?;
        self.pending_key = Some(key);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.pending_key.take().ok_or_else(|| Error("a map value without a key".to_owned()))?;
        self.fields.push((key, value.serialize(Canonical)?));
        Ok(())
    }

    fn end(self) -> Result<String, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for Object {
    type Ok = String;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.fields.push((key.to_owned(), value.serialize(Canonical)?));
        Ok(())
    }

    fn end(self) -> Result<String, Error> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for Tagged<Object> {
    type Ok = String;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }

    fn end(self) -> Result<String, Error> {
        Ok(join(&[(self.variant.to_owned(), self.inner.finish())]))
    }
}
