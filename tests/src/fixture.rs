use std::{fmt::Debug, path::PathBuf};

use hashshare_interfaces::{
    EpochPayout, PayoutDistributorClient, PoolConfig, PoolOracleClient, ShareTokenClient,
};
use soroban_sdk::{
    testutils::{
        Address as _, AuthorizedFunction, AuthorizedInvocation, EnvTestConfig, Ledger, Logs,
        MockAuth, MockAuthInvoke,
    },
    token::{StellarAssetClient, TokenClient},
    xdr::{ScErrorCode, ScErrorType},
    Address, Env, Error, InvokeError, String, Symbol, Val, Vec as SorobanVec,
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

/// A pool with `reporters` new reporter accounts, starting at the current ledger time, daily
/// epochs, a one-hour dispute window, capacity fresh for two epochs, and a sustained-capacity
/// window of one epoch (the tests of the window set their own).
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
        capacity_epochs: 1,
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

/// The panic message of `call`, which must panic. Registering a contract whose constructor
/// fails panics (there is no `try_register`), so this is how a test reads a refused
/// deployment's typed error.
pub fn panic_message<R: Debug>(call: impl FnOnce() -> R) -> std::string::String {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)) {
        Ok(value) => panic!("expected a failure, got {value:?}"),
        Err(payload) => payload
            .downcast_ref::<std::string::String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|m| m.to_string()))
            .unwrap_or_else(|| "panic payload of an unexpected type".to_string()),
    }
}

/// A pool id.
pub fn symbol(env: &Env, name: &str) -> Symbol {
    Symbol::new(env, name)
}

/// One hashrate offering on the compiled WASM: an oracle with a registered pool (daily epochs,
/// 5 reporters, quorum 3, one-hour dispute window, capacity fresh for two epochs, a one-epoch
/// capacity window), a share token selling it, and a real payout-distributor of it (fee 0,
/// paying in a fresh Stellar Asset Contract) — wired or not. Every authorization is mocked, so
/// tests can also drive `notify_reward`/`take_accrued` directly as the distributor.
pub struct TokenSuite {
    pub env: Env,
    pub admin: Address,
    pub operator: Address,
    pub distributor: Address,
    pub oracle: PoolOracleClient<'static>,
    pub pool: Symbol,
    pub pool_config: PoolConfig,
    pub token: ShareTokenClient<'static>,
    /// The same token through the SEP-41 client wallets and AMMs use.
    pub sep41: TokenClient<'static>,
    /// The distributor's reward asset.
    pub reward_asset: soroban_sdk::testutils::StellarAssetContract,
    pub fee_recipient: Address,
}

/// The id of the suite's pool.
pub const POOL: &str = "antpool_s19";

/// 1 TH/s per whole share.
pub const TH_PER_SHARE: i128 = 1_000_000_000_000;

impl TokenSuite {
    /// A suite whose token matures `term` seconds from now, with the distributor wired.
    pub fn new(term: u64) -> TokenSuite {
        let suite = TokenSuite::unwired(term);
        suite.token.set_distributor(&suite.distributor);
        suite
    }

    /// As [`TokenSuite::new`], but `set_distributor` not yet called.
    pub fn unwired(term: u64) -> TokenSuite {
        TokenSuite::offering(term, TH_PER_SHARE)
    }

    /// An unwired suite whose token sells `hashrate_per_share` H/s per whole share.
    pub fn offering(term: u64, hashrate_per_share: i128) -> TokenSuite {
        TokenSuite::configured(term, hashrate_per_share, |_| {})
    }

    /// As [`TokenSuite::offering`], with the pool's configuration adjusted by `adjust` before
    /// it is registered.
    pub fn configured(
        term: u64,
        hashrate_per_share: i128,
        adjust: impl FnOnce(&mut PoolConfig),
    ) -> TokenSuite {
        TokenSuite::build(term, hashrate_per_share, 0, adjust)
    }

