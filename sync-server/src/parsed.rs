//! Records parsed once and kept in memory for reports: the monthly statistics read every
//! record of a project, and reading and parsing each from its chunks on every request is
//! what costs. The server's commits (its own and other servers', the hub's `stored`
//! broadcast) say which documents changed; those — and only those — are read again at
//! the next report, so a report never sees a record older than the last commit it
//! could have heard of.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use anyhow::Context;
use estate_core::DocumentId;
use estate_core::records::any::AnyRecord;
use estate_core::storage::StorageKey;
use sqlx::AssertSqlSafe;
use tokio::sync::{Mutex, broadcast};

use crate::store::{self, Store};

/// Documents read per query.
const BATCH: usize = 2_000;

/// A document's stored chunks.
type Chunks = Vec<(DocumentId, Vec<(StorageKey, Vec<u8>)>)>;

/// What each commit stored (`hub::HubHandle::stored`).
pub type Commits = broadcast::Receiver<Arc<[DocumentId]>>;

/// The parsed records of the projects reports have asked for.
#[derive(Debug)]
pub struct ParsedRecords {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    commits: Commits,
    records: HashMap<DocumentId, Arc<AnyRecord>>,
    projects: HashMap<String, Project>,
}

/// One project's documents (its areas' records and its calendar), and which of them to
/// read again.
#[derive(Debug, Default)]
struct Project {
    documents: HashSet<DocumentId>,
    stale: HashSet<DocumentId>,
}

impl ParsedRecords {
    /// Keeps records current with the commits `commits` reports.
    pub fn following(commits: Commits) -> Self {
        Self {
            inner: Mutex::new(Inner {
                commits,
                records: HashMap::new(),
                projects: HashMap::new(),
            }),
        }
    }

    /// Every record of the areas of `projects`, and the projects' calendars, parsed as
    /// they now stand. A document that is no record, or does not read, is left out.
    pub async fn of_projects(
        &self,
        store: &Store,
        projects: &BTreeSet<String>,
    ) -> anyhow::Result<Vec<(DocumentId, Arc<AnyRecord>)>> {
        let mut inner = self.inner.lock().await;
        inner.take_commits(store).await?;
        for project in projects {
            if !inner.projects.contains_key(project) {
                let documents = members(store, project).await?;
                let stale = documents.clone();
                inner
                    .projects
                    .insert(project.clone(), Project { documents, stale });
            }
        }
        let mut stale: Vec<DocumentId> = Vec::new();
        for project in projects {
            if let Some(p) = inner.projects.get_mut(project) {
                stale.extend(p.stale.drain());
            }
        }
        for batch in stale.chunks(BATCH) {
            for id in batch {
                inner.records.remove(id);
            }
            let chunks = store.load(batch).await?;
            let parsed = tokio::task::spawn_blocking(move || parse(chunks))
                .await
                .context("parsing records")?;
            for (id, record) in parsed {
                inner.records.insert(id, Arc::new(record));
            }
        }
        Ok(projects
            .iter()
            .filter_map(|p| inner.projects.get(p))
            .flat_map(|p| &p.documents)
            .filter_map(|id| Some((*id, inner.records.get(id)?.clone())))
            .collect())
    }
}

impl Inner {
    /// Marks what the commits since the last report changed to be read again (a new
    /// record joins its project). Past the broadcast's backlog, everything is.
    async fn take_commits(&mut self, store: &Store) -> anyhow::Result<()> {
        let mut changed = BTreeSet::new();
        loop {
            match self.commits.try_recv() {
                Ok(ids) => changed.extend(ids.iter().copied()),
                Err(broadcast::error::TryRecvError::Lagged(_)) => {
                    self.records.clear();
                    self.projects.clear();
                }
                Err(_) => break,
            }
        }
        if changed.is_empty() || self.projects.is_empty() {
            return Ok(());
        }
        let changed: Vec<DocumentId> = changed.into_iter().collect();
        for batch in changed.chunks(BATCH) {
            for (id, project) in projects_of(store, batch).await? {
                if let Some(p) = self.projects.get_mut(&project) {
                    p.documents.insert(id);
                    p.stale.insert(id);
                }
            }
        }
        Ok(())
    }
}

/// The SQL naming the project of documents: records by their area, calendars by the
/// areas they rule; each kind filtered by its own condition.
fn belonging(records: &str, calendars: &str) -> String {
    format!(
        "SELECT r.doc_id, a.project_id FROM records r JOIN areas a ON a.id = r.area_id
         WHERE {records}
         UNION
         SELECT c.project_doc, a.project_id FROM project_calendars c
         JOIN areas a ON a.id = c.area_id WHERE {calendars}"
    )
}

/// Every document of `project`.
async fn members(store: &Store, project: &str) -> sqlx::Result<HashSet<DocumentId>> {
    let sql = belonging("a.project_id = $1", "a.project_id = $1");
    let rows: Vec<(String, String)> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(project)
        .fetch_all(store.pool())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, _)| id.parse().ok())
        .collect())
}

/// The project of each of `ids` that belongs to one.
async fn projects_of(store: &Store, ids: &[DocumentId]) -> sqlx::Result<Vec<(DocumentId, String)>> {
    let marks = store::marks(1, ids.len());
    let sql = belonging(
        &format!("r.doc_id IN ({marks})"),
        &format!("c.project_doc IN ({marks})"),
    );
    let mut query = sqlx::query_as::<_, (String, String)>(AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(id.to_string());
    }
    Ok(query
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .filter_map(|(id, project)| Some((id.parse().ok()?, project)))
        .collect())
}

/// Every record among `chunks`; a document that is no record, or does not read, is left
/// out (the projection logs the second kind when it is stored).
fn parse(chunks: Chunks) -> Vec<(DocumentId, AnyRecord)> {
    chunks
        .into_iter()
        .filter_map(|(id, chunks)| {
            let doc = store::assemble(id, chunks);
            match AnyRecord::from_doc(&doc) {
                Ok(record) => record.map(|r| (id, r)),
                Err(e) => {
                    tracing::debug!(document = %id, "left out of the report: {e}");
                    None
                }
            }
        })
        .collect()
}
