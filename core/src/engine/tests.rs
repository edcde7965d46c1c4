//! Storage behaviour of the engine: chunking, reloads, shared storage, eviction.

use automerge::{ROOT, ReadDoc, transaction::Transactable};

use super::*;
use crate::storage::ChunkKind;

fn kinds(ops: &[StorageOp]) -> Vec<(&'static str, ChunkKind)> {
    ops.iter()
        .map(|op| match op {
            StorageOp::Put(k, _) => ("put", k.kind),
            StorageOp::Delete(k) => ("delete", k.kind),
        })
        .collect()
}

/// The chunks a flush wrote.
fn puts(ops: Vec<StorageOp>) -> Vec<(StorageKey, Vec<u8>)> {
    ops.into_iter()
        .filter_map(|op| match op {
            StorageOp::Put(k, v) => Some((k, v)),
            StorageOp::Delete(_) => None,
        })
        .collect()
}

#[test]
fn small_edits_go_to_incremental_chunks_until_they_outgrow_the_snapshot() {
    let mut engine = Engine::new(Config::new(Role::Client, "phone"));
    let id = DocumentId::from_bytes([5; 16]);
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "notes", "x".repeat(2_000)).expect("put");
    engine.create(id, doc).expect("created");
    // The first save is a snapshot (there is nothing to compare against).
    assert_eq!(
        kinds(&engine.flush().storage),
        vec![("put", ChunkKind::Snapshot)]
    );
    engine
        .change(id, |d| d.put(ROOT, "n", 1))
        .expect("loaded")
        .expect("put");
    assert_eq!(
        kinds(&engine.flush().storage),
        vec![("put", ChunkKind::Incremental)]
    );
    // A large edit outgrows the snapshot: one new snapshot replaces every older chunk.
    engine
        .change(id, |d| d.put(ROOT, "notes", "y".repeat(5_000)))
        .expect("loaded")
        .expect("put");
    assert_eq!(
        kinds(&engine.flush().storage),
        vec![
            ("put", ChunkKind::Snapshot),
            ("delete", ChunkKind::Snapshot),
            ("delete", ChunkKind::Incremental)
        ]
    );
    // Nothing changed, nothing written.
    assert!(engine.flush().storage.is_empty());
}

#[test]
fn an_engine_that_does_not_save_writes_nothing_and_still_tells_of_changes() {
    let mut config = Config::new(Role::Client, "phone");
    config.saves = false;
    let mut engine = Engine::new(config);
    let id = DocumentId::from_bytes([8; 16]);
    engine.create(id, AutoCommit::new()).expect("created");
    let changed = |effects: &Effects| {
        let told = effects.events.iter();
        told.filter(|e| matches!(e, Event::DocChanged { document } if *document == id))
            .count()
    };
    let first = engine.flush();
    assert!(first.storage.is_empty());
    engine
        .change(id, |d| d.put(ROOT, "n", 1))
        .expect("loaded")
        .expect("put");
    let edited = engine.flush();
    assert!(edited.storage.is_empty());
    assert_eq!(changed(&edited), 1);
    assert_eq!(changed(&engine.flush()), 0, "told once per change");
}

#[test]
fn a_reloaded_document_is_saved_incrementally_not_rewritten() {
    let mut engine = Engine::new(Config::new(Role::Client, "phone"));
    let id = DocumentId::from_bytes([6; 16]);
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "notes", "x".repeat(2_000)).expect("put");
    engine.create(id, doc).expect("created");
    let chunks = puts(engine.flush().storage);
    let mut again = Engine::new(Config::new(Role::Client, "phone"));
    again.loaded(id, chunks);
    again
        .change(id, |d| d.put(ROOT, "n", 1))
        .expect("loaded")
        .expect("put");
    let ops = again.flush().storage;
    assert_eq!(kinds(&ops), vec![("put", ChunkKind::Incremental)]);
    let StorageOp::Put(_, bytes) = &ops[0] else {
        unreachable!()
    };
    assert!(
        bytes.len() < 500,
        "only the new change is written, not the whole history ({} bytes)",
        bytes.len()
    );
}

