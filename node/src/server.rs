//! HTTP: JSON-RPC at `/`, `/rpc` and `/soroban/rpc`, friendbot at `/friendbot`, one port,
//! callable from a browser page on any origin (CORS, as stellar-rpc).
use std::{net::SocketAddr, sync::Arc};

use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, Query, State},
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};
use soroban_env_host::xdr::AccountId;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use crate::{
    node::{Funding, Node},
    rpc::{self, RpcError, INVALID_REQUEST, PARSE_ERROR},
};

/// The largest request body: a contract upload at the network's 128 KiB limit, in base64,
/// with room to spare.
pub const MAX_BODY: usize = 1 << 20;

#[derive(Clone)]
struct App {
    node: Arc<Node>,
    base_url: String,
}

pub fn router(node: Arc<Node>, base_url: String) -> Router {
    let app = App { node, base_url };
    Router::new()
        .route("/", post(json_rpc))
        .route("/rpc", post(json_rpc))
        .route("/soroban/rpc", post(json_rpc))
        .route("/friendbot", get(friendbot).post(friendbot))
        .route("/friendbot/", get(friendbot).post(friendbot))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(cors())
        .with_state(app)
}

/// As stellar-rpc: every origin may call (the origin is echoed), with any header.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers(Any)
}

/// Serves the node on `addr` until the process ends.
pub async fn serve(node: Arc<Node>, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(node, listener).await
}

pub async fn serve_on(node: Arc<Node>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let host = if addr.ip().is_unspecified() {
        "localhost".to_string()
    } else {
        addr.ip().to_string()
    };
    let base_url = format!("http://{host}:{}", addr.port());
    axum::serve(listener, router(node, base_url)).await
}

/// The stack of every thread that runs the Soroban host (simulation, a ledger's apply): deep
/// contract call chains (a vault calling the distributor, which calls the share token and the
/// oracle) overflow the default 2 MiB in a debug build.
pub const HOST_STACK: usize = 64 * 1024 * 1024;

/// The runtime that serves a node: its worker and blocking threads with [`HOST_STACK`].
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(HOST_STACK)
        .build()
}

/// Serves the node on a free loopback port from a thread of its own, for as long as the
/// process runs (a demo, a test); the address it listens on.
pub fn spawn(node: Arc<Node>) -> std::io::Result<SocketAddr> {
    let runtime = runtime()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        // Ends only with the process; an error of the server ends its thread.
        let _ = runtime.block_on(serve_on(node, listener));
    });
    Ok(addr)
}

fn error_body(id: Value, e: &RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": e.code, "message": e.message } })
}

async fn json_rpc(State(app): State<App>, body: Bytes) -> Response {
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        let e = RpcError {
            code: PARSE_ERROR,
            message: "parse error".into(),
        };
        return Json(error_body(Value::Null, &e)).into_response();
    };
    let response = match request {
        Value::Array(batch) if !batch.is_empty() => {
            let mut out = Vec::with_capacity(batch.len());
            for item in batch {
                out.push(one(&app, item).await);
            }
            Value::Array(out)
        }
        other => one(&app, other).await,
    };
    Json(response).into_response()
}

/// One JSON-RPC request: the envelope checked, the method run off the async threads.
async fn one(app: &App, request: Value) -> Value {
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let bad = |message: &str| {
        error_body(
            id.clone(),
            &RpcError {
                code: INVALID_REQUEST,
                message: message.into(),
            },
        )
    };
    let Value::Object(map) = &request else {
        return bad("invalid request");
    };
    if map.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return bad("invalid version marker");
    }
    let Some(method) = map.get("method").and_then(Value::as_str) else {
        return bad("invalid request: no method");
    };
    if !matches!(id, Value::Null | Value::Number(_) | Value::String(_)) {
        return bad("invalid request ID");
    }
    let params = map.get("params").cloned().unwrap_or(Value::Null);
    if !matches!(params, Value::Null | Value::Object(_)) {
        return error_body(
            id,
            &RpcError {
                code: rpc::INVALID_PARAMS,
                message: "invalid parameters: params must be an object".into(),
            },
        );
    }
    let (node, method, base_url) = (app.node.clone(), method.to_string(), app.base_url.clone());
    let result =
        tokio::task::spawn_blocking(move || rpc::call(&node, &method, params, &base_url)).await;
    match result {
        Ok(Ok(value)) => json!({ "jsonrpc": "2.0", "id": id, "result": value }),
        Ok(Err(e)) => error_body(id, &e),
        Err(_) => error_body(
            id,
            &RpcError {
                code: rpc::INTERNAL_ERROR,
                message: "internal error".into(),
            },
        ),
    }
}

#[derive(Deserialize)]
struct FundQuery {
    addr: Option<String>,
}

fn bad_request(detail: &str, extras: Option<Value>) -> Response {
    let mut body = json!({
        "type": "https://stellar.org/horizon-errors/bad_request",
        "title": "Bad Request",
        "status": 400,
        "detail": detail,
    });
    if let Some(extras) = extras {
        body["extras"] = extras;
    }
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// Friendbot, as the real one answers: a Horizon-style transaction on success.
async fn friendbot(State(app): State<App>, Query(q): Query<FundQuery>) -> Response {
    let Some(account) = q.addr.as_deref().and_then(|a| a.parse::<AccountId>().ok()) else {
        return bad_request(
            "The request you sent was invalid in some way.",
            Some(
                json!({ "invalid_field": "addr", "reason": "base32 decode failed: illegal base32 data" }),
            ),
        );
    };
    let node = app.node.clone();
    let outcome = tokio::task::spawn_blocking(move || node.fund(&account)).await;
    match outcome {
        Ok(Funding::Funded(row)) => {
            use base64::Engine;
            let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
            Json(json!({
                "hash": hex::encode(row.hash),
                "ledger": row.ledger,
                "successful": true,
                "envelope_xdr": b64(&row.envelope),
                "result_xdr": b64(&row.result),
                "result_meta_xdr": b64(&row.meta),
            }))
            .into_response()
        }
        // Both clients' wordings: stellar-cli's, and the op code the JS SDK looks for.
        Ok(Funding::AlreadyFunded) => bad_request(
            "account already funded to starting balance (op_already_exists, createAccountAlreadyExist)",
            None,
        ),
        Ok(Funding::Failed(why)) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "status": 500, "title": "Internal Server Error", "detail": why })),
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
