use std::{fmt::Debug, path::PathBuf};

use hashshare_interfaces::{PoolConfig, PoolOracleClient};
use soroban_sdk::{
    testutils::{Address as _, EnvTestConfig, Ledger, Logs, MockAuth, MockAuthInvoke},
    xdr::{ScErrorCode, ScErrorType},
    Address, Env, Error, InvokeError, Symbol, Val, Vec as SorobanVec,
};

/// Ledger time at the start of every test: 2026-01-01T00:00:00Z.
pub const START: u64 = 1_767_225_600;

/// Where `scripts/build.sh` puts the optimized artifact of a contract crate (`pool_oracle`,
/// `share_token`, `payout_distributor`).
pub fn wasm_path(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    target.join("wasm").join(format!("{name}.wasm"))
}

/// The compiled WASM of a contract crate. Panics with the command that builds it if missing.
pub fn wasm(name: &str) -> Vec<u8> {
    let path = wasm_path(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}): build the contracts first with `scripts/build.sh` \
             (or run everything with `scripts/test.sh`)",
            path.display()
        )
    })
}

/// A fresh test `Env` at [`START`], writing no test snapshot files.
pub fn new_env() -> Env {
    let env = Env::new_with_config(EnvTestConfig {
        capture_snapshot_at_drop: false,
    });
    env.ledger().with_mut(|l| {
        l.timestamp = START;
        l.sequence_number = 1_000;
    });
    env
}

/// Moves the ledger clock forward by `seconds` (and the sequence by one ledger per 5 s).
pub fn advance(env: &Env, seconds: u64) {
    env.ledger().with_mut(|l| {
        l.timestamp += seconds;
        l.sequence_number += (seconds / 5) as u32;
    });
}

/// Registers the compiled pool-oracle WASM with `admin`.
pub fn deploy_oracle<'a>(env: &Env, admin: &Address) -> PoolOracleClient<'a> {
    let id = env.register(wasm("pool_oracle").as_slice(), (admin.clone(),));
    PoolOracleClient::new(env, &id)
}

/// A pool with `reporters` new reporter accounts, starting at the current ledger time.
pub fn pool_config(env: &Env, reporters: u32, quorum: u32) -> PoolConfig {
    let mut list = SorobanVec::new(env);
    for _ in 0..reporters {
        list.push_back(Address::generate(env));
    }
    PoolConfig {
        operator: Address::generate(env),
        reporters: list,
        quorum,
        epoch_seconds: 86_400,
        genesis: env.ledger().timestamp(),
        dispute_seconds: 3_600,
        max_age_epochs: 2,
    }
}

/// Authorizes exactly one invocation by `signer` (and nothing else) for the next call.
pub fn authorize(
    env: &Env,
    signer: &Address,
    contract: &Address,
    fn_name: &str,
    args: SorobanVec<Val>,
) {
    env.mock_auths(&[MockAuth {
        address: signer,
        invoke: &MockAuthInvoke {
            contract,
            fn_name,
            args,
            sub_invokes: &[],
        },
    }]);
}

/// What a `try_` client call returns.
pub type TryResult<T, C> = Result<Result<T, C>, Result<Error, InvokeError>>;

/// Asserts that a call failed with exactly `expected` (a contract error enum or host error).
pub fn assert_error<T: Debug, C: Debug>(result: TryResult<T, C>, expected: impl Into<Error>) {
    let expected = expected.into();
    match result {
        Err(Ok(actual)) => assert_eq!(actual, expected, "wrong error"),
        other => panic!("expected {expected:?}, got {other:?}"),
    }
}

/// Asserts that a call was refused because a required authorization was missing. In a WASM
/// contract the host's `Error(Auth, InvalidAction)` traps the VM and reaches the caller as
/// `Error(Context, InvalidAction)`, so the diagnostic log is checked for the auth failure too.
pub fn assert_auth_error<T: Debug, C: Debug>(env: &Env, result: TryResult<T, C>) {
    let auth = Error::from_type_and_code(ScErrorType::Auth, ScErrorCode::InvalidAction);
    let trapped = Error::from_type_and_code(ScErrorType::Context, ScErrorCode::InvalidAction);
    match result {
        Err(Ok(e)) if e == auth || e == trapped => {}
        other => panic!("expected an authorization failure, got {other:?}"),
    }
    let logs = env.logs().all();
    assert!(
        logs.last()
            .is_some_and(|l| l.contains("Error(Auth, InvalidAction)")),
        "the call failed, but not on authorization: {logs:?}"
    );
}

/// Runs `call` and asserts it changed no ledger entry at all (a refused call must roll back
/// everything, TTL extensions included).
pub fn assert_unchanged<R>(env: &Env, call: impl FnOnce() -> R) -> R {
    let before = env.to_ledger_snapshot().ledger_entries;
    let result = call();
    let after = env.to_ledger_snapshot().ledger_entries;
    assert!(before == after, "a refused call changed the ledger");
    result
}

/// A pool id.
pub fn symbol(env: &Env, name: &str) -> Symbol {
    Symbol::new(env, name)
}