    /// The unwired suite, its distributor taking `fee_bps`.
    fn build(
        term: u64,
        hashrate_per_share: i128,
        fee_bps: u32,
        adjust: impl FnOnce(&mut PoolConfig),
    ) -> TokenSuite {
        let env = new_env();
        // Non-root: the share token's constructor binds the pool on the oracle, which the
        // pool's operator authorizes inside the deployment (rooted at the create-contract
        // call on the network, but not a contract invocation the test recorder roots at).
        env.mock_all_auths_allowing_non_root_auth();
        let admin = Address::generate(&env);
        let operator = Address::generate(&env);
        let oracle = deploy_oracle(&env, &admin);
        let pool = symbol(&env, POOL);
        let mut pool_config = pool_config(&env, 5, 3);
        pool_config.operator = operator.clone();
        adjust(&mut pool_config);
        oracle.register_pool(&pool, &pool_config);
        let maturity = env.ledger().timestamp() + term;
        let token_id = env.register(
            wasm("share_token").as_slice(),
            (
                admin.clone(),
                operator.clone(),
                oracle.address.clone(),
                pool.clone(),
                String::from_str(&env, "Antpool S19 hashrate 2026"),
                String::from_str(&env, "HASH26"),
                hashrate_per_share,
                maturity,
            ),
        );
        let reward_asset = env.register_stellar_asset_contract_v2(Address::generate(&env));
        let fee_recipient = Address::generate(&env);
        let distributor = env.register(
            wasm("payout_distributor").as_slice(),
            (
                admin.clone(),
                token_id.clone(),
                reward_asset.address(),
                oracle.address.clone(),
                pool.clone(),
                fee_bps,
                fee_recipient.clone(),
            ),
        );
        TokenSuite {
            distributor,
            token: ShareTokenClient::new(&env, &token_id),
            sep41: TokenClient::new(&env, &token_id),
            env,
            admin,
            operator,
            oracle,
            pool,
            pool_config,
            reward_asset,
            fee_recipient,
        }
    }

    /// Moves the clock to the start of the next epoch and returns that epoch.
    pub fn to_next_epoch(&self) -> u64 {
        let c = &self.pool_config;
        let epoch = self.oracle.current_epoch(&self.pool) + 1;
        let start = c.genesis + epoch * c.epoch_seconds;
        advance(&self.env, start - self.env.ledger().timestamp());
        epoch
    }

    /// The end of `epoch` (the start of the next), in ledger time.
    pub fn end_of(&self, epoch: u64) -> u64 {
        self.pool_config.genesis + (epoch + 1) * self.pool_config.epoch_seconds
    }

    /// Moves the clock to the moment `t` (never back).
    pub fn to_moment(&self, t: u64) {
        let now = self.env.ledger().timestamp();
        assert!(t >= now, "cannot go back in time");
        advance(&self.env, t - now);
    }

    /// Every listed reporter submits `epoch`'s values now (the round completes and finalizes;
    /// it is effective a dispute window later).
    pub fn report_now(&self, epoch: u64, hashrate: i128, reward: i128) {
        for r in self.pool_config.reporters.iter() {
            self.oracle
                .submit(&r, &self.pool, &epoch, &hashrate, &reward);
        }
    }

    /// Makes `hashrate` the oracle's capacity: the current epoch is let run out, attested by
    /// every reporter (which finalizes it at once), and its dispute window passed. Returns the
    /// attested epoch.
    pub fn attest(&self, hashrate: i128, reward: i128) -> u64 {
        let c = &self.pool_config;
        let epoch = self.oracle.current_epoch(&self.pool);
        let end = c.genesis + (epoch + 1) * c.epoch_seconds;
        advance(&self.env, end - self.env.ledger().timestamp());
        for reporter in c.reporters.iter() {
            self.oracle
                .submit(&reporter, &self.pool, &epoch, &hashrate, &reward);
        }
        advance(&self.env, c.dispute_seconds);
        epoch
    }
}

/// The whole suite on the compiled WASM: a [`TokenSuite`] whose distributor is the real
/// payout-distributor, paying in a real Stellar Asset Contract (the reward asset), with the
/// operator funded to pay its debts and its mints' top-ups (on an allowance to the
/// distributor). Every authorization is mocked.
pub struct Suite {
    pub base: TokenSuite,
    pub distributor: PayoutDistributorClient<'static>,
    /// The reward asset (e.g. a wrapped BTC), through SEP-41.
    pub reward: TokenClient<'static>,
    /// The reward asset's issuer interface, to fund accounts.
    pub reward_issuer: StellarAssetClient<'static>,
    pub fee_recipient: Address,
}

impl std::ops::Deref for Suite {
    type Target = TokenSuite;
    fn deref(&self) -> &TokenSuite {
        &self.base
    }
}

impl Suite {
    /// Token maturing `term` seconds from now, distributor taking `fee_bps`, operator funded
    /// with `funds` of the reward asset.
    pub fn new(term: u64, fee_bps: u32, funds: i128) -> Suite {
        Suite::offering(term, fee_bps, funds, TH_PER_SHARE)
    }

    /// As [`Suite::new`], with shares of `hashrate_per_share` H/s each.
    pub fn offering(term: u64, fee_bps: u32, funds: i128, hashrate_per_share: i128) -> Suite {
        Suite::configured(term, fee_bps, funds, hashrate_per_share, |_| {})
    }

