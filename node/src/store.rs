//! The node's database: SQLite (what stellar-rpc itself stores its ledgers, transactions and
//! events in). One SQL transaction per closed ledger, so a crash never leaves half a ledger and
//! a restart resumes at the last one closed.
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use soroban_env_host::xdr::{LedgerEntry, LedgerHeader};

use crate::{
    state::{State, Stored},
    xdr::{decode, encode},
};

/// What the `node` table says a database is.
const SCHEMA: &str = "hashshare-node 1";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} is not a hashshare node database ({1})")]
    Foreign(String, String),
    #[error("{0} belongs to another network (passphrase {1:?})")]
    OtherNetwork(String, String),
    #[error("{0} is corrupt: {1}")]
    Corrupt(String, String),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

pub struct Store {
    conn: Connection,
}

/// A transaction as stored, in the ledger it was applied in.
#[derive(Clone, Debug)]
pub struct TxRow {
    pub hash: [u8; 32],
    pub ledger: u32,
    pub application_order: u32,
    pub envelope: Vec<u8>,
    pub result: Vec<u8>,
    pub meta: Vec<u8>,
    pub fee_bump: bool,
    pub success: bool,
    pub close_time: u64,
}

/// A ledger as stored.
#[derive(Clone, Debug)]
pub struct LedgerRow {
    pub seq: u32,
    pub hash: [u8; 32],
    pub close_time: u64,
    /// `LedgerHeader` XDR.
    pub header: Vec<u8>,
    /// `LedgerCloseMeta` XDR.
    pub meta: Vec<u8>,
}

/// An event as indexed for `getEvents`.
#[derive(Clone, Debug)]
pub struct EventRow {
    pub ledger: u32,
    pub tx: u32,
    pub op: u32,
    pub index: u32,
    pub tx_hash: [u8; 32],
    pub success: bool,
    /// `ContractEvent` XDR.
    pub event: Vec<u8>,
}

/// Everything one closed ledger writes.
pub struct LedgerWrite<'a> {
    pub ledger: LedgerRow,
    pub entries: Vec<(Vec<u8>, Option<Stored>)>,
    pub transactions: Vec<TxRow>,
    pub events: Vec<EventRow>,
    pub passphrase: &'a str,
    /// The database's first ledger (genesis, or an imported snapshot's).
    pub first: bool,
}