#[test]
fn a_document_whose_writes_failed_is_written_whole_at_the_next_flush() {
    let mut engine = Engine::new(Config::new(Role::Client, "phone"));
    let id = DocumentId::from_bytes([7; 16]);
    let mut doc = AutoCommit::new();
    // Large (and not compressible) enough that an edit is written as an increment, not
    // a new snapshot.
    let notes: String = (0..2_000u32)
        .map(|i| char::from(b'a' + (i.wrapping_mul(2_654_435_761) >> 27) as u8 % 26))
        .collect();
    doc.put(ROOT, "notes", notes).expect("put");
    engine.create(id, doc).expect("created");
    let mut store = crate::storage::MemoryStore::new();
    crate::storage::apply_in_memory(&mut store, engine.flush().storage);
    let edit = |engine: &mut Engine, n: i64| {
        engine
            .change(id, |d| d.put(ROOT, "n", n))
            .expect("loaded")
            .expect("put");
    };
    edit(&mut engine, 1);
    // This batch never reaches the disk.
    let lost = engine.flush().storage;
    assert_eq!(kinds(&lost), vec![("put", ChunkKind::Incremental)]);
    engine.storage_failed([id]);
    edit(&mut engine, 2);
    crate::storage::apply_in_memory(&mut store, engine.flush().storage);
    let mut again = Engine::new(Config::new(Role::Client, "phone"));
    again.loaded(id, crate::storage::chunks_in_memory(&store, id));
    let told = again.flush().events;
    assert!(
        !told
            .iter()
            .any(|e| matches!(e, Event::StorageDamaged { .. })),
        "nothing left out: {told:?}"
    );
    let reread = again.doc_mut(id).expect("loaded");
    assert_eq!(
        reread
            .get(ROOT, "n")
            .expect("read")
            .and_then(|(v, _)| v.as_i64()),
        Some(2),
        "the edit before the failure and the one after are both on disk"
    );
    assert_eq!(
        reread.get_heads(),
        engine.doc_mut(id).expect("loaded").get_heads()
    );
}

#[test]
fn changes_another_server_stored_are_taken_in_without_being_written_again() {
    let id = DocumentId::from_bytes([7; 16]);
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "n", 1).expect("put");
    let mut one = Engine::new(Config::new(Role::Server, "one"));
    let mut two = Engine::new(Config::new(Role::Server, "two"));
    one.create(id, doc).expect("created");
    let first = puts(one.flush().storage);
    two.loaded(id, first.clone());
    two.flush();

    one.change(id, |d| d.put(ROOT, "n", 2))
        .expect("loaded")
        .expect("put");
    let second = puts(one.flush().storage);
    // Node two reads every chunk of the document, old and new.
    let all: Vec<_> = first.into_iter().chain(second).collect();
    assert!(two.stored_elsewhere(id, all.clone()));
    let value = two
        .doc_mut(id)
        .expect("loaded")
        .get(ROOT, "n")
        .expect("get");
    assert_eq!(value.map(|(v, _)| v.as_i64()), Some(Some(2)));
    let effects = two.flush();
    assert!(
        effects.storage.is_empty(),
        "already stored: {:?}",
        kinds(&effects.storage)
    );
    assert!(
        effects.events.is_empty(),
        "not a change of its own to project"
    );
    // The same chunks again change nothing; a document not in memory is left alone.
    assert!(!two.stored_elsewhere(id, all.clone()));
    assert!(!two.stored_elsewhere(DocumentId::from_bytes([8; 16]), all));
    assert!(!two.holds(DocumentId::from_bytes([8; 16])));
}

#[test]
fn documents_nobody_syncs_are_evicted_once_idle() {
    let mut config = Config::new(Role::Server, "server");
    config.evict_after_ms = 1_000;
    let mut engine = Engine::new(config);
    let id = DocumentId::from_bytes([9; 16]);
    engine.tick(10_000);
    engine.create(id, AutoCommit::new()).expect("created");
    engine.flush();
    engine.tick(10_500);
    assert_eq!(engine.resident(), 1, "used half a second ago");
    engine.tick(11_001);
    assert_eq!(engine.resident(), 0, "idle past the limit");
    assert!(!engine.holds(id));
}

/// A phone and a server, neither connected yet.
fn phone_and_server() -> (Engine, Engine) {
    (
        Engine::new(Config::new(Role::Client, "phone")),
        Engine::new(Config::new(Role::Server, "server")),
    )
}

/// A document holding one number, `n` = 0.
fn counter() -> AutoCommit {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "n", 0).expect("put");
    doc
}

/// Frames one engine sent, to hand to the other.
fn frames(effects: Effects) -> Vec<Vec<u8>> {
    effects.sends.into_iter().map(|(_, f)| f).collect()
}

