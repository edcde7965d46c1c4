//! The office's rows of a record: what the server writes into SQL for its lists, filters
//! and exports. Each kind builds its own rows from its derived state (never from the
//! header alone: a vacant unit ventilated later is ventilated), so the server holds no
//! second reading of any record and only writes what it is handed.

use serde::Serialize;

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(Option<String>),
    Int(Option<i64>),
}

/// One row of an office table, keyed by some of its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeRow {
    pub table: &'static str,
    /// The columns of the table's primary key.
    pub key: &'static [&'static str],
    pub cells: Vec<(&'static str, Cell)>,
}

impl OfficeRow {
    /// A row of `table`, keyed by the columns `key`.
    pub fn new(table: &'static str, key: &'static [&'static str]) -> Self {
        Self {
            table,
            key,
            cells: Vec::new(),
        }
    }

    pub fn text(mut self, column: &'static str, value: impl Into<Option<String>>) -> Self {
        self.cells.push((column, Cell::Text(value.into())));
        self
    }

    pub fn int(mut self, column: &'static str, value: impl Into<Option<i64>>) -> Self {
        self.cells.push((column, Cell::Int(value.into())));
        self
    }

    /// A yes/no column, stored as 0 or 1 in either database.
    pub fn flag(self, column: &'static str, value: bool) -> Self {
        self.int(column, i64::from(value))
    }

    /// The value of `column`, if the row has it.
    pub fn get(&self, column: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, v)| v)
    }
}

/// An enum's stored name (its serde tag, `snake_case` in every record).
pub fn tag<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => other.map(|v| v.to_string()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::ticket::Channel;

    #[test]
    fn enum_tags_are_their_stored_names() {
        assert_eq!(tag(&Channel::Hotline), Channel::Hotline.as_str());
    }

    #[test]
    fn a_row_reads_back_its_cells() {
        let row = OfficeRow::new("t", &["id"]).flag("done", true);
        assert_eq!(row.get("done"), Some(&Cell::Int(Some(1))));
        assert_eq!(row.get("missing"), None);
    }
}