impl Store {
    /// Opens (or creates) the database at `path`; `None` for one in memory.
    pub fn open(path: Option<&Path>, passphrase: &str) -> Result<Store, StoreError> {
        let name = path.map_or(":memory:".to_string(), |p| p.display().to_string());
        let conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        let corrupt = |e: rusqlite::Error| StoreError::Corrupt(name.clone(), e.to_string());
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| StoreError::Foreign(name.clone(), e.to_string()))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(corrupt)?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| StoreError::Foreign(name.clone(), e.to_string()))?;
        if tables > 0 {
            let schema: Option<String> = conn
                .query_row("SELECT value FROM node WHERE name = 'schema'", [], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(|e| StoreError::Foreign(name.clone(), e.to_string()))?;
            if schema.as_deref() != Some(SCHEMA) {
                return Err(StoreError::Foreign(
                    name,
                    format!("schema {:?}", schema.unwrap_or_default()),
                ));
            }
            let theirs: String = conn
                .query_row(
                    "SELECT value FROM node WHERE name = 'passphrase'",
                    [],
                    |r| r.get(0),
                )
                .map_err(corrupt)?;
            if theirs != passphrase {
                return Err(StoreError::OtherNetwork(name, theirs));
            }
            let check: String = conn
                .query_row("PRAGMA quick_check", [], |r| r.get(0))
                .map_err(corrupt)?;
            if check != "ok" {
                return Err(StoreError::Corrupt(name, check));
            }
        } else {
            conn.execute_batch(
                "CREATE TABLE node (name TEXT PRIMARY KEY, value TEXT NOT NULL);
                 CREATE TABLE entries (key BLOB PRIMARY KEY, entry BLOB NOT NULL, live_until INTEGER);
                 CREATE TABLE ledgers (seq INTEGER PRIMARY KEY, hash BLOB NOT NULL,
                     close_time INTEGER NOT NULL, header BLOB NOT NULL, meta BLOB NOT NULL);
                 CREATE TABLE transactions (hash BLOB PRIMARY KEY, ledger INTEGER NOT NULL,
                     application_order INTEGER NOT NULL, envelope BLOB NOT NULL,
                     result BLOB NOT NULL, meta BLOB NOT NULL, fee_bump INTEGER NOT NULL,
                     success INTEGER NOT NULL);
                 CREATE INDEX transactions_by_ledger ON transactions (ledger, application_order);
                 CREATE TABLE events (ledger INTEGER NOT NULL, tx INTEGER NOT NULL,
                     op INTEGER NOT NULL, idx INTEGER NOT NULL, tx_hash BLOB NOT NULL,
                     success INTEGER NOT NULL, event BLOB NOT NULL,
                     PRIMARY KEY (ledger, tx, op, idx));",
            )?;
        }
        Ok(Store { conn })
    }

    /// The state as of the last closed ledger, or `None` for a new database.
    pub fn load(&self, network_id: [u8; 32]) -> Result<Option<State>, StoreError> {
        let last: Option<(Vec<u8>, Vec<u8>)> = self
            .conn
            .query_row(
                "SELECT header, hash FROM ledgers ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((header, hash)) = last else {
            return Ok(None);
        };
        let bad = |what: &str| StoreError::Corrupt("the database".into(), what.to_string());
        let header: LedgerHeader = decode(&header).map_err(|_| bad("a ledger header"))?;
        let hash: [u8; 32] = hash.try_into().map_err(|_| bad("a ledger hash"))?;
        let mut state = State::new(header, hash, network_id);
        let mut rows = self
            .conn
            .prepare("SELECT key, entry, live_until FROM entries")?;
        let mut rows = rows.query([])?;
        while let Some(row) = rows.next()? {
            let key: Vec<u8> = row.get(0)?;
            let entry: Vec<u8> = row.get(1)?;
            let live_until: Option<u32> = row.get(2)?;
            let entry: LedgerEntry = decode(&entry).map_err(|_| bad("a ledger entry"))?;
            let key = decode(&key).map_err(|_| bad("a ledger key"))?;
            state.put(&key, Stored { entry, live_until });
        }
        Ok(Some(state))
    }

    /// Writes a closed ledger, all of it or nothing.
    pub fn commit(&mut self, write: &LedgerWrite) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        if write.first {
            tx.execute(
                "INSERT INTO node (name, value) VALUES ('schema', ?1), ('passphrase', ?2)",
                params![SCHEMA, write.passphrase],
            )?;
        }
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO entries (key, entry, live_until) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET entry = excluded.entry, live_until = excluded.live_until",
            )?;
            let mut delete = tx.prepare_cached("DELETE FROM entries WHERE key = ?1")?;
            for (key, stored) in &write.entries {
                match stored {
                    Some(s) => {
                        upsert.execute(params![key, encode(&s.entry), s.live_until])?;
                    }
                    None => {
                        delete.execute(params![key])?;
                    }
                }
            }
            let l = &write.ledger;
            tx.execute(
                "INSERT INTO ledgers (seq, hash, close_time, header, meta) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![l.seq, l.hash.as_slice(), l.close_time as i64, l.header, l.meta],
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO transactions (hash, ledger, application_order, envelope, result, meta,
                 fee_bump, success) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for t in &write.transactions {
                insert.execute(params![
                    t.hash.as_slice(),
                    t.ledger,
                    t.application_order,
                    t.envelope,
                    t.result,
                    t.meta,
                    t.fee_bump,
                    t.success
                ])?;
            }
            let mut event = tx.prepare_cached(
                "INSERT INTO events (ledger, tx, op, idx, tx_hash, success, event)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for e in &write.events {
                event.execute(params![
                    e.ledger,
                    e.tx,
                    e.op,
                    e.index,
                    e.tx_hash.as_slice(),
                    e.success,
                    e.event
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn transaction(&self, hash: &[u8; 32]) -> Result<Option<TxRow>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT t.hash, t.ledger, t.application_order, t.envelope, t.result, t.meta,
                        t.fee_bump, t.success, l.close_time
                 FROM transactions t JOIN ledgers l ON l.seq = t.ledger WHERE t.hash = ?1",
                params![hash.as_slice()],
                tx_row,
            )
            .optional()?)
    }

    /// Transactions from ledger `from` on, in application order, after `(ledger, order)`.
    pub fn transactions(&self, after: (u32, u32), limit: u32) -> Result<Vec<TxRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.hash, t.ledger, t.application_order, t.envelope, t.result, t.meta,
                    t.fee_bump, t.success, l.close_time
             FROM transactions t JOIN ledgers l ON l.seq = t.ledger
             WHERE (t.ledger, t.application_order) > (?1, ?2)
             ORDER BY t.ledger, t.application_order LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![after.0, after.1, limit], tx_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn ledgers(&self, from: u32, limit: u32) -> Result<Vec<LedgerRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, hash, close_time, header, meta FROM ledgers WHERE seq >= ?1
             ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![from, limit], |r| {
            let hash: Vec<u8> = r.get(1)?;
            Ok(LedgerRow {
                seq: r.get(0)?,
                hash: hash.try_into().unwrap_or([0; 32]),
                close_time: r.get::<_, i64>(2)? as u64,
                header: r.get(3)?,
                meta: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Events of ledgers `[from, to)` after the position `after`, in order.
    pub fn events(
        &self,
        from: u32,
        to: u32,
        after: (u32, u32, u32, u32),
    ) -> Result<Vec<EventRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT ledger, tx, op, idx, tx_hash, success, event FROM events
             WHERE ledger >= ?1 AND ledger < ?2 AND (ledger, tx, op, idx) > (?3, ?4, ?5, ?6)
             ORDER BY ledger, tx, op, idx",
        )?;
        let rows = stmt.query_map(params![from, to, after.0, after.1, after.2, after.3], |r| {
            let hash: Vec<u8> = r.get(4)?;
            Ok(EventRow {
                ledger: r.get(0)?,
                tx: r.get(1)?,
                op: r.get(2)?,
                index: r.get(3)?,
                tx_hash: hash.try_into().unwrap_or([0; 32]),
                success: r.get(5)?,
                event: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// `(oldest, its close time)` of the ledgers kept.
    pub fn oldest(&self) -> Result<(u32, u64), StoreError> {
        Ok(self.conn.query_row(
            "SELECT seq, close_time FROM ledgers ORDER BY seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)),
        )?)
    }

    pub fn close_time(&self, seq: u32) -> Result<Option<u64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT close_time FROM ledgers WHERE seq = ?1",
                params![seq],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(|t| t as u64))
    }
}

fn tx_row(r: &rusqlite::Row) -> rusqlite::Result<TxRow> {
    let hash: Vec<u8> = r.get(0)?;
    Ok(TxRow {
        hash: hash.try_into().unwrap_or([0; 32]),
        ledger: r.get(1)?,
        application_order: r.get(2)?,
        envelope: r.get(3)?,
        result: r.get(4)?,
        meta: r.get(5)?,
        fee_bump: r.get(6)?,
        success: r.get(7)?,
        close_time: r.get::<_, i64>(8)? as u64,
    })
}
