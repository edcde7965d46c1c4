//! One row to upsert: the SQL is spelled once, here, for every projected table. Only the
//! table's and columns' names (constants in the core) are spliced into the statement;
//! every value travels bound.

use estate_core::records::office::{Cell, OfficeRow};
use sqlx::AssertSqlSafe;

use crate::store::{self, Tx};

/// An `INSERT … ON CONFLICT (key) DO UPDATE` of one row the core built, with the
/// server's own columns added.
#[derive(Debug)]
pub struct Row {
    row: OfficeRow,
    /// Columns written when the row is first inserted and never updated.
    first: Vec<&'static str>,
}

impl Row {
    pub fn new(row: OfficeRow) -> Self {
        Self {
            row,
            first: Vec::new(),
        }
    }

    pub fn int(mut self, column: &'static str, value: i64) -> Self {
        self.row = self.row.int(column, value);
        self
    }

    /// A column written when the row is first inserted and never updated.
    pub fn first_int(mut self, column: &'static str, value: i64) -> Self {
        self.first.push(column);
        self.int(column, value)
    }

    pub async fn upsert(self, tx: &mut Tx<'_>) -> sqlx::Result<()> {
        let OfficeRow { table, key, cells } = self.row;
        let names: Vec<&str> = cells.iter().map(|(name, _)| *name).collect();
        let updates: Vec<String> = names
            .iter()
            .filter(|name| !key.contains(name) && !self.first.contains(name))
            .map(|name| format!("{name} = excluded.{name}"))
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT ({}) DO {}",
            names.join(", "),
            store::marks(1, names.len()),
            key.join(", "),
            if updates.is_empty() {
                "NOTHING".to_owned()
            } else {
                format!("UPDATE SET {}", updates.join(", "))
            }
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (_, value) in cells {
            query = match value {
                Cell::Text(v) => query.bind(v),
                Cell::Int(v) => query.bind(v),
            };
        }
        query.execute(&mut **tx).await?;
        Ok(())
    }
}

/// Deletes the rows of `table` whose `column` names `id` (rows a record owns whole).
pub async fn clear(tx: &mut Tx<'_>, table: &str, column: &str, id: &str) -> sqlx::Result<()> {
    sqlx::query(AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE {column} = $1"
    )))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
