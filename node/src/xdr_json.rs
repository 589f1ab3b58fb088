//! `xdrFormat: "json"`: each base64 XDR field of an answer replaced by its JSON form, under the
//! name stellar-rpc gives it (`envelopeXdr` → `envelopeJson`, an entry's `xdr` → `dataJson`, …).
//! The JSON is the stellar-xdr crate's serde form, which is what stellar-rpc's xdr2json emits.
use serde_json::Value;
use stellar_xdr::{Limits, Type, TypeVariant};

/// Where stellar-rpc keeps the base64 field in JSON mode: Go's `omitempty` drops it, a plain
/// string stays as `""`, a pointer as `null`.
#[derive(Clone, Copy)]
enum Left {
    Dropped,
    Empty,
    Null,
}

/// One XDR field of an answer: the objects holding it (a dot path, `*` for every element of an
/// array, "" for the answer itself), its base64 name, its JSON name, its XDR type.
struct Field {
    at: &'static str,
    from: &'static str,
    to: &'static str,
    ty: TypeVariant,
    left: Left,
}

const fn field(at: &'static str, from: &'static str, to: &'static str, ty: TypeVariant) -> Field {
    Field {
        at,
        from,
        to,
        ty,
        left: Left::Dropped,
    }
}

static TX: [Field; 6] = [
    field(
        "",
        "envelopeXdr",
        "envelopeJson",
        TypeVariant::TransactionEnvelope,
    ),
    field(
        "",
        "resultXdr",
        "resultJson",
        TypeVariant::TransactionResult,
    ),
    field(
        "",
        "resultMetaXdr",
        "resultMetaJson",
        TypeVariant::TransactionMeta,
    ),
    field(
        "",
        "diagnosticEventsXdr",
        "diagnosticEventsJson",
        TypeVariant::DiagnosticEvent,
    ),
    field(
        "events",
        "transactionEventsXdr",
        "transactionEventsJson",
        TypeVariant::TransactionEvent,
    ),
    field(
        "events",
        "contractEventsXdr",
        "contractEventsJson",
        TypeVariant::ContractEvent,
    ),
];

static SEND: [Field; 2] = [
    field(
        "",
        "errorResultXdr",
        "errorResultJson",
        TypeVariant::TransactionResult,
    ),
    field(
        "",
        "diagnosticEventsXdr",
        "diagnosticEventsJson",
        TypeVariant::DiagnosticEvent,
    ),
];

static SIMULATE: [Field; 8] = [
    field(
        "",
        "transactionData",
        "transactionDataJson",
        TypeVariant::SorobanTransactionData,
    ),
    field("", "events", "eventsJson", TypeVariant::DiagnosticEvent),
    field(
        "results.*",
        "auth",
        "authJson",
        TypeVariant::SorobanAuthorizationEntry,
    ),
    field("results.*", "xdr", "returnValueJson", TypeVariant::ScVal),
    field("stateChanges.*", "key", "keyJson", TypeVariant::LedgerKey),
    Field {
        left: Left::Null,
        ..field(
            "stateChanges.*",
            "before",
            "beforeJson",
            TypeVariant::LedgerEntry,
        )
    },
    Field {
        left: Left::Null,
        ..field(
            "stateChanges.*",
            "after",
            "afterJson",
            TypeVariant::LedgerEntry,
        )
    },
    field(
        "restorePreamble",
        "transactionData",
        "transactionDataJson",
        TypeVariant::SorobanTransactionData,
    ),
];

static ENTRIES: [Field; 3] = [
    field("entries.*", "key", "keyJson", TypeVariant::LedgerKey),
    field("entries.*", "xdr", "dataJson", TypeVariant::LedgerEntryData),
    field(
        "entries.*",
        "extXdr",
        "extJson",
        TypeVariant::LedgerEntryExt,
    ),
];

static EVENTS: [Field; 2] = [
    field("events.*", "topic", "topicJson", TypeVariant::ScVal),
    field("events.*", "value", "valueJson", TypeVariant::ScVal),
];

static LEDGERS: [Field; 2] = [
    Field {
        left: Left::Empty,
        ..field(
            "ledgers.*",
            "headerXdr",
            "headerJson",
            TypeVariant::LedgerHeaderHistoryEntry,
        )
    },
    Field {
        left: Left::Empty,
        ..field(
            "ledgers.*",
            "metadataXdr",
            "metadataJson",
            TypeVariant::LedgerCloseMeta,
        )
    },
];

/// The fields of `method`'s answer, under the path of the objects holding them.
fn fields(method: &str) -> (&'static str, &'static [Field]) {
    let table: &'static [Field] = match method {
        // Every element of `transactions` is one `getTransaction` answer.
        "getTransaction" | "getTransactions" => &TX,
        "sendTransaction" => &SEND,
        "simulateTransaction" => &SIMULATE,
        "getLedgerEntries" => &ENTRIES,
        "getEvents" => &EVENTS,
        "getLedgers" => &LEDGERS,
        _ => &[],
    };
    let under = if method == "getTransactions" {
        "transactions.*"
    } else {
        ""
    };
    (under, table)
}

/// Rewrites `method`'s answer in JSON format.
pub fn convert(method: &str, answer: &mut Value) {
    let (under, table) = fields(method);
    for f in table {
        let path: Vec<&str> = under
            .split('.')
            .chain(f.at.split('.'))
            .filter(|s| !s.is_empty())
            .collect();
        for object in objects(answer, &path) {
            let Some(map) = object.as_object_mut() else {
                continue;
            };
            let Some(xdr) = map.remove(f.from) else {
                continue;
            };
            match f.left {
                Left::Dropped => {}
                Left::Empty => {
                    map.insert(f.from.into(), Value::String(String::new()));
                }
                Left::Null => {
                    map.insert(f.from.into(), Value::Null);
                }
            }
            if !xdr.is_null() {
                map.insert(f.to.into(), to_json(&xdr, f.ty));
            }
        }
    }
}

/// The values at `path` below `value`, `*` standing for every element of an array.
fn objects<'a>(value: &'a mut Value, path: &[&str]) -> Vec<&'a mut Value> {
    let Some((first, rest)) = path.split_first() else {
        return vec![value];
    };
    match (first, value) {
        (&"*", Value::Array(items)) => items.iter_mut().flat_map(|v| objects(v, rest)).collect(),
        (key, Value::Object(map)) => match map.get_mut(*key) {
            Some(v) => objects(v, rest),
            None => vec![],
        },
        _ => vec![],
    }
}

/// A base64 value (or arrays of them) as JSON; what does not decode stays as it was.
fn to_json(xdr: &Value, ty: TypeVariant) -> Value {
    match xdr {
        Value::String(b64) => Type::from_xdr_base64(ty, b64, Limits::none())
            .ok()
            .and_then(|t| serde_json::to_value(t).ok())
            .unwrap_or_else(|| xdr.clone()),
        Value::Array(items) => Value::Array(items.iter().map(|i| to_json(i, ty)).collect()),
        other => other.clone(),
    }
}