/// Passes frames between a connected phone (connection 1) and server for `rounds` round
/// trips, loading as empty whatever the server asks for; `after` runs after every frame
/// the phone takes in.
fn exchange(
    phone: &mut Engine,
    server: &mut Engine,
    rounds: usize,
    mut after: impl FnMut(&mut Engine, &mut Engine),
) {
    let mut to_server = frames(phone.flush());
    for _ in 0..rounds {
        for f in std::mem::take(&mut to_server) {
            server.receive(1, &f, 0);
        }
        let effects = server.flush();
        let loads = effects.loads.clone();
        let answers = frames(effects);
        for doc in loads {
            server.loaded(doc, Vec::new());
        }
        for f in answers.into_iter().chain(frames(server.flush())) {
            phone.receive(1, &f, 0);
            after(phone, server);
        }
        to_server = frames(phone.flush());
    }
}

#[test]
fn the_server_acknowledges_changes_even_after_a_bare_message_names_its_heads() {
    let (phone_conn, server_conn) = (1, 1);
    let (mut phone, mut server) = phone_and_server();
    let id = DocumentId::from_bytes([10; 16]);
    phone.create(id, counter()).expect("created");
    phone.connect(phone_conn, 0);
    server.connect(server_conn, 0);
    // Handshake and first sync, until nothing moves.
    exchange(&mut phone, &mut server, 10, |_, _| {});
    assert!(phone.unconfirmed().is_empty(), "first sync done");
    phone
        .change(id, |d| d.put(ROOT, "n", 1))
        .expect("loaded")
        .expect("put");
    let first = frames(phone.flush());
    for f in first {
        server.receive(server_conn, &f, 0);
    }
    let answer = frames(server.flush());
    // A second change leaves before the answer to the first arrives.
    phone
        .change(id, |d| d.put(ROOT, "n", 2))
        .expect("loaded")
        .expect("put");
    let second = frames(phone.flush());
    for f in answer {
        phone.receive(phone_conn, &f, 0);
    }
    // Automerge's reply to the answer names the phone's heads and carries no changes.
    let bare = frames(phone.flush());
    for f in second.into_iter().chain(bare) {
        server.receive(server_conn, &f, 0);
    }
    for f in frames(server.flush()) {
        phone.receive(phone_conn, &f, 0);
    }
    assert!(
        phone.unconfirmed().is_empty(),
        "the phone heard that both changes are stored"
    );
}

/// A phone that made a document while offline hears it confirmed only once the server
/// holds every change of it: never from an answer the server gave before it had them.
#[test]
fn a_document_made_offline_is_confirmed_only_once_the_server_holds_it() {
    let (mut phone, mut server) = phone_and_server();
    let made = DocumentId::from_bytes([11; 16]);
    phone.create(made, counter()).expect("created");
    for n in 1..5 {
        phone
            .change(made, |d| d.put(ROOT, "n", n))
            .expect("loaded")
            .expect("put");
    }
    let _ = phone.flush();
    phone.connect(1, 0);
    server.connect(1, 0);
    exchange(&mut phone, &mut server, 12, |phone, server| {
        if !phone.unconfirmed().contains(&made) {
            let held = server
                .doc_mut(made)
                .map(|d| d.get_heads())
                .unwrap_or_default();
            let mine = phone.doc_mut(made).expect("held").get_heads();
            assert_eq!(held, mine, "confirmed before the server held it");
        }
    });
    assert!(phone.unconfirmed().is_empty(), "confirmed in the end");
}

/// `holds_unsent`, which the phone asks after every batch to choose how durably to write,
/// agrees with `unconfirmed` at every step: a document only received never counts, one
/// changed here counts until the server confirms it.
#[test]
fn a_phone_holds_something_unsent_exactly_while_a_change_made_here_is_unconfirmed() {
    let (mut phone, mut server) = phone_and_server();
    let theirs = DocumentId::from_bytes([12; 16]);
    server.create(theirs, counter()).expect("created");
    let _ = server.flush();
    assert!(!phone.holds_unsent(), "an empty phone holds nothing");
    phone.want(theirs);
    phone.loaded(theirs, Vec::new());
    phone.connect(1, 0);
    server.connect(1, 0);
    let agrees = |phone: &mut Engine| {
        let unsent = !phone.unconfirmed().is_empty();
        assert_eq!(
            phone.holds_unsent(),
            unsent,
            "holds_unsent agrees with unconfirmed"
        );
        unsent
    };
    exchange(&mut phone, &mut server, 12, |phone, _| {
        agrees(phone);
    });
    assert!(
        phone.holds(theirs),
        "the phone received the server's document"
    );
    assert!(!agrees(&mut phone), "what was only received is not unsent");

    phone
        .change(theirs, |d| d.put(ROOT, "n", 1))
        .expect("loaded")
        .expect("put");
    assert!(agrees(&mut phone), "a change made here is unsent");
    exchange(&mut phone, &mut server, 12, |phone, _| {
        agrees(phone);
    });
    assert!(
        !agrees(&mut phone),
        "confirmed by the server, nothing is unsent"
    );
}