    /// As [`Suite::offering`], with the pool's configuration adjusted by `adjust`.
    pub fn configured(
        term: u64,
        fee_bps: u32,
        funds: i128,
        hashrate_per_share: i128,
        adjust: impl FnOnce(&mut PoolConfig),
    ) -> Suite {
        let base = TokenSuite::build(term, hashrate_per_share, fee_bps, adjust);
        let env = &base.env;
        base.token.set_distributor(&base.distributor);
        let reward_issuer = StellarAssetClient::new(env, &base.reward_asset.address());
        if funds > 0 {
            reward_issuer.mint(&base.operator, &funds);
        }
        let suite = Suite {
            distributor: PayoutDistributorClient::new(env, &base.distributor),
            reward: TokenClient::new(env, &base.reward_asset.address()),
            reward_issuer,
            fee_recipient: base.fee_recipient.clone(),
            base,
        };
        suite.approve_topups(&suite.operator.clone());
        suite
    }

    /// Records every epoch not yet recorded up to `epoch` (epochs are recorded in order) and
    /// returns `epoch`'s payout.
    pub fn record_through(&self, epoch: u64) -> EpochPayout {
        for earlier in self.distributor.next_epoch()..epoch {
            self.distributor.record(&earlier);
        }
        self.distributor.record(&epoch)
    }

    /// Pays `epoch` in full from the operator — its `due`, top-up included — recording it and
    /// every earlier epoch first; returns what it took.
    pub fn pay_in_full(&self, epoch: u64) -> i128 {
        self.record_through(epoch);
        let due = self.distributor.due(&epoch);
        self.distributor.deposit(&self.operator, &epoch, &due);
        due
    }

    /// Lets the distributor take `minter`'s mint top-ups, for as long as an allowance can live.
    pub fn approve_topups(&self, minter: &Address) {
        let ledger = self.env.ledger().get();
        let live_until = ledger.sequence_number + ledger.max_entry_ttl - 1;
        self.reward
            .approve(minter, &self.distributor.address, &i128::MAX, &live_until);
    }
}

/// A rig-nft vault on `s`'s offering: the collection "Antpool S19 rigs" (`RIG26`), its pages
/// under `https://rigs.example/`, administered by the suite's admin.
pub fn deploy_vault(s: &Suite) -> rig_nft::RigNftClient<'static> {
    let id = s.env.register(
        wasm("rig_nft").as_slice(),
        (
            s.admin.clone(),
            s.token.address.clone(),
            s.distributor.address.clone(),
            String::from_str(&s.env, "Antpool S19 rigs"),
            String::from_str(&s.env, "RIG26"),
            String::from_str(&s.env, "https://rigs.example/"),
        ),
    );
    rig_nft::RigNftClient::new(&s.env, &id)
}

/// Asserts that `call` is refused with `error` and changes no ledger entry.
pub fn refuse<T: Debug, C: Debug>(
    env: &Env,
    error: impl Into<Error>,
    call: impl FnOnce() -> TryResult<T, C>,
) {
    assert_unchanged(env, || assert_error(call(), error));
}

/// Asserts that `call` is refused for a missing signature and changes no ledger entry.
pub fn refuse_auth<T: Debug, C: Debug>(env: &Env, call: impl FnOnce() -> TryResult<T, C>) {
    assert_unchanged(env, || assert_auth_error(env, call()));
}

/// One node of an authorization tree: `contract.fn_name(args)` with `subs` under it.
pub fn invocation(
    env: &Env,
    contract: &Address,
    fn_name: &str,
    args: SorobanVec<Val>,
    subs: std::vec::Vec<AuthorizedInvocation>,
) -> AuthorizedInvocation {
    AuthorizedInvocation {
        function: AuthorizedFunction::Contract((contract.clone(), Symbol::new(env, fn_name), args)),
        sub_invocations: subs,
    }
}

/// Asserts that the last top-level invocation asked exactly one authorization: `signer`'s,
/// over exactly `tree`.
pub fn assert_auth_tree(env: &Env, signer: &Address, tree: AuthorizedInvocation) {
    assert_eq!(env.auths(), std::vec![(signer.clone(), tree)]);
}

/// As [`assert_auth_tree`], for a tree with no sub-invocation.
pub fn assert_signed_by(
    env: &Env,
    signer: &Address,
    contract: &Address,
    fn_name: &str,
    args: SorobanVec<Val>,
) {
    assert_auth_tree(
        env,
        signer,
        invocation(env, contract, fn_name, args, std::vec![]),
    );
}
