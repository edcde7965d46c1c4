//! Strings as other writers store them. Our records write strings as plain scalars, but
//! JS Automerge 3 writes every string as collaborative Text; reading accepts both, so a
//! record written by any automerge tool reads the same.

use autosurgeon::reconcile::NoKey;
use autosurgeon::{Hydrate, HydrateError, ReadDoc, Reconcile, Reconciler};

/// A string field: written as a scalar, read from a scalar or from Text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Str(pub String);

impl Hydrate for Str {
    fn hydrate_string(s: &str) -> Result<Self, HydrateError> {
        Ok(Self(s.to_owned()))
    }

    fn hydrate_text<D: ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, HydrateError> {
        Ok(Self(doc.text(obj)?))
    }
}

impl Reconcile for Str {
    type Key<'a> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(&self.0)
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::ops::Deref for Str {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for Str {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl From<Str> for String {
    fn from(s: Str) -> Self {
        s.0
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use automerge::{AutoCommit, ObjType, ROOT, transaction::Transactable};

    use super::*;

    #[test]
    fn reads_scalar_strings_and_text_alike() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "scalar", "三单元").expect("put");
        let text = doc.put_object(ROOT, "text", ObjType::Text).expect("put");
        doc.splice_text(&text, 0, 0, "门窗完好").expect("splice");
        let scalar: Str = autosurgeon::hydrate_prop(&doc, ROOT, "scalar").expect("scalar");
        let text: Str = autosurgeon::hydrate_prop(&doc, ROOT, "text").expect("text");
        assert_eq!((scalar.0.as_str(), text.0.as_str()), ("三单元", "门窗完好"));
    }
}