/// A new record and the index entry that lists it: the server never holds the entry
/// without the record, whatever moment it stops at.
#[test]
fn an_index_entry_reaches_the_server_only_after_the_new_record_it_lists() {
    let (mut phone, mut server) = phone_and_server();
    let index = DocumentId::from_bytes([12; 16]);
    let record = DocumentId::from_bytes([13; 16]);
    let mut doc = AutoCommit::new();
    doc.put_object(ROOT, "entries", automerge::ObjType::Map)
        .expect("put");
    phone.create(index, doc).expect("created");
    phone.send_after_new_records(index);
    phone.connect(1, 0);
    server.connect(1, 0);
    exchange(&mut phone, &mut server, 10, |_, _| {});
    assert!(phone.unconfirmed().is_empty(), "the index is shared");

    let mut doc = AutoCommit::new();
    doc.put(ROOT, "notes", "new").expect("put");
    phone.create(record, doc).expect("created");
    phone
        .change(index, |d| {
            let (_, entries) = d.get(ROOT, "entries")?.expect("entries");
            d.put(&entries, record.to_string(), "inspection")
        })
        .expect("loaded")
        .expect("put");
    let mut listed_at = None;
    let mut round = 0;
    exchange(&mut phone, &mut server, 10, |_, server| {
        round += 1;
        let Ok(index) = server.doc(index) else {
            return;
        };
        let listed = index
            .get(ROOT, "entries")
            .ok()
            .flatten()
            .and_then(|(_, entries)| index.get(&entries, record.to_string()).ok().flatten())
            .is_some();
        if listed {
            listed_at.get_or_insert(round);
            let stored = server
                .doc(record)
                .map(|d| d.get(ROOT, "notes").ok().flatten());
            assert!(
                matches!(stored, Ok(Some(_))),
                "the server lists a record it does not hold"
            );
        }
    });
    assert!(listed_at.is_some(), "the entry arrived in the end");
    assert!(phone.unconfirmed().is_empty(), "both acknowledged");
}

/// Every frame both ways between a server and its phones (connection n is phone n-1),
/// loads answered from the server's storage (a phone's as empty), until quiet.
/// Runs the exchange until nothing moves; what the server sent, in order.
fn settle(
    server: &mut Engine,
    phones: &mut [Engine; 2],
    disk: &mut crate::storage::MemoryStore,
    now: u64,
) -> Vec<(ConnId, Vec<u8>)> {
    settle_keeping(server, phones, disk, &mut Default::default(), now)
}

/// [`settle`], keeping what each phone writes on its own disk.
fn settle_keeping(
    server: &mut Engine,
    phones: &mut [Engine; 2],
    disk: &mut crate::storage::MemoryStore,
    phone_disks: &mut [crate::storage::MemoryStore; 2],
    now: u64,
) -> Vec<(ConnId, Vec<u8>)> {
    let mut sent = Vec::new();
    for _ in 0..20 {
        let mut moved = false;
        for ((conn, phone), phone_disk) in (1..).zip(phones.iter_mut()).zip(phone_disks.iter_mut())
        {
            let effects = phone.flush();
            crate::storage::apply_in_memory(phone_disk, effects.storage.clone());
            for doc in effects.loads.clone() {
                // A phone that never held it: nothing on its disk.
                phone.loaded(doc, Vec::new());
                moved = true;
            }
            for f in frames(effects) {
                server.receive(conn, &f, now);
                moved = true;
            }
        }
        let effects = server.flush();
        crate::storage::apply_in_memory(disk, effects.storage);
        for doc in effects.loads {
            // Who may read it is known beside it (everyone, here), as on the real server.
            let chunks = crate::storage::chunks_in_memory(disk, doc);
            server.loaded_with(doc, chunks, Some(()));
            moved = true;
        }
        for (conn, frame) in effects.sends {
            phones[conn as usize - 1].receive(1, &frame, now);
            sent.push((conn, frame));
            moved = true;
        }
        if !moved {
            return sent;
        }
    }
    panic!("the exchange did not settle");
}

