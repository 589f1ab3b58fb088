//! The Stellar RPC methods, with the field names, string-or-number types and error codes of
//! stellar-rpc (see `shared/reference/stellar-rpc.md`).
use serde::Deserialize;
use serde_json::{json, Value};
use soroban_env_host::xdr::{
    ContractEvent, ContractEventBody, ContractEventType, LedgerEntryExt, LedgerHeader, LedgerKey,
    ScVal, TransactionEnvelope, TransactionMeta,
};

use crate::{
    chain::Submission,
    node::Node,
    simulate::{self, AuthMode},
    state::{liveness_of, Liveness},
    store::{EventRow, TxRow},
    xdr::{decode, from_base64, to_base64},
    xdr_json, PROTOCOL_VERSION,
};

/// A JSON-RPC error: the jrpc2 code and message stellar-rpc answers with.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
}

pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;

fn invalid(message: impl Into<String>) -> RpcError {
    RpcError {
        code: INVALID_PARAMS,
        message: message.into(),
    }
}

fn internal(message: impl std::fmt::Display) -> RpcError {
    RpcError {
        code: INTERNAL_ERROR,
        message: message.to_string(),
    }
}

/// Most transactions, ledgers and events a page may hold.
const MAX_PAGE: u32 = 200;
const MAX_EVENTS_PAGE: u32 = 10_000;
const DEFAULT_PAGE: u32 = 50;
const DEFAULT_EVENTS_PAGE: u32 = 100;

/// Calls `method` with `params` (already checked to be absent, null or an object), answering
/// in the `xdrFormat` asked for.
pub fn call(node: &Node, method: &str, params: Value, base_url: &str) -> Result<Value, RpcError> {
    let json = params.get("xdrFormat").and_then(Value::as_str) == Some("json");
    let mut answer = answer(node, method, params, base_url)?;
    if json {
        xdr_json::convert(method, &mut answer);
    }
    Ok(answer)
}

fn answer(node: &Node, method: &str, params: Value, base_url: &str) -> Result<Value, RpcError> {
    match method {
        "getHealth" => health(node),
        "getNetwork" => Ok(json!({
            "friendbotUrl": format!("{base_url}/friendbot"),
            "passphrase": node.config.passphrase,
            "protocolVersion": PROTOCOL_VERSION,
        })),
        "getVersionInfo" => Ok(json!({
            "version": env!("CARGO_PKG_VERSION"),
            "commitHash": "",
            "buildTimestamp": "",
            "captiveCoreVersion": "hashshare-node (soroban-env-host 27.0.1)",
            "protocolVersion": PROTOCOL_VERSION,
        })),
        "getLatestLedger" => latest_ledger(node),
        "getFeeStats" => fee_stats(node),
        "getLedgerEntries" => ledger_entries(node, parse(params)?),
        "simulateTransaction" => Ok(simulate(node, parse(params)?)),
        "sendTransaction" => send(node, parse(params)?),
        "getTransaction" => transaction(node, parse(params)?),
        "getTransactions" => transactions(node, parse(params)?),
        "getLedgers" => ledgers(node, parse(params)?),
        "getEvents" => events(node, parse(params)?),
        "hashshare_advanceTime" if node.config.dev_time => advance_time(node, parse(params)?),
        _ => Err(RpcError {
            code: METHOD_NOT_FOUND,
            message: "method not found".into(),
        }),
    }
}

fn parse<T: for<'de> Deserialize<'de> + Default>(params: Value) -> Result<T, RpcError> {
    if params.is_null() {
        return serde_json::from_value(json!({}))
            .map_err(|e| invalid(format!("invalid parameters: {e}")));
    }
    serde_json::from_value(params).map_err(|e| invalid(format!("invalid parameters: {e}")))
}

fn check_format(format: &Option<String>) -> Result<(), RpcError> {
    match format.as_deref() {
        None | Some("") | Some("base64") | Some("json") => Ok(()),
        Some(other) => Err(invalid(format!(
            "expected xdrFormat base64 or json, got {other:?}"
        ))),
    }
}

