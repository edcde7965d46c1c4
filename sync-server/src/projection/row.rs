//! One row to upsert, built column by column: the SQL is spelled once, here, for every
//! projected table. Only the table's and columns' names (constants in our code) are
//! spliced into the statement; every value travels bound.

use sqlx::AssertSqlSafe;

use crate::store::{self, Tx};

#[derive(Debug)]
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
}

/// An `INSERT … ON CONFLICT (key) DO UPDATE` of one row.
#[derive(Debug)]
pub struct Row {
    table: &'static str,
    key: &'static [&'static str],
    columns: Vec<(&'static str, Value, bool)>,
}

impl Row {
    /// A row of `table` whose primary key is the columns `key`.
    pub fn new(table: &'static str, key: &'static [&'static str]) -> Self {
        Self {
            table,
            key,
            columns: Vec::new(),
        }
    }

    pub fn text(mut self, column: &'static str, value: impl Into<Option<String>>) -> Self {
        self.columns.push((column, Value::Text(value.into()), true));
        self
    }

    pub fn int(mut self, column: &'static str, value: impl Into<Option<i64>>) -> Self {
        self.columns.push((column, Value::Int(value.into()), true));
        self
    }

    /// A column written when the row is first inserted and never updated.
    pub fn first_int(mut self, column: &'static str, value: i64) -> Self {
        self.columns.push((column, Value::Int(Some(value)), false));
        self
    }

    pub async fn upsert(self, tx: &mut Tx<'_>) -> sqlx::Result<()> {
        let names: Vec<&str> = self.columns.iter().map(|(name, ..)| *name).collect();
        let updates: Vec<String> = self
            .columns
            .iter()
            .filter(|(name, _, update)| *update && !self.key.contains(name))
            .map(|(name, ..)| format!("{name} = excluded.{name}"))
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
            self.table,
            names.join(", "),
            store::marks(1, names.len()),
            self.key.join(", "),
            updates.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (_, value, _) in self.columns {
            query = match value {
                Value::Text(v) => query.bind(v),
                Value::Int(v) => query.bind(v),
            };
        }
        query.execute(&mut **tx).await?;
        Ok(())
    }
}