/// Two phones, a and b; a has made `count` documents, the n-th holding `n` under "n".
fn phones_with_numbered_documents(count: u8, first: u8) -> ([Engine; 2], Vec<DocumentId>) {
    let mut phones = [
        Engine::new(Config::new(Role::Client, "a")),
        Engine::new(Config::new(Role::Client, "b")),
    ];
    let ids: Vec<DocumentId> = (0..count)
        .map(|n| DocumentId::from_bytes([n + first; 16]))
        .collect();
    for (n, id) in ids.iter().enumerate() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "n", n as i64).expect("put");
        phones[0].create(*id, doc).expect("created");
    }
    (phones, ids)
}

/// Phone a's five numbered documents (from `first`), synced to a server's disk.
fn stored_by_phone_a(
    first: u8,
) -> (
    crate::storage::MemoryStore,
    Engine,
    [Engine; 2],
    Vec<DocumentId>,
) {
    let mut disk = crate::storage::MemoryStore::new();
    let (mut phones, ids) = phones_with_numbered_documents(5, first);
    let mut server = Engine::new(Config::new(Role::Server, "server"));
    phones[0].connect(1, 0);
    server.connect(1, 0);
    settle(&mut server, &mut phones, &mut disk, 0);
    (disk, server, phones, ids)
}

/// A restarted server holds nothing in memory. A phone that has nothing gets every
/// document straight from its stored snapshot, and a phone that has them all hears that
/// the server has the same: neither makes the server load a document. The first change
/// after that is read, stored and relayed as ever.
#[test]
fn phones_with_nothing_or_everything_are_answered_from_storage_without_loading() {
    let (mut disk, _, mut phones, ids) = stored_by_phone_a(40);
    assert!(phones[0].unconfirmed().is_empty(), "every document stored");

    // Restarted: both phones connect; b asks for every document.
    let mut server = Engine::new(Config::new(Role::Server, "server"));
    phones[0].disconnect(1);
    for (conn, phone) in (1..).zip(phones.iter_mut()) {
        phone.connect(1, 10);
        server.connect(conn, 10);
    }
    for id in &ids {
        phones[1].want(*id);
    }
    settle(&mut server, &mut phones, &mut disk, 10);
    assert_eq!(server.resident(), 0, "nothing loaded");
    // Nor by b: it keeps each document as it came, acknowledged from its heads.
    assert_eq!(phones[1].unread(), ids.len(), "b read none of them");
    for (n, id) in ids.iter().enumerate() {
        assert!(server.follows(*id), "both phones follow {id}");
        let doc = phones[1].doc(*id).expect("b holds it");
        let (value, _) = doc.get(ROOT, "n").expect("read").expect("n");
        assert_eq!(value.as_i64(), Some(n as i64));
    }
    assert!(phones[1].unconfirmed().is_empty());
    assert_eq!(phones[1].unread(), 0, "read once asked for");

    // b's change is read, stored, and reaches a.
    phones[1]
        .change(ids[0], |d| d.put(ROOT, "n", 100))
        .expect("loaded")
        .expect("put");
    settle(&mut server, &mut phones, &mut disk, 20);
    assert!(phones[1].unconfirmed().is_empty(), "stored");
    let (value, _) = phones[0]
        .doc(ids[0])
        .expect("a holds it")
        .get(ROOT, "n")
        .expect("read")
        .expect("n");
    assert_eq!(value.as_i64(), Some(100));
    assert_eq!(server.resident(), 1, "only the changed document was read");
}

/// A first sync stores each document once, as the server sent it, with no sync state
/// beside it: the snapshot is the proof that the server holds it. A phone restarted from
/// that disk holds nothing unsent; one that also holds a change made here, never
/// confirmed, counts it as unsent.
#[test]
fn a_first_sync_stores_each_document_once_and_a_restart_knows_the_server_holds_it() {
    let (mut disk, mut server, mut phones, ids) = stored_by_phone_a(60);

    let mut phone_disks = <[crate::storage::MemoryStore; 2]>::default();
    phones[1].connect(1, 10);
    server.connect(2, 10);
    for id in &ids {
        phones[1].want(*id);
    }
    settle_keeping(&mut server, &mut phones, &mut disk, &mut phone_disks, 10);
    let stored: Vec<&StorageKey> = phone_disks[1].keys().collect();
    assert_eq!(stored.len(), ids.len(), "one chunk a document: {stored:?}");
    assert!(stored.iter().all(|k| k.is_served()), "{stored:?}");

    let restarted = |disk: &crate::storage::MemoryStore| {
        let mut phone = Engine::new(Config::new(Role::Client, "b"));
        for id in &ids {
            phone.want(*id);
            phone.loaded(*id, crate::storage::chunks_in_memory(disk, *id));
        }
        phone
    };
    let mut phone = restarted(&phone_disks[1]);
    assert!(
        phone.unconfirmed().is_empty(),
        "the server holds all it sent"
    );
    assert!(!phone.holds_unsent());

    // A change made here, stored, never sent: after a restart it is still unsent.
    phone
        .change(ids[0], |d| d.put(ROOT, "n", 7))
        .expect("loaded")
        .expect("put");
    crate::storage::apply_in_memory(&mut phone_disks[1], phone.flush().storage);
    let mut phone = restarted(&phone_disks[1]);
    assert_eq!(phone.unconfirmed(), vec![ids[0]], "the change is unsent");
    assert!(phone.holds_unsent());
}