/// `(latest, its close time, oldest, its close time)`.
fn range(node: &Node) -> Result<(u32, u64, u32, u64), RpcError> {
    let chain = node.chain();
    let (oldest, oldest_time) = chain.store().oldest().map_err(internal)?;
    Ok((
        chain.state.seq(),
        chain.state.close_time(),
        oldest,
        oldest_time,
    ))
}

fn health(node: &Node) -> Result<Value, RpcError> {
    let (latest, latest_time, oldest, oldest_time) = range(node)?;
    Ok(json!({
        "status": "healthy",
        "latestLedger": latest,
        "oldestLedger": oldest,
        "ledgerRetentionWindow": latest - oldest + 1,
        "latestLedgerCloseTime": latest_time,
        "oldestLedgerCloseTime": oldest_time,
    }))
}

fn latest_ledger(node: &Node) -> Result<Value, RpcError> {
    let chain = node.chain();
    let seq = chain.state.seq();
    let row = chain
        .store()
        .ledgers(seq, 1)
        .map_err(internal)?
        .pop()
        .ok_or_else(|| internal("the latest ledger is not stored"))?;
    Ok(json!({
        "id": hex::encode(row.hash),
        "protocolVersion": chain.state.header.ledger_version,
        "sequence": seq,
        "closeTime": row.close_time.to_string(),
        "headerXdr": b64(&row.header),
        "metadataXdr": b64(&row.meta),
    }))
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn fee_stats(node: &Node) -> Result<Value, RpcError> {
    let latest = node.chain().state.seq();
    let fee = node.chain().state.header.base_fee.to_string();
    let distribution = json!({
        "max": fee, "min": fee, "mode": fee, "p10": fee, "p20": fee, "p30": fee, "p40": fee,
        "p50": fee, "p60": fee, "p70": fee, "p80": fee, "p90": fee, "p95": fee, "p99": fee,
        "transactionCount": "0", "ledgerCount": 0,
    });
    Ok(json!({
        "sorobanInclusionFee": distribution,
        "inclusionFee": distribution,
        "latestLedger": latest,
    }))
}

#[derive(Deserialize, Default)]
struct AdvanceParams {
    #[serde(default)]
    seconds: u64,
}

/// Ten years: the most one call moves the clock.
const MAX_ADVANCE: u64 = 10 * 366 * 86_400;

/// Dev only: moves the network's clock forward by `seconds` and closes a ledger at the new time.
fn advance_time(node: &Node, p: AdvanceParams) -> Result<Value, RpcError> {
    if p.seconds == 0 || p.seconds > MAX_ADVANCE {
        return Err(invalid(format!(
            "seconds must be between 1 and {MAX_ADVANCE}"
        )));
    }
    node.advance_clock(p.seconds);
    let sequence = node.close_ledger().map_err(internal)?;
    let close_time = node.chain().state.close_time();
    Ok(json!({ "sequence": sequence, "closeTime": close_time.to_string() }))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct EntriesParams {
    #[serde(default)]
    keys: Vec<String>,
    xdr_format: Option<String>,
}

fn ledger_entries(node: &Node, p: EntriesParams) -> Result<Value, RpcError> {
    check_format(&p.xdr_format)?;
    if p.keys.len() > 200 {
        return Err(invalid(format!(
            "key count ({}) exceeds maximum supported (200)",
            p.keys.len()
        )));
    }
    let mut keys = Vec::with_capacity(p.keys.len());
    for (i, text) in p.keys.iter().enumerate() {
        let key: LedgerKey = from_base64(text)
            .map_err(|_| invalid(format!("cannot unmarshal key value {text} at index {i}")))?;
        if matches!(key, LedgerKey::Ttl(_)) {
            return Err(invalid("ledger ttl entries cannot be queried directly"));
        }
        keys.push((text, key));
    }
    let chain = node.chain();
    let seq = chain.state.seq();
    let mut entries = Vec::new();
    for (text, key) in keys {
        let Some(stored) = chain.state.get(&key) else {
            continue;
        };
        let liveness = liveness_of(&key, stored, seq);
        if liveness == Liveness::Expired {
            continue;
        }
        let mut item = json!({
            "key": text,
            "xdr": to_base64(&stored.entry.data),
            "lastModifiedLedgerSeq": stored.entry.last_modified_ledger_seq,
        });
        if let Some(until) = stored.live_until {
            item["liveUntilLedgerSeq"] = json!(if liveness == Liveness::Archived {
                0
            } else {
                until
            });
        }
        if !matches!(stored.entry.ext, LedgerEntryExt::V0) {
            item["extXdr"] = json!(to_base64(&stored.entry.ext));
        }
        entries.push(item);
    }
    Ok(json!({ "entries": entries, "latestLedger": seq }))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SimulateParams {
    #[serde(default)]
    transaction: String,
    resource_config: Option<ResourceConfig>,
    auth_mode: Option<String>,
    #[serde(default)]
    use_upgraded_auth: bool,
    xdr_format: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ResourceConfig {
    instruction_leeway: Option<u64>,
}

fn simulate(node: &Node, p: SimulateParams) -> Value {
    let (state, network) = {
        let chain = node.chain();
        (
            chain.state.clone(),
            soroban_simulation::NetworkConfig::load_from_snapshot(
                &chain.state.snapshot(chain.state.seq()),
            ),
        )
    };
    let latest = state.seq();
    if let Err(e) = check_format(&p.xdr_format) {
        return json!({ "error": e.message, "latestLedger": latest });
    }
    let auth_mode = match p.auth_mode.as_deref() {
        None | Some("") => None,
        Some("enforce") => Some(AuthMode::Enforce),
        Some("record") => Some(AuthMode::Record),
        Some("record_allow_nonroot") => Some(AuthMode::RecordAllowNonroot),
        Some(other) => {
            return json!({ "error": format!("invalid authMode: {other}"), "latestLedger": latest })
        }
    };
    let network = match network {
        Ok(n) => n,
        Err(e) => return json!({ "error": e.to_string(), "latestLedger": latest }),
    };
    simulate::simulate(
        &state,
        &network,
        &simulate::Request {
            transaction: &p.transaction,
            auth_mode,
            instruction_leeway: p.resource_config.and_then(|r| r.instruction_leeway),
            use_upgraded_auth: p.use_upgraded_auth,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SendParams {
    #[serde(default)]
    transaction: String,
    xdr_format: Option<String>,
}

fn send(node: &Node, p: SendParams) -> Result<Value, RpcError> {
    check_format(&p.xdr_format)?;
    let envelope: TransactionEnvelope =
        from_base64(&p.transaction).map_err(|_| invalid("invalid_xdr"))?;
    let submission = node.submit(envelope);
    let (latest, close_time) = {
        let chain = node.chain();
        (chain.state.seq(), chain.state.close_time())
    };
    let base = |status: &str, hash: &[u8; 32]| {
        json!({
            "status": status,
            "hash": hex::encode(hash),
            "latestLedger": latest,
            "latestLedgerCloseTime": close_time.to_string(),
        })
    };
    Ok(match submission {
        Submission::Pending(hash) => base("PENDING", &hash),
        Submission::Duplicate(hash) => base("DUPLICATE", &hash),
        Submission::TryAgainLater(hash) => base("TRY_AGAIN_LATER", &hash),
        Submission::Error(hash, result) => {
            let mut out = base("ERROR", &hash);
            out["errorResultXdr"] = json!(to_base64(&result));
            out["diagnosticEventsXdr"] = json!([]);
            out
        }
    })
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct TxParams {
    #[serde(default)]
    hash: String,
    xdr_format: Option<String>,
}

fn parse_hash(text: &str) -> Result<[u8; 32], RpcError> {
    if text.len() != 64 {
        return Err(invalid(format!("unexpected hash length ({})", text.len())));
    }
    let bytes = hex::decode(text).map_err(|e| invalid(format!("incorrect hash: {e}")))?;
    Ok(bytes.try_into().expect("32 bytes"))
}

/// The fields a found transaction has in `getTransaction` and `getTransactions`.
fn tx_details(row: &TxRow) -> Value {
    let meta: Option<TransactionMeta> = decode(&row.meta).ok();
    let mut diagnostics = Vec::new();
    let mut transaction_events = Vec::new();
    let mut contract_events = Vec::new();
    if let Some(TransactionMeta::V4(v4)) = &meta {
        diagnostics = v4.diagnostic_events.iter().map(to_base64).collect();
        transaction_events = v4.events.iter().map(to_base64).collect();
        contract_events = v4
            .operations
            .iter()
            .map(|op| op.events.iter().map(to_base64).collect::<Vec<_>>())
            .collect();
    }
    json!({
        "status": if row.success { "SUCCESS" } else { "FAILED" },
        "txHash": hex::encode(row.hash),
        "applicationOrder": row.application_order,
        "feeBump": row.fee_bump,
        "envelopeXdr": b64(&row.envelope),
        "resultXdr": b64(&row.result),
        "resultMetaXdr": b64(&row.meta),
        "diagnosticEventsXdr": diagnostics,
        "events": {
            "transactionEventsXdr": transaction_events,
            "contractEventsXdr": contract_events,
        },
        "ledger": row.ledger,
    })
}

fn transaction(node: &Node, p: TxParams) -> Result<Value, RpcError> {
    check_format(&p.xdr_format)?;
    let hash = parse_hash(&p.hash)?;
    let (latest, latest_time, oldest, oldest_time) = range(node)?;
    let row = node.chain().store().transaction(&hash).map_err(internal)?;
    let mut out = match &row {
        Some(row) => {
            let mut d = tx_details(row);
            d["createdAt"] = json!(row.close_time.to_string());
            d
        }
        None => json!({ "status": "NOT_FOUND", "txHash": hex::encode(hash) }),
    };
    out["latestLedger"] = json!(latest);
    out["latestLedgerCloseTime"] = json!(latest_time.to_string());
    out["oldestLedger"] = json!(oldest);
    out["oldestLedgerCloseTime"] = json!(oldest_time.to_string());
    Ok(out)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PageParams {
    start_ledger: Option<u32>,
    pagination: Option<Pagination>,
    xdr_format: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Pagination {
    cursor: Option<String>,
    limit: Option<u32>,
}

/// TOIDs: `ledger << 32 | tx << 12 | op`, as stellar-rpc's cursors.
fn toid(ledger: u32, tx: u32, op: u32) -> u64 {
    (ledger as u64) << 32 | (tx as u64) << 12 | op as u64
}

fn from_toid(id: u64) -> (u32, u32, u32) {
    (
        (id >> 32) as u32,
        ((id >> 12) & 0xFFFFF) as u32,
        (id & 0xFFF) as u32,
    )
}

/// The start position and page size of a paged request.
fn page(
    p: &PageParams,
    oldest: u32,
    latest: u32,
    max: u32,
    default: u32,
) -> Result<(Option<u32>, Option<u64>, u32), RpcError> {
    let pagination = p.pagination.as_ref();
    let cursor = pagination
        .and_then(|p| p.cursor.clone())
        .filter(|c| !c.is_empty());
    if cursor.is_some() && p.start_ledger.is_some() {
        return Err(invalid("startLedger and cursor cannot both be set"));
    }
    let limit = pagination.and_then(|p| p.limit).unwrap_or(default);
    if limit > max {
        return Err(invalid(format!("limit must not exceed {max}")));
    }
    let limit = if limit == 0 { default } else { limit };
    if let Some(c) = cursor {
        let id: u64 = c
            .split('-')
            .next()
            .unwrap_or("")
            .parse()
            .map_err(|_| invalid(format!("invalid cursor {c:?}")))?;
        return Ok((None, Some(id), limit));
    }
    let start = p.start_ledger.unwrap_or(oldest);
    if start < oldest || start > latest {
        return Err(invalid(format!(
            "start ledger must be between the oldest ledger: {oldest} and the latest ledger: {latest} for this rpc instance"
        )));
    }
    Ok((Some(start), None, limit))
}

fn transactions(node: &Node, p: PageParams) -> Result<Value, RpcError> {
    check_format(&p.xdr_format)?;
    let (latest, latest_time, oldest, oldest_time) = range(node)?;
    let (start, cursor, limit) = page(&p, oldest, latest, MAX_PAGE, DEFAULT_PAGE)?;
    let after = match (start, cursor) {
        (Some(s), _) => (s, 0),
        (None, Some(id)) => {
            let (l, t, _) = from_toid(id);
            (l, t)
        }
        _ => (oldest, 0),
    };
    let rows = node
        .chain()
        .store()
        .transactions(after, limit)
        .map_err(internal)?;
    let last = rows
        .last()
        .map(|r| toid(r.ledger, r.application_order, 0))
        .unwrap_or(toid(after.0, after.1, 0));
    let list: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut d = tx_details(r);
            d["createdAt"] = json!(r.close_time);
            d
        })
        .collect();
    Ok(json!({
        "transactions": list,
        "latestLedger": latest,
        "latestLedgerCloseTimestamp": latest_time,
        "oldestLedger": oldest,
        "oldestLedgerCloseTimestamp": oldest_time,
        "cursor": last.to_string(),
    }))
}

fn ledgers(node: &Node, p: PageParams) -> Result<Value, RpcError> {
    check_format(&p.xdr_format)?;
    let (latest, latest_time, oldest, oldest_time) = range(node)?;
    let (start, cursor, limit) = page(&p, oldest, latest, MAX_PAGE, DEFAULT_PAGE)?;
    let from = match (start, cursor) {
        (Some(s), _) => s,
        // A ledger's sequence number, the page starting after it, within the range held.
        (None, Some(c)) => {
            let next = u32::try_from(c)
                .map_err(|_| invalid(format!("invalid cursor {c:?}")))?
                .wrapping_add(1);
            if next < oldest || next > latest {
                return Err(invalid(format!(
                    "cursor ('{c}') must be between the oldest ledger: {oldest} and the latest ledger: {latest} for this rpc instance"
                )));
            }
            next
        }
        _ => oldest,
    };
    let rows = node
        .chain()
        .store()
        .ledgers(from, limit)
        .map_err(internal)?;
    let list: Vec<Value> = rows
        .iter()
        .map(|r| {
            let header: Option<LedgerHeader> = decode(&r.header).ok();
            let entry = header.map(|h| soroban_env_host::xdr::LedgerHeaderHistoryEntry {
                hash: soroban_env_host::xdr::Hash(r.hash),
                header: h,
                ext: soroban_env_host::xdr::LedgerHeaderHistoryEntryExt::V0,
            });
            json!({
                "hash": hex::encode(r.hash),
                "sequence": r.seq,
                "ledgerCloseTime": r.close_time.to_string(),
                "headerXdr": entry.map(|e| to_base64(&e)),
                "metadataXdr": b64(&r.meta),
            })
        })
        .collect();
    let cursor = rows.last().map_or(from.saturating_sub(1), |r| r.seq);
    Ok(json!({
        "ledgers": list,
        "latestLedger": latest,
        "latestLedgerCloseTime": latest_time,
        "oldestLedger": oldest,
        "oldestLedgerCloseTime": oldest_time,
        "cursor": cursor.to_string(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct EventsParams {
    start_ledger: Option<u32>,
    end_ledger: Option<u32>,
    #[serde(default)]
    filters: Vec<EventFilter>,
    pagination: Option<Pagination>,
    xdr_format: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
struct EventFilter {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    contract_ids: Vec<String>,
    #[serde(default)]
    topics: Vec<Vec<String>>,
}

/// A topic segment of a filter: a value, `*` (any one) or `**` (any rest).
enum Segment {
    Value(ScVal),
    One,
    Rest,
}

struct Filter {
    kinds: Vec<ContractEventType>,
    contracts: Vec<[u8; 32]>,
    topics: Vec<Vec<Segment>>,
}

fn compile_filter(f: &EventFilter) -> Result<Filter, RpcError> {
    let mut kinds = Vec::new();
    if let Some(k) = &f.kind {
        for part in k.split(',').filter(|p| !p.is_empty()) {
            kinds.push(match part {
                "contract" => ContractEventType::Contract,
                "system" => ContractEventType::System,
                "diagnostic" => ContractEventType::Diagnostic,
                other => {
                    return Err(invalid(format!(
                        "filter type: unknown event type {other:?}"
                    )))
                }
            });
        }
    }
    if f.contract_ids.len() > 5 {
        return Err(invalid("filter: maximum 5 contract IDs per filter"));
    }
    let mut contracts = Vec::new();
    for id in &f.contract_ids {
        let parsed: soroban_env_host::xdr::ContractId = id
            .parse()
            .map_err(|_| invalid(format!("filter: contract id {id:?} is invalid")))?;
        contracts.push(parsed.0 .0);
    }
    if f.topics.len() > 5 {
        return Err(invalid("filter: maximum 5 topics per filter"));
    }
    let mut topics = Vec::new();
    for topic in &f.topics {
        if topic.is_empty() || topic.len() > 5 {
            return Err(invalid("filter: topic must have between 1 and 4 segments"));
        }
        let mut segments = Vec::new();
        for (i, s) in topic.iter().enumerate() {
            segments.push(match s.as_str() {
                "*" => Segment::One,
                "**" if i + 1 == topic.len() => Segment::Rest,
                "**" => return Err(invalid("filter: '**' is only allowed as the last segment")),
                text => Segment::Value(
                    from_base64(text)
                        .map_err(|_| invalid(format!("filter: invalid topic segment {text:?}")))?,
                ),
            });
        }
        topics.push(segments);
    }
    Ok(Filter {
        kinds,
        contracts,
        topics,
    })
}

fn matches(filter: &Filter, event: &ContractEvent) -> bool {
    if !filter.kinds.is_empty() && !filter.kinds.contains(&event.type_) {
        return false;
    }
    if !filter.contracts.is_empty() {
        match &event.contract_id {
            Some(id) if filter.contracts.contains(&id.0 .0) => {}
            _ => return false,
        }
    }
    if filter.topics.is_empty() {
        return true;
    }
    let ContractEventBody::V0(body) = &event.body;
    filter.topics.iter().any(|segments| {
        let mut i = 0;
        for s in segments {
            match s {
                Segment::Rest => return true,
                Segment::One => {
                    if i >= body.topics.len() {
                        return false;
                    }
                }
                Segment::Value(v) => {
                    if body.topics.get(i) != Some(v) {
                        return false;
                    }
                }
            }
            i += 1;
        }
        i == body.topics.len()
    })
}

fn events(node: &Node, p: EventsParams) -> Result<Value, RpcError> {
    check_format(&p.xdr_format)?;
    if p.filters.len() > 5 {
        return Err(invalid("maximum 5 filters per request"));
    }
    let filters = p
        .filters
        .iter()
        .map(compile_filter)
        .collect::<Result<Vec<_>, _>>()?;
    let (latest, latest_time, oldest, oldest_time) = range(node)?;
    let pagination = p.pagination.as_ref();
    let cursor = pagination
        .and_then(|p| p.cursor.clone())
        .filter(|c| !c.is_empty());
    let limit = pagination
        .and_then(|p| p.limit)
        .unwrap_or(DEFAULT_EVENTS_PAGE);
    if limit > MAX_EVENTS_PAGE {
        return Err(invalid(format!("limit must not exceed {MAX_EVENTS_PAGE}")));
    }
    let limit = if limit == 0 {
        DEFAULT_EVENTS_PAGE
    } else {
        limit
    };
    let (start, after) = match (&cursor, p.start_ledger) {
        (Some(_), Some(_)) => return Err(invalid("startLedger and cursor cannot both be set")),
        (Some(c), None) => {
            let (id, index) = c
                .split_once('-')
                .ok_or_else(|| invalid(format!("invalid cursor {c:?}")))?;
            let id: u64 = id
                .parse()
                .map_err(|_| invalid(format!("invalid cursor {c:?}")))?;
            let index: u32 = index
                .parse()
                .map_err(|_| invalid(format!("invalid cursor {c:?}")))?;
            let (l, t, o) = from_toid(id);
            (l, (l, t, o, index))
        }
        (None, Some(start)) => {
            if start < oldest || start > latest {
                return Err(RpcError {
                    code: INVALID_REQUEST,
                    message: format!(
                        "startLedger must be within the ledger range: {oldest} - {latest}"
                    ),
                });
            }
            (start, (0, 0, 0, 0))
        }
        (None, None) => return Err(invalid("startLedger must be provided when no cursor is")),
    };
    let end = p
        .end_ledger
        .unwrap_or(u32::MAX)
        .min(start.saturating_add(10_000))
        .min(latest + 1);
    if p.end_ledger.is_some_and(|e| e <= start) {
        return Err(invalid("endLedger must be after startLedger"));
    }
    let rows = node
        .chain()
        .store()
        .events(start, end, after)
        .map_err(internal)?;
    let mut out = Vec::new();
    let mut full = false;
    for row in &rows {
        let Ok(event) = decode::<ContractEvent>(&row.event) else {
            continue;
        };
        if !filters.is_empty() && !filters.iter().any(|f| matches(f, &event)) {
            continue;
        }
        out.push(event_info(node, row, &event));
        if out.len() as u32 == limit {
            full = true;
            break;
        }
    }
    let cursor = if full {
        out.last()
            .and_then(|e| e["id"].as_str().map(String::from))
            .unwrap_or_default()
    } else {
        format!(
            "{:019}-{:010}",
            toid(end.saturating_sub(1), 0x000F_FFFF, 0xFFF),
            u32::MAX
        )
    };
    Ok(json!({
        "events": out,
        "cursor": cursor,
        "latestLedger": latest,
        "oldestLedger": oldest,
        "latestLedgerCloseTime": latest_time.to_string(),
        "oldestLedgerCloseTime": oldest_time.to_string(),
    }))
}

fn event_info(node: &Node, row: &EventRow, event: &ContractEvent) -> Value {
    let ContractEventBody::V0(body) = &event.body;
    let closed = node
        .chain()
        .store()
        .close_time(row.ledger)
        .ok()
        .flatten()
        .unwrap_or(0);
    let contract = event
        .contract_id
        .as_ref()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let kind = match event.type_ {
        ContractEventType::Contract => "contract",
        ContractEventType::System => "system",
        ContractEventType::Diagnostic => "diagnostic",
    };
    // The transaction's index in the ledger starts at 1, the operation's at 0.
    let id = format!("{:019}-{:010}", toid(row.ledger, row.tx, row.op), row.index);
    json!({
        "type": kind,
        "ledger": row.ledger,
        "ledgerClosedAt": rfc3339(closed),
        "contractId": contract,
        "id": id,
        "operationIndex": row.op,
        "transactionIndex": row.tx,
        "txHash": hex::encode(row.tx_hash),
        "inSuccessfulContractCall": row.success,
        "topic": body.topics.iter().map(to_base64).collect::<Vec<_>>(),
        "value": to_base64(&body.data),
    })
}

/// Unix seconds as RFC 3339 UTC (`2026-12-01T12:00:00Z`).
pub fn rfc3339(seconds: u64) -> String {
    chrono::DateTime::from_timestamp(seconds as i64, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