/// A phone that has loaded all it stores (as the app does on opening) asks the server
/// for a document it wants without reading storage first, and gets it whole.
#[test]
fn a_phone_that_has_loaded_all_it_stores_asks_without_reading_storage() {
    let (mut disk, mut server, mut phones, ids) = stored_by_phone_a(80);
    phones[1].all_stored_loaded();
    phones[1].connect(1, 10);
    server.connect(2, 10);
    for id in &ids {
        phones[1].want(*id);
        assert!(phones[1].holds(*id), "{id} made empty at once, not read");
    }
    assert!(phones[1].flush().loads.is_empty(), "nothing to read");
    // The frames of that flush were dropped: the next connection asks again.
    phones[1].disconnect(1);
    server.disconnect(2);
    phones[1].connect(1, 20);
    server.connect(2, 20);
    settle(&mut server, &mut phones, &mut disk, 20);
    for (n, id) in ids.iter().enumerate() {
        let doc = phones[1].doc(*id).expect("held");
        let (value, _) = doc.get(ROOT, "n").expect("read").expect("n");
        assert_eq!(value.as_i64(), Some(n as i64), "{id} arrived");
    }

    // A server never takes a document as unstored.
    let mut server = Engine::new(Config::new(Role::Server, "server"));
    server.all_stored_loaded();
    server.want(ids[0]);
    assert_eq!(server.flush().loads, vec![ids[0]], "read from storage");
}

/// Two phones follow a document; the server lets it go while both stay connected and
/// idle, keeping only who follows it. A change from one phone is read back and reaches
/// the other, and so does a change another server stored.
#[test]
fn a_followed_document_rests_when_idle_and_its_followers_still_hear_every_change() {
    let mut config = Config::new(Role::Server, "server");
    config.evict_after_ms = 1_000;
    let mut server = Engine::new(config);
    let mut disk = crate::storage::MemoryStore::new();
    let mut phones = [
        Engine::new(Config::new(Role::Client, "a")),
        Engine::new(Config::new(Role::Client, "b")),
    ];
    let id = DocumentId::from_bytes([12; 16]);
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "n", 0).expect("put");
    phones[0].create(id, doc).expect("created");
    phones[1].want(id);
    let mut now = 10_000;
    for (conn, phone) in (1..).zip(phones.iter_mut()) {
        phone.connect(1, now);
        server.connect(conn, now);
    }
    settle(&mut server, &mut phones, &mut disk, now);
    let read = |phone: &Engine| -> i64 {
        let doc = phone.doc(id).expect("held");
        let (value, _) = doc.get(ROOT, "n").expect("read").expect("n");
        value.as_i64().expect("a number")
    };
    assert_eq!(read(&phones[1]), 0, "b has the document");

    now += 1_500;
    server.tick(now);
    assert_eq!(server.resident(), 0, "idle past the limit: let go of");
    assert!(
        server.follows(id) && !server.holds(id),
        "but still followed"
    );

    phones[0]
        .change(id, |d| d.put(ROOT, "n", 1))
        .expect("loaded")
        .expect("put");
    let sent = settle(&mut server, &mut phones, &mut disk, now);
    assert_eq!(
        read(&phones[1]),
        1,
        "b heard a's change through the rested document"
    );
    // b held exactly the stored heads when the document came to rest: the server's first
    // message to it carries the change, rather than asking what b has.
    let to_b = sent
        .iter()
        .find_map(|(conn, frame)| match Message::decode(frame) {
            Ok(Message::Sync { data, .. }) if *conn == 2 => Some(data),
            _ => None,
        });
    let first = sync::Message::decode(&to_b.expect("b heard")).expect("decodes");
    assert_eq!(first.changes.len(), 1, "the change in the first message");
    assert!(phones[0].unconfirmed().is_empty(), "a heard it stored");

    // Rested again; another server sharing the storage stores a change.
    now += 1_500;
    server.tick(now);
    assert!(!server.holds(id));
    let mut other = AutoCommit::load(
        &crate::storage::chunks_in_memory(&disk, id)
            .into_iter()
            .flat_map(|(_, b)| b)
            .collect::<Vec<_>>(),
    )
    .expect("loads");
    other.put(ROOT, "n", 2).expect("put");
    disk.clear();
    let key = StorageKey {
        document: id,
        kind: ChunkKind::Snapshot,
        name: "elsewhere".into(),
    };
    let saved = other.save();
    disk.insert(key.clone(), saved.clone());
    assert!(!server.stored_elsewhere(id, vec![(key, saved)]));
    settle(&mut server, &mut phones, &mut disk, now);
    assert_eq!(read(&phones[0]), 2);
    assert_eq!(read(&phones[1]), 2);

    // Once both phones are gone, nothing of it is kept.
    server.disconnect(1);
    server.disconnect(2);
    now += 1_500;
    server.tick(now);
    assert!(!server.follows(id));
}

/// With room for ten documents, a phone's thirty are all stored and acknowledged and
/// reach a second phone, while the server never holds more than ten after a flush.
#[test]
fn past_its_capacity_the_server_rests_the_least_recently_used_and_loses_nothing() {
    let mut config = Config::new(Role::Server, "server");
    config.max_resident = Some(10);
    let mut server = Engine::new(config);
    let mut disk = crate::storage::MemoryStore::new();
    let (mut phones, ids) = phones_with_numbered_documents(30, 100);
    for (conn, phone) in (1..).zip(phones.iter_mut()) {
        phone.connect(1, 0);
        server.connect(conn, 0);
    }
    settle(&mut server, &mut phones, &mut disk, 0);
    assert!(server.resident() <= 10, "{} held", server.resident());
    assert!(phones[0].unconfirmed().is_empty(), "every document stored");
    for id in &ids {
        phones[1].want(*id);
    }
    settle(&mut server, &mut phones, &mut disk, 0);
    assert!(server.resident() <= 10, "{} held", server.resident());
    for (n, id) in ids.iter().enumerate() {
        let doc = phones[1].doc(*id).expect("b holds it");
        let (value, _) = doc.get(ROOT, "n").expect("read").expect("n");
        assert_eq!(value.as_i64(), Some(n as i64));
    }
}

/// A document the host holds (an API edit waits for it) stays in memory past capacity
/// and past idleness, however many others load meanwhile, until it is released.
#[test]
fn a_held_document_stays_in_memory_until_released() {
    let mut config = Config::new(Role::Server, "server");
    config.max_resident = Some(2);
    config.evict_after_ms = 1_000;
    let mut server = Engine::new(config);
    let mut disk = crate::storage::MemoryStore::new();
    let ids: Vec<DocumentId> = (0..8u8)
        .map(|n| DocumentId::from_bytes([n + 1; 16]))
        .collect();
    for (n, id) in ids.iter().enumerate() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "n", n as i64).expect("put");
        server.create(*id, doc).expect("created");
    }
    crate::storage::apply_in_memory(&mut disk, server.flush().storage);
    let load = |server: &mut Engine, now: u64| {
        server.tick(now);
        let effects = server.flush();
        for doc in effects.loads {
            server.loaded(doc, crate::storage::chunks_in_memory(&disk, doc));
        }
        server.flush();
    };
    server.hold(ids[0]);
    server.hold(ids[0]);
    load(&mut server, 10);
    // The held one is now the least recently used of eight wanted one after another.
    for (now, id) in (20..).step_by(10).zip(&ids[1..]) {
        server.want(*id);
        load(&mut server, now);
        assert!(server.holds(ids[0]), "kept while {id} loads");
    }
    load(&mut server, 60_000);
    assert!(server.holds(ids[0]), "kept while idle");
    server.release(ids[0]);
    load(&mut server, 120_000);
    assert!(server.holds(ids[0]), "one hold is left");
    server.release(ids[0]);
    load(&mut server, 180_000);
    assert!(!server.holds(ids[0]), "rests once released");
}

/// Two changes by `actor` on top of `base`, writing `label`: sequence numbers 1 and 2.
fn two_changes(base: &AutoCommit, actor: &ActorId, label: &str) -> Vec<automerge::Change> {
    let mut doc = base.clone().with_actor(actor.clone());
    let heads = doc.get_heads();
    doc.put(ROOT, "first", label).expect("put");
    doc.commit();
    doc.put(ROOT, "second", label).expect("put");
    doc.commit();
    doc.get_changes(&heads).into_iter().collect()
}

#[test]
fn a_change_held_without_its_dependency_is_never_stored_nor_kept_on_load() {
    let id = DocumentId::from_bytes([10; 16]);
    let mut base = AutoCommit::new();
    base.put(ROOT, "kind", "note").expect("put");
    let actor = ActorId::from([0xab; 16]);
    let gone = two_changes(&base, &actor, "gone");
    // The second change arrives without the first: automerge holds it, unapplied.
    let mut engine = Engine::new(Config::new(Role::Server, "server"));
    engine.create(id, base.clone()).expect("created");
    let held = engine.doc_mut(id).expect("loaded");
    held.apply_changes([gone[1].clone()]).expect("held");
    assert!(!held.get_missing_deps(&[]).is_empty(), "held, not applied");
    let snapshot = puts(engine.flush().storage);
    let reread = AutoCommit::load(&snapshot[0].1).expect("loads");
    assert!(reread.get_missing_deps(&[]).is_empty(), "not stored");

    // A snapshot written the old way keeps it; loading leaves it out, so the same actor's
    // real changes (the same sequence numbers, other content) still go in and still load.
    let mut old = base.clone();
    old.apply_changes([gone[1].clone()]).expect("held");
    let old_chunks = vec![(StorageKey::snapshot(id, &old.get_heads()), old.save())];
    let mut again = Engine::new(Config::new(Role::Server, "server"));
    again.loaded(id, old_chunks.clone());
    let told = again.flush().events;
    assert!(
        told.iter()
            .any(|e| matches!(e, Event::StorageDamaged { document, .. } if *document == id)),
        "the host is told what was left out"
    );
    let doc = again.doc_mut(id).expect("loaded");
    assert!(doc.get_missing_deps(&[]).is_empty());
    doc.apply_changes(two_changes(&base, &actor, "kept"))
        .expect("the actor's real changes go in");
    // A change of its own marks the document for saving.
    again
        .change(id, |d| d.put(ROOT, "seen", true))
        .expect("loaded")
        .expect("put");
    let mut store = crate::storage::MemoryStore::new();
    crate::storage::apply_in_memory(
        &mut store,
        vec![StorageOp::Put(
            old_chunks[0].0.clone(),
            old_chunks[0].1.clone(),
        )],
    );
    crate::storage::apply_in_memory(&mut store, again.flush().storage);
    let mut third = Engine::new(Config::new(Role::Server, "server"));
    third.loaded(id, crate::storage::chunks_in_memory(&store, id));
    let second = third
        .doc_mut(id)
        .expect("loaded")
        .get(ROOT, "second")
        .expect("get");
    assert_eq!(
        second.map(|(v, _)| v.into_string().ok()),
        Some(Some("kept".into()))
    );
}

/// A phone sends a sync message carrying a malformed bundle chunk, on which Automerge's
/// parser panics (found by fuzzing `record_parse`): the server refuses that connection
/// and goes on serving.
#[test]
fn a_sync_message_automerge_panics_on_is_refused_and_the_server_goes_on() {
    let bundle = include_bytes!("../../../fuzz/regressions/record_parse/malformed-bundle");
    let (mut phone, mut server) = phone_and_server();
    phone.connect(1, 0);
    server.connect(1, 0);
    exchange(&mut phone, &mut server, 3, |_, _| {});
    let data = sync::Message {
        heads: Vec::new(),
        need: Vec::new(),
        have: Vec::new(),
        changes: bundle.to_vec().into(),
        flags: None,
        version: sync::MessageVersion::V2,
    }
    .encode();
    let id = DocumentId::from_bytes([14; 16]);
    let frame = Message::Sync {
        sender: PeerId::new("phone"),
        target: PeerId::new("server"),
        document: id,
        data,
    };
    server.receive(1, &frame.encode(), 0);
    for wanted in server.flush().loads {
        server.loaded(wanted, Vec::new());
    }
    let effects = server.flush();
    assert_eq!(effects.closes, vec![1], "the sender is cut off");
    assert!(effects.storage.is_empty(), "nothing of it is stored");
    // Another phone is served as before.
    let mut other = Engine::new(Config::new(Role::Client, "other"));
    server.connect(2, 0);
    other.connect(2, 0);
    for f in frames(other.flush()) {
        server.receive(2, &f, 0);
    }
    assert!(
        server.ready_conns().any(|c| c == 2),
        "the server still answers"
    );
}
