//! share-token end to end, on the compiled WASM: SEP-41 conformance (functions and events),
//! allowances, refused inputs, the no-ops the Stellar Asset Contract also accepts (zero
//! amounts, self transfers), the hashrate mint cap, and who must sign what.
//!
//! Which test triggers which `ShareTokenError` (203, `SelfTransfer`, no longer exists: self
//! transfers succeed as no-ops):
//!
//! - 200 InvalidAmount: negative_amounts_and_zero_mints_are_refused_without_state_change
//! - 201 InsufficientBalance: insufficient_balance_is_refused_without_state_change,
//!   self_transfers_succeed_as_no_ops_within_the_balance
//! - 202 InsufficientAllowance: insufficient_allowance_is_refused_without_state_change,
//!   allowance_is_live_through_its_expiration_ledger_and_not_after,
//!   transfer_from_spends_exactly_the_amount_and_emits_a_plain_transfer_event,
//!   approve_of_zero_with_a_past_ledger_is_allowed_and_revokes
//! - 204 InvalidExpiration: approve_refuses_an_expiration_outside_the_live_range
//! - 205 Paused: pause_blocks_transfers_mints_and_burns_until_unpause
//! - 206 DistributorNotSet: nothing_mints_or_streams_before_set_distributor
//! - 207 DistributorAlreadySet: set_distributor_is_allowed_exactly_once
//! - 208 Matured: no_mint_at_or_after_maturity
//! - 209 CapacityExceeded: minting_stops_exactly_at_the_attested_capacity,
//!   the_cap_rounds_a_fractional_base_unit_of_capacity_down,
//!   the_cap_floors_with_a_hashrate_per_share_that_does_not_divide,
//!   stale_capacity_stops_minting, a_report_inside_its_dispute_window_gives_no_capacity,
//!   a_disputed_report_gives_no_capacity, a_disputed_higher_report_does_not_raise_the_cap,
//!   the_cap_is_the_sustained_capacity_of_the_window
//! - 210 Overflow: share_token_rewards.rs, reward_amounts_are_checked
//! - 211 NoPendingAdmin: accept_admin_without_a_proposal_is_refused
//! - 212 InvalidConfig: constructor_refuses_a_non_positive_hashrate_per_share,
//!   set_distributor_refuses_anything_but_a_distributor_of_this_token
//!
//! Holders that must sign under `authorize` are contract addresses (`Address::generate`):
//! the SDK's `mock_auths` cannot sign for a Stellar account. Muxed recipients are accounts.

use hashshare_interfaces::SHARE_UNIT;
use hashshare_tests::{
    fixture::{
        advance, assert_auth_error, assert_error, assert_unchanged, authorize, panic_message, wasm,
        TokenSuite, START, TH_PER_SHARE,
    },
    measure::written_keys,
};
use share_token::ShareTokenError;
use soroban_sdk::{
    testutils::{
        Address as _, AuthorizedFunction, AuthorizedInvocation, Events as _, Ledger, Logs as _,
        MuxedAddress as _,
    },
    token::TokenClient,
    vec,
    xdr::{self, ScAddress, ScSymbol, ScVal},
    Address, Env, Error, Event, IntoVal, MuxedAddress, String, Symbol, Val, Vec,
};
use soroban_token_sdk::events::{
    Approve, Burn, MintWithAmountOnly, Transfer, TransferWithAmountOnly,
};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
/// The term of every offering here, long enough never to matter unless a test says so.
const TERM: u64 = 365 * DAY;
/// One whole share in base units (7 decimals).
const SHARE: i128 = SHARE_UNIT;

/// A wired suite with 100 TH/s attested (so up to 100 whole shares may exist) and a fresh
/// `holder` (a contract address, so `authorize` can sign for it) owning `shares` whole
/// shares. The clock is one hour into epoch 1: the capacity stays fresh until epoch 2 ends.
fn suite_with_holder(shares: i128) -> (TokenSuite, Address) {
    let s = TokenSuite::new(TERM);
    s.attest(100 * TH_PER_SHARE, 0);
    let holder = Address::generate(&s.env);
    s.token.mint(&holder, &(shares * SHARE));
    (s, holder)
}

/// A Stellar account address (not a contract address): only accounts can be multiplexed.
/// (`Address::generate` makes contract addresses, which `authorize` needs for signers.)
fn account(env: &Env) -> Address {
    MuxedAddress::generate(env).address()
}

/// The current ledger sequence number.
fn ledger(env: &Env) -> u32 {
    env.ledger().sequence()
}

/// Moves the ledger sequence forward by `ledgers`, leaving the clock alone.
fn advance_ledgers(env: &Env, ledgers: u32) {
    env.ledger().with_mut(|l| l.sequence_number += ledgers);
}

/// Every listed reporter attests the ended `epoch` now: the round is complete, so the report
/// is finalized at once (and effective `dispute_seconds` later).
fn attest_now(s: &TokenSuite, epoch: u64, hashrate: i128) {
    for reporter in s.pool_config.reporters.iter() {
        s.oracle.submit(&reporter, &s.pool, &epoch, &hashrate, &0);
    }
}

/// Registers another share token on the suite's oracle and pool, with `hashrate_per_share`.
fn register_token(s: &TokenSuite, hashrate_per_share: i128) -> Address {
    s.env.register(
        wasm("share_token").as_slice(),
        (
            s.admin.clone(),
            s.operator.clone(),
            s.oracle.address.clone(),
            s.pool.clone(),
            String::from_str(&s.env, "Odd hashrate"),
            String::from_str(&s.env, "ODD"),
            hashrate_per_share,
            START + TERM,
        ),
    )
}

/// Asserts that the last top-level invocation asked exactly one authorization: `signer`'s, of
/// `fn_name(args)` on `contract`, with no sub-invocation.
fn assert_signed_by(
    env: &Env,
    signer: &Address,
    contract: &Address,
    fn_name: &str,
    args: Vec<Val>,
) {
    assert_eq!(
        env.auths(),
        std::vec![(
            signer.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    contract.clone(),
                    Symbol::new(env, fn_name),
                    args,
                )),
                sub_invocations: std::vec![],
            }
        )]
    );
}

/// The events the token emitted in the last top-level invocation.
fn token_events(s: &TokenSuite) -> soroban_sdk::testutils::ContractEvents {
    s.env.events().all().filter_by_contract(&s.token.address)
}

/// The token's ledger entries `call` created, changed or removed (TTL extensions aside). A
/// signer's auth nonce is its own entry, not the token's, so a no-op writes none.
fn token_writes<R>(s: &TokenSuite, call: impl FnOnce() -> R) -> std::vec::Vec<xdr::LedgerKey> {
    let token = ScAddress::from(&s.token.address);
    written_keys(&s.env, call)
        .into_iter()
        .filter(|key| matches!(key, xdr::LedgerKey::ContractData(d) if d.contract == token))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1–2. SEP-41 functions and events
// ---------------------------------------------------------------------------------------------

#[test]
fn sep41_metadata_and_reads() {
    let s = TokenSuite::new(TERM);
    let nobody = Address::generate(&s.env);
    let other = Address::generate(&s.env);
    assert_eq!(s.sep41.decimals(), 7);
    assert_eq!(
        s.sep41.name(),
        String::from_str(&s.env, "Antpool S19 hashrate 2026")
    );
    assert_eq!(s.sep41.symbol(), String::from_str(&s.env, "HASH26"));
    assert_eq!(s.sep41.balance(&nobody), 0);
    assert_eq!(s.sep41.allowance(&nobody, &other), 0);
    assert_eq!(s.token.total_supply(), 0);
}

#[test]
fn mint_credits_the_holder_and_emits_the_sep41_mint_event() {
    let s = TokenSuite::new(TERM);
    s.attest(100 * TH_PER_SHARE, 0);
    let alice = account(&s.env);
    s.token.mint(&alice, &(7 * SHARE));
    assert_eq!(
        token_events(&s),
        [MintWithAmountOnly {
            to: alice.clone(),
            amount: 7 * SHARE
        }
        .to_xdr(&s.env, &s.token.address)]
    );
    // By hand too: topics ["mint", to], data the bare i128.
    let topics: Vec<Val> = (Symbol::new(&s.env, "mint"), alice.clone()).into_val(&s.env);
    assert_eq!(
        token_events(&s),
        vec![
            &s.env,
            (
                s.token.address.clone(),
                topics,
                (7 * SHARE).into_val(&s.env)
            )
        ]
    );
    assert_eq!(s.sep41.balance(&alice), 7 * SHARE);
    assert_eq!(s.token.total_supply(), 7 * SHARE);
}

#[test]
fn transfer_to_a_plain_address_moves_balances_and_emits_the_sep41_event() {
    let (s, alice) = suite_with_holder(10);
    let bob = account(&s.env);
    s.sep41
        .transfer(&alice, MuxedAddress::from(bob.clone()), &(3 * SHARE + 25));
    // Events (like `env.auths()`) belong to the last invocation: read them before any other call.
    let events = token_events(&s);
    assert_eq!(
        events,
        [TransferWithAmountOnly {
            from: alice.clone(),
            to: bob.clone(),
            amount: 3 * SHARE + 25
        }
        .to_xdr(&s.env, &s.token.address)]
    );
    // The raw shape, by hand, without trusting the struct: one contract event, topics
    // [Symbol("transfer"), from, to], data a bare i128.
    assert_eq!(events.events().len(), 1);
    let event = &events.events()[0];
    assert_eq!(event.type_, xdr::ContractEventType::Contract);
    let ScAddress::Contract(token_id) = ScAddress::from(&s.token.address) else {
        panic!("the token is a contract");
    };
    assert_eq!(event.contract_id, Some(token_id));
    let xdr::ContractEventBody::V0(body) = &event.body;
    let topics: std::vec::Vec<ScVal> = body.topics.iter().cloned().collect();
    assert_eq!(
        topics,
        std::vec![
            ScVal::Symbol(ScSymbol("transfer".try_into().unwrap())),
            ScVal::Address(ScAddress::from(&alice)),
            ScVal::Address(ScAddress::from(&bob)),
        ]
    );
    assert_eq!(
        body.data,
        ScVal::I128(xdr::Int128Parts {
            hi: 0,
            lo: 3 * SHARE as u64 + 25
        })
    );
    assert_eq!(s.sep41.balance(&alice), 7 * SHARE - 25);
    assert_eq!(s.sep41.balance(&bob), 3 * SHARE + 25);
    assert_eq!(s.token.total_supply(), 10 * SHARE);
}

#[test]
fn transfer_to_a_muxed_address_credits_the_account_and_emits_its_muxed_id() {
    let (s, alice) = suite_with_holder(10);
    let bob = account(&s.env);
    let bob_muxed = MuxedAddress::new(bob.clone(), 42);
    assert_eq!(bob_muxed.address(), bob);
    assert_eq!(bob_muxed.id(), Some(42));
    s.sep41.transfer(&alice, &bob_muxed, &(2 * SHARE));
    assert_signed_by(
        &s.env,
        &alice,
        &s.token.address,
        "transfer",
        (alice.clone(), bob_muxed.clone(), 2 * SHARE).into_val(&s.env),
    );
    assert_eq!(
        token_events(&s),
        [Transfer {
            from: alice.clone(),
            to: bob.clone(),
            to_muxed_id: Some(42),
            amount: 2 * SHARE
        }
        .to_xdr(&s.env, &s.token.address)]
    );
    // The data is the SEP-41 map {amount, to_muxed_id}; the topics carry the plain address.
    let events = token_events(&s);
    let xdr::ContractEventBody::V0(body) = &events.events()[0].body;
    assert_eq!(
        body.topics[2],
        ScVal::Address(ScAddress::from(&bob)),
        "the muxed id must not leak into the topics"
    );
    let ScVal::Map(Some(map)) = &body.data else {
        panic!("muxed transfer data must be a map, got {:?}", body.data);
    };
    let keys: std::vec::Vec<ScVal> = map.iter().map(|e| e.key.clone()).collect();
    assert_eq!(
        keys,
        std::vec![
            ScVal::Symbol(ScSymbol("amount".try_into().unwrap())),
            ScVal::Symbol(ScSymbol("to_muxed_id".try_into().unwrap())),
        ]
    );
    assert_eq!(map[1].val, ScVal::U64(42));
    assert_eq!(s.sep41.balance(&alice), 8 * SHARE);
    assert_eq!(s.sep41.balance(&bob), 2 * SHARE);

    // A muxed id of 0 is still a muxed address, and still reported.
    s.sep41
        .transfer(&alice, MuxedAddress::new(bob.clone(), 0), &1);
    assert_eq!(
        token_events(&s),
        [Transfer {
            from: alice.clone(),
            to: bob.clone(),
            to_muxed_id: Some(0),
            amount: 1
        }
        .to_xdr(&s.env, &s.token.address)]
    );
    assert_eq!(s.sep41.balance(&bob), 2 * SHARE + 1);
}

#[test]
fn approve_sets_the_allowance_and_emits_the_sep41_event() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let until = ledger(&s.env) + 500;
    s.sep41.approve(&alice, &spender, &(4 * SHARE), &until);
    assert_eq!(
        token_events(&s),
        [Approve {
            from: alice.clone(),
            spender: spender.clone(),
            amount: 4 * SHARE,
            expiration_ledger: until
        }
        .to_xdr(&s.env, &s.token.address)]
    );
    // Data is the vec [amount, expiration_ledger], topics ["approve", from, spender].
    let topics: Vec<Val> = (
        Symbol::new(&s.env, "approve"),
        alice.clone(),
        spender.clone(),
    )
        .into_val(&s.env);
    let data: Vec<Val> = (4 * SHARE, until).into_val(&s.env);
    assert_eq!(
        token_events(&s),
        vec![
            &s.env,
            (s.token.address.clone(), topics, data.into_val(&s.env))
        ]
    );
    assert_eq!(s.sep41.allowance(&alice, &spender), 4 * SHARE);
    // An allowance is per (from, spender): nobody else gained one.
    assert_eq!(s.sep41.allowance(&spender, &alice), 0);
}

#[test]
fn transfer_from_spends_exactly_the_amount_and_emits_a_plain_transfer_event() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let carol = account(&s.env);
    let until = ledger(&s.env) + 500;
    s.sep41.approve(&alice, &spender, &(5 * SHARE), &until);
    s.sep41
        .transfer_from(&spender, &alice, &carol, &(2 * SHARE + 1));
    assert_eq!(
        token_events(&s),
        [TransferWithAmountOnly {
            from: alice.clone(),
            to: carol.clone(),
            amount: 2 * SHARE + 1
        }
        .to_xdr(&s.env, &s.token.address)]
    );
    assert_eq!(s.sep41.allowance(&alice, &spender), 3 * SHARE - 1);
    assert_eq!(s.sep41.balance(&alice), 8 * SHARE - 1);
    assert_eq!(s.sep41.balance(&carol), 2 * SHARE + 1);
    assert_eq!(s.sep41.balance(&spender), 0);
    // Spending the rest leaves exactly 0.
    s.sep41
        .transfer_from(&spender, &alice, &carol, &(3 * SHARE - 1));
    assert_eq!(s.sep41.allowance(&alice, &spender), 0);
    assert_eq!(s.sep41.balance(&carol), 5 * SHARE);
    assert_error(
        s.sep41.try_transfer_from(&spender, &alice, &carol, &1),
        ShareTokenError::InsufficientAllowance,
    );
}

#[test]
fn burn_and_burn_from_destroy_shares_and_emit_the_sep41_burn_event() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    s.sep41.burn(&alice, &(SHARE + 3));
    assert_eq!(
        token_events(&s),
        [Burn {
            from: alice.clone(),
            amount: SHARE + 3
        }
        .to_xdr(&s.env, &s.token.address)]
    );
    assert_eq!(s.sep41.balance(&alice), 9 * SHARE - 3);
    assert_eq!(s.token.total_supply(), 9 * SHARE - 3);

    s.sep41
        .approve(&alice, &spender, &(4 * SHARE), &(ledger(&s.env) + 100));
    s.sep41.burn_from(&spender, &alice, &(3 * SHARE));
    assert_eq!(
        token_events(&s),
        [Burn {
            from: alice.clone(),
            amount: 3 * SHARE
        }
        .to_xdr(&s.env, &s.token.address)]
    );
    assert_eq!(s.sep41.allowance(&alice, &spender), SHARE);
    assert_eq!(s.sep41.balance(&alice), 6 * SHARE - 3);
    assert_eq!(s.token.total_supply(), 6 * SHARE - 3);
    // Burnt shares free capacity: the supply may grow back to the cap.
    s.token.mint(&alice, &(94 * SHARE + 3));
    assert_eq!(s.token.total_supply(), 100 * SHARE);
}

// ---------------------------------------------------------------------------------------------
// 3. Allowances: expiry, overwrite, spend
// ---------------------------------------------------------------------------------------------

#[test]
fn allowance_is_live_through_its_expiration_ledger_and_not_after() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let bob = account(&s.env);
    // Far beyond the 16-ledger minimum TTL of a temporary entry, so the contract itself must
    // extend the allowance entry to its expiration ledger.
    let until = ledger(&s.env) + 1_000;
    s.sep41.approve(&alice, &spender, &(5 * SHARE), &until);
    advance_ledgers(&s.env, 999);
    assert_eq!(ledger(&s.env), until - 1);
    assert_eq!(s.sep41.allowance(&alice, &spender), 5 * SHARE);
    advance_ledgers(&s.env, 1);
    assert_eq!(ledger(&s.env), until);
    assert_eq!(s.sep41.allowance(&alice, &spender), 5 * SHARE);
    s.sep41.transfer_from(&spender, &alice, &bob, &SHARE);
    assert_eq!(s.sep41.allowance(&alice, &spender), 4 * SHARE);

    advance_ledgers(&s.env, 1);
    assert_eq!(s.sep41.allowance(&alice, &spender), 0);
    assert_unchanged(&s.env, || {
        assert_error(
            s.sep41.try_transfer_from(&spender, &alice, &bob, &SHARE),
            ShareTokenError::InsufficientAllowance,
        );
        assert_error(
            s.sep41.try_burn_from(&spender, &alice, &SHARE),
            ShareTokenError::InsufficientAllowance,
        );
    });
    assert_eq!(s.sep41.balance(&alice), 9 * SHARE);
    assert_eq!(s.sep41.balance(&bob), SHARE);
}

#[test]
fn an_allowance_until_the_current_ledger_is_usable_in_that_ledger_only() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let now = ledger(&s.env);
    s.sep41.approve(&alice, &spender, &SHARE, &now);
    assert_eq!(s.sep41.allowance(&alice, &spender), SHARE);
    advance_ledgers(&s.env, 1);
    assert_eq!(s.sep41.allowance(&alice, &spender), 0);
}

#[test]
fn approve_refuses_an_expiration_outside_the_live_range() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let now = ledger(&s.env);
    let max = s.env.ledger().max_live_until_ledger();
    s.sep41.approve(&alice, &spender, &SHARE, &(now + 10));
    for until in [now - 1, 0, max + 1, u32::MAX] {
        assert_unchanged(&s.env, || {
            assert_error(
                s.sep41.try_approve(&alice, &spender, &(2 * SHARE), &until),
                ShareTokenError::InvalidExpiration,
            )
        });
    }
    assert_eq!(s.sep41.allowance(&alice, &spender), SHARE);
    // The longest-lived allowance the network allows is accepted.
    s.sep41.approve(&alice, &spender, &(2 * SHARE), &max);
    assert_eq!(s.sep41.allowance(&alice, &spender), 2 * SHARE);
}

#[test]
fn approve_of_zero_with_a_past_ledger_is_allowed_and_revokes() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let bob = account(&s.env);
    let now = ledger(&s.env);
    s.sep41
        .approve(&alice, &spender, &(3 * SHARE), &(now + 100));
    s.sep41.approve(&alice, &spender, &0, &(now - 1));
    assert_eq!(
        token_events(&s),
        [Approve {
            from: alice.clone(),
            spender: spender.clone(),
            amount: 0,
            expiration_ledger: now - 1
        }
        .to_xdr(&s.env, &s.token.address)]
    );
    assert_eq!(s.sep41.allowance(&alice, &spender), 0);
    assert_error(
        s.sep41.try_transfer_from(&spender, &alice, &bob, &1),
        ShareTokenError::InsufficientAllowance,
    );
    // And with ledger 0 on an account that never approved anything.
    s.sep41.approve(&bob, &spender, &0, &0);
    assert_eq!(s.sep41.allowance(&bob, &spender), 0);
}

#[test]
fn approve_overwrites_rather_than_adds() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let bob = account(&s.env);
    let now = ledger(&s.env);
    s.sep41
        .approve(&alice, &spender, &(5 * SHARE), &(now + 100));
    s.sep41
        .approve(&alice, &spender, &(2 * SHARE), &(now + 200));
    assert_eq!(s.sep41.allowance(&alice, &spender), 2 * SHARE);
    // A partly spent allowance is replaced, not topped up.
    s.sep41.transfer_from(&spender, &alice, &bob, &SHARE);
    assert_eq!(s.sep41.allowance(&alice, &spender), SHARE);
    s.sep41.approve(&alice, &spender, &(3 * SHARE), &(now + 50));
    assert_eq!(s.sep41.allowance(&alice, &spender), 3 * SHARE);
    // The new expiration replaced the old one too.
    advance_ledgers(&s.env, 51);
    assert_eq!(s.sep41.allowance(&alice, &spender), 0);
}

#[test]
fn transfer_from_and_burn_from_reduce_the_allowance_by_exactly_the_amount() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let bob = account(&s.env);
    let until = ledger(&s.env) + 100;
    s.sep41.approve(&alice, &spender, &(7 * SHARE), &until);
    let mut expected = 7 * SHARE;
    for amount in [1, SHARE, 2 * SHARE + 7] {
        s.sep41.transfer_from(&spender, &alice, &bob, &amount);
        expected -= amount;
        assert_eq!(s.sep41.allowance(&alice, &spender), expected);
        s.sep41.burn_from(&spender, &alice, &amount);
        expected -= amount;
        assert_eq!(s.sep41.allowance(&alice, &spender), expected);
    }
    assert_eq!(expected, 7 * SHARE - 2 * (3 * SHARE + 8));
    assert_eq!(s.sep41.balance(&bob), 3 * SHARE + 8);
    assert_eq!(s.sep41.balance(&alice), 10 * SHARE - 2 * (3 * SHARE + 8));
    assert_eq!(s.token.total_supply(), 10 * SHARE - (3 * SHARE + 8));
}

// ---------------------------------------------------------------------------------------------
// 4. Bad inputs: typed error, nothing changed
// ---------------------------------------------------------------------------------------------

#[test]
fn insufficient_balance_is_refused_without_state_change() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let bob = account(&s.env);
    s.sep41
        .approve(&alice, &spender, &(50 * SHARE), &(ledger(&s.env) + 100));
    let over = 10 * SHARE + 1;
    assert_unchanged(&s.env, || {
        assert_error(
            s.sep41.try_transfer(&alice, &bob, &over),
            ShareTokenError::InsufficientBalance,
        );
        assert_error(
            s.sep41.try_transfer_from(&spender, &alice, &bob, &over),
            ShareTokenError::InsufficientBalance,
        );
        assert_error(
            s.sep41.try_burn(&alice, &over),
            ShareTokenError::InsufficientBalance,
        );
        assert_error(
            s.sep41.try_burn_from(&spender, &alice, &over),
            ShareTokenError::InsufficientBalance,
        );
        // An account that never held anything.
        assert_error(
            s.sep41.try_transfer(&bob, &alice, &1),
            ShareTokenError::InsufficientBalance,
        );
        assert_error(
            s.sep41.try_burn(&bob, &1),
            ShareTokenError::InsufficientBalance,
        );
    });
    assert_eq!(s.sep41.allowance(&alice, &spender), 50 * SHARE);
    // The whole balance, not a base unit more, can move.
    s.sep41.transfer(&alice, &bob, &(10 * SHARE));
    assert_eq!(
        (s.sep41.balance(&alice), s.sep41.balance(&bob)),
        (0, 10 * SHARE)
    );
}

#[test]
fn insufficient_allowance_is_refused_without_state_change() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let bob = account(&s.env);
    // No allowance at all.
    assert_unchanged(&s.env, || {
        assert_error(
            s.sep41.try_transfer_from(&spender, &alice, &bob, &1),
            ShareTokenError::InsufficientAllowance,
        );
        assert_error(
            s.sep41.try_burn_from(&spender, &alice, &1),
            ShareTokenError::InsufficientAllowance,
        );
    });
    // One base unit too little.
    s.sep41
        .approve(&alice, &spender, &(3 * SHARE), &(ledger(&s.env) + 100));
    assert_unchanged(&s.env, || {
        assert_error(
            s.sep41
                .try_transfer_from(&spender, &alice, &bob, &(3 * SHARE + 1)),
            ShareTokenError::InsufficientAllowance,
        );
        assert_error(
            s.sep41.try_burn_from(&spender, &alice, &(3 * SHARE + 1)),
            ShareTokenError::InsufficientAllowance,
        );
    });
    // Someone else's allowance is not this spender's.
    assert_unchanged(&s.env, || {
        assert_error(
            s.sep41.try_transfer_from(&bob, &alice, &bob, &1),
            ShareTokenError::InsufficientAllowance,
        )
    });
    assert_eq!(s.sep41.allowance(&alice, &spender), 3 * SHARE);
    assert_eq!(s.sep41.balance(&alice), 10 * SHARE);
}

#[test]
fn negative_amounts_and_zero_mints_are_refused_without_state_change() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let bob = account(&s.env);
    let until = ledger(&s.env) + 100;
    s.sep41.approve(&alice, &spender, &(5 * SHARE), &until);
    // A mint must create something: zero is refused like a negative amount.
    for amount in [0, -1, i128::MIN] {
        assert_unchanged(&s.env, || {
            assert_error(
                s.token.try_mint(&bob, &amount),
                ShareTokenError::InvalidAmount,
            )
        });
    }
    for amount in [-1, -SHARE, i128::MIN] {
        assert_unchanged(&s.env, || {
            assert_error(
                s.sep41.try_transfer_from(&spender, &alice, &bob, &amount),
                ShareTokenError::InvalidAmount,
            );
            assert_error(
                s.sep41.try_transfer_from(&spender, &alice, &alice, &amount),
                ShareTokenError::InvalidAmount,
            );
            assert_error(
                s.sep41.try_burn(&alice, &amount),
                ShareTokenError::InvalidAmount,
            );
            assert_error(
                s.sep41.try_burn_from(&spender, &alice, &amount),
                ShareTokenError::InvalidAmount,
            );
            assert_error(
                s.sep41.try_approve(&alice, &spender, &amount, &until),
                ShareTokenError::InvalidAmount,
            );
            assert_error(
                s.sep41.try_transfer(&alice, &bob, &amount),
                ShareTokenError::InvalidAmount,
            );
            assert_error(
                s.sep41
                    .try_transfer(&alice, MuxedAddress::new(bob.clone(), 9), &amount),
                ShareTokenError::InvalidAmount,
            );
            // To oneself too: a negative amount is never a no-op.
            assert_error(
                s.sep41.try_transfer(&alice, &alice, &amount),
                ShareTokenError::InvalidAmount,
            );
        });
    }
    assert_eq!(s.sep41.allowance(&alice, &spender), 5 * SHARE);
    assert_eq!(s.sep41.balance(&alice), 10 * SHARE);
    assert_eq!(s.token.total_supply(), 10 * SHARE);
}

/// As the Stellar Asset Contract: moving or burning nothing succeeds, needs no allowance, emits
/// exactly the SEP-41 event (amount 0) and writes no entry of the token, not even a new
/// recipient's.
#[test]
fn zero_amounts_succeed_as_no_ops_with_exactly_the_sep41_event() {
    let (s, alice) = suite_with_holder(10);
    let (bob, spender) = (account(&s.env), account(&s.env));
    let t = &s.token.address;

    assert_eq!(token_writes(&s, || s.sep41.transfer(&alice, &bob, &0)), []);
    assert_eq!(
        token_events(&s),
        [TransferWithAmountOnly {
            from: alice.clone(),
            to: bob.clone(),
            amount: 0
        }
        .to_xdr(&s.env, t)]
    );
    let bob_muxed = MuxedAddress::new(bob.clone(), 7);
    assert_eq!(
        token_writes(&s, || s.sep41.transfer(&alice, &bob_muxed, &0)),
        []
    );
    assert_eq!(
        token_events(&s),
        [Transfer {
            from: alice.clone(),
            to: bob.clone(),
            to_muxed_id: Some(7),
            amount: 0
        }
        .to_xdr(&s.env, t)]
    );
    // No allowance at all: spending nothing needs none.
    assert_eq!(s.sep41.allowance(&alice, &spender), 0);
    assert_eq!(
        token_writes(&s, || s.sep41.transfer_from(&spender, &alice, &bob, &0)),
        []
    );
    assert_eq!(
        token_events(&s),
        [TransferWithAmountOnly {
            from: alice.clone(),
            to: bob.clone(),
            amount: 0
        }
        .to_xdr(&s.env, t)]
    );
    assert_eq!(token_writes(&s, || s.sep41.burn(&alice, &0)), []);
    assert_eq!(
        token_events(&s),
        [Burn {
            from: alice.clone(),
            amount: 0
        }
        .to_xdr(&s.env, t)]
    );
    assert_eq!(
        token_writes(&s, || s.sep41.burn_from(&spender, &alice, &0)),
        []
    );
    assert_eq!(
        token_events(&s),
        [Burn {
            from: alice.clone(),
            amount: 0
        }
        .to_xdr(&s.env, t)]
    );
    // An account that holds nothing may move nothing too.
    assert_eq!(token_writes(&s, || s.sep41.transfer(&bob, &alice, &0)), []);
    assert_eq!(
        token_events(&s),
        [TransferWithAmountOnly {
            from: bob.clone(),
            to: alice.clone(),
            amount: 0
        }
        .to_xdr(&s.env, t)]
    );

    assert_eq!(s.sep41.balance(&alice), 10 * SHARE);
    assert_eq!(s.sep41.balance(&bob), 0);
    assert_eq!(s.sep41.allowance(&alice, &spender), 0);
    assert_eq!(s.token.total_supply(), 10 * SHARE);
}

/// As the Stellar Asset Contract: a transfer to oneself succeeds and changes no balance, as
/// long as the sender holds the amount; `transfer_from` to the owner still spends the
/// allowance.
#[test]
fn self_transfers_succeed_as_no_ops_within_the_balance() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let carol = account(&s.env);
    let t = &s.token.address;
    s.sep41.transfer(&alice, &carol, &(2 * SHARE));
    s.sep41
        .approve(&alice, &spender, &(5 * SHARE), &(ledger(&s.env) + 100));

    assert_eq!(
        token_writes(&s, || s.sep41.transfer(&alice, &alice, &SHARE)),
        []
    );
    assert_eq!(
        token_events(&s),
        [TransferWithAmountOnly {
            from: alice.clone(),
            to: alice.clone(),
            amount: SHARE
        }
        .to_xdr(&s.env, t)]
    );
    // The whole balance, to oneself.
    assert_eq!(
        token_writes(&s, || s.sep41.transfer(&alice, &alice, &(8 * SHARE))),
        []
    );
    // An account's own muxed address is still that account.
    let carol_muxed = MuxedAddress::new(carol.clone(), 1);
    assert_eq!(
        token_writes(&s, || s.sep41.transfer(&carol, &carol_muxed, &SHARE)),
        []
    );
    assert_eq!(
        token_events(&s),
        [Transfer {
            from: carol.clone(),
            to: carol.clone(),
            to_muxed_id: Some(1),
            amount: SHARE
        }
        .to_xdr(&s.env, t)]
    );
    // On an allowance: the balance stays, the allowance is spent (as the SAC spends it).
    s.sep41.transfer_from(&spender, &alice, &alice, &SHARE);
    assert_eq!(
        token_events(&s),
        [TransferWithAmountOnly {
            from: alice.clone(),
            to: alice.clone(),
            amount: SHARE
        }
        .to_xdr(&s.env, t)]
    );
    assert_eq!(s.sep41.allowance(&alice, &spender), 4 * SHARE);

    // More than the balance is refused, to oneself as to anyone.
    let nobody = account(&s.env);
    s.sep41
        .approve(&alice, &spender, &(50 * SHARE), &(ledger(&s.env) + 100));
    assert_unchanged(&s.env, || {
        assert_error(
            s.sep41.try_transfer(&alice, &alice, &(8 * SHARE + 1)),
            ShareTokenError::InsufficientBalance,
        );
        assert_error(
            s.sep41.try_transfer(
                &carol,
                MuxedAddress::new(carol.clone(), 1),
                &(2 * SHARE + 1),
            ),
            ShareTokenError::InsufficientBalance,
        );
        assert_error(
            s.sep41
                .try_transfer_from(&spender, &alice, &alice, &(8 * SHARE + 1)),
            ShareTokenError::InsufficientBalance,
        );
        assert_error(
            s.sep41.try_transfer(&nobody, &nobody, &1),
            ShareTokenError::InsufficientBalance,
        );
    });
    // Nothing, to oneself, from an account that holds nothing: a no-op too.
    assert_eq!(
        token_writes(&s, || s.sep41.transfer(&nobody, &nobody, &0)),
        []
    );

    assert_eq!(s.sep41.balance(&alice), 8 * SHARE);
    assert_eq!(s.sep41.balance(&carol), 2 * SHARE);
    assert_eq!(s.sep41.balance(&nobody), 0);
    assert_eq!(s.token.total_supply(), 10 * SHARE);
}

#[test]
fn pause_blocks_transfers_mints_and_burns_until_unpause() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let bob = account(&s.env);
    s.sep41
        .approve(&alice, &spender, &(5 * SHARE), &(ledger(&s.env) + 100));
    assert!(!s.token.paused());
    s.token.pause();
    assert!(s.token.paused());
    assert_unchanged(&s.env, || {
        assert_error(
            s.sep41.try_transfer_from(&spender, &alice, &bob, &SHARE),
            ShareTokenError::Paused,
        );
        assert_error(s.sep41.try_burn(&alice, &SHARE), ShareTokenError::Paused);
        assert_error(
            s.sep41.try_burn_from(&spender, &alice, &SHARE),
            ShareTokenError::Paused,
        );
        assert_error(s.token.try_mint(&bob, &SHARE), ShareTokenError::Paused);
        // Not even the no-ops go through.
        assert_error(
            s.sep41.try_transfer_from(&spender, &alice, &bob, &0),
            ShareTokenError::Paused,
        );
        assert_error(s.sep41.try_burn(&alice, &0), ShareTokenError::Paused);
        assert_error(
            s.sep41.try_transfer(&alice, &bob, &SHARE),
            ShareTokenError::Paused,
        );
        assert_error(
            s.sep41
                .try_transfer(&alice, MuxedAddress::new(bob.clone(), 3), &SHARE),
            ShareTokenError::Paused,
        );
    });
    // Reads keep working while paused.
    assert_eq!(s.sep41.balance(&alice), 10 * SHARE);
    assert_eq!(s.sep41.allowance(&alice, &spender), 5 * SHARE);

    s.token.unpause();
    assert!(!s.token.paused());
    s.sep41.transfer(&alice, &bob, &SHARE);
    s.sep41
        .transfer(&alice, MuxedAddress::new(bob.clone(), 3), &SHARE);
    s.sep41.transfer_from(&spender, &alice, &bob, &SHARE);
    s.sep41.burn(&alice, &SHARE);
    s.sep41.burn_from(&spender, &alice, &SHARE);
    s.token.mint(&bob, &SHARE);
    assert_eq!(s.sep41.balance(&alice), 5 * SHARE);
    assert_eq!(s.sep41.balance(&bob), 4 * SHARE);
    assert_eq!(s.sep41.allowance(&alice, &spender), 3 * SHARE);
    assert_eq!(s.token.total_supply(), 9 * SHARE);
}

// ---------------------------------------------------------------------------------------------
// 5. The mint cap and the other mint preconditions
// ---------------------------------------------------------------------------------------------

#[test]
fn minting_stops_exactly_at_the_attested_capacity() {
    let s = TokenSuite::new(TERM);
    let (alice, bob) = (account(&s.env), account(&s.env));
    // Nothing attested: nothing may be minted.
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    s.attest(100 * TH_PER_SHARE, 0);
    assert_eq!(s.oracle.capacity(&s.pool), 100 * TH_PER_SHARE);
    // More than the cap in one mint.
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &(100 * SHARE + 1)),
            ShareTokenError::CapacityExceeded,
        )
    });
    // Exactly the cap, across three mints to two holders.
    s.token.mint(&alice, &(30 * SHARE));
    s.token.mint(&bob, &(45 * SHARE + 1));
    s.token.mint(&alice, &(25 * SHARE - 1));
    assert_eq!(s.token.total_supply(), 100 * SHARE);
    assert_eq!(
        s.token.total_supply() * s.token.hashrate_per_share(),
        s.oracle.capacity(&s.pool) * SHARE_UNIT
    );
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&bob, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    // Transfers never need capacity.
    s.sep41.transfer(&alice, &bob, &SHARE);
    assert_eq!(s.sep41.balance(&bob), 46 * SHARE + 1);
}

#[test]
fn the_cap_rounds_a_fractional_base_unit_of_capacity_down() {
    // One base unit stands for 10^12 / 10^7 = 100_000 H/s.
    let s = TokenSuite::new(TERM);
    let alice = account(&s.env);
    s.attest(100 * TH_PER_SHARE + 99_999, 0);
    s.token.mint(&alice, &(100 * SHARE));
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    // 100 TH/s + 1.5 base units of hashrate: exactly one more base unit fits.
    s.attest(100 * TH_PER_SHARE + 150_000, 0);
    assert_eq!(s.oracle.capacity(&s.pool), 100 * TH_PER_SHARE + 150_000);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &2),
            ShareTokenError::CapacityExceeded,
        )
    });
    s.token.mint(&alice, &1);
    assert_eq!(s.token.total_supply(), 100 * SHARE + 1);
    // The design's inequality, checked on the numbers: the last mint fits, one more does not.
    let capacity_scaled = s.oracle.capacity(&s.pool) * SHARE_UNIT;
    assert!(s.token.total_supply() * TH_PER_SHARE <= capacity_scaled);
    assert!((s.token.total_supply() + 1) * TH_PER_SHARE > capacity_scaled);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    // A lower report takes capacity away: the existing supply stays, no new mint.
    s.attest(50 * TH_PER_SHARE, 0);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    assert_eq!(s.sep41.balance(&alice), 100 * SHARE + 1);
}

#[test]
fn the_cap_floors_with_a_hashrate_per_share_that_does_not_divide() {
    let s = TokenSuite::offering(TERM, 7);
    let alice = account(&s.env);
    // 7 H/s per whole share, 100 H/s attested: floor(100 * 10^7 / 7) = 142_857_142 base units.
    let odd = &s.token;
    odd.set_distributor(&s.distributor);
    s.attest(100, 0);
    assert_unchanged(&s.env, || {
        assert_error(
            odd.try_mint(&alice, &142_857_143),
            ShareTokenError::CapacityExceeded,
        )
    });
    odd.mint(&alice, &142_857_000);
    odd.mint(&alice, &142);
    assert_eq!(odd.total_supply(), 142_857_142);
    // The design's inequality on the numbers: (supply) * 7 <= 100 * 10^7 < (supply + 1) * 7.
    let supply = odd.total_supply();
    assert!(supply * 7 <= 100 * SHARE_UNIT && (supply + 1) * 7 > 100 * SHARE_UNIT);
    assert_unchanged(&s.env, || {
        assert_error(odd.try_mint(&alice, &1), ShareTokenError::CapacityExceeded)
    });
}

#[test]
fn stale_capacity_stops_minting() {
    let s = TokenSuite::new(TERM);
    let alice = account(&s.env);
    let epoch = s.attest(100 * TH_PER_SHARE, 0); // max_age_epochs = 2
    assert_eq!(epoch, 0);
    assert_eq!(s.oracle.current_epoch(&s.pool), 1);
    s.token.mint(&alice, &(10 * SHARE));
    // Epoch 2: two epochs behind, still fresh.
    advance(&s.env, DAY);
    assert_eq!(s.oracle.current_epoch(&s.pool), 2);
    s.token.mint(&alice, &(10 * SHARE));
    // The last second of epoch 2.
    advance(&s.env, DAY - HOUR - 1);
    s.token.mint(&alice, &SHARE);
    // Epoch 3: three behind, stale: no capacity at all, not even for one base unit.
    advance(&s.env, 1);
    assert_eq!(s.oracle.current_epoch(&s.pool), 3);
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    // A fresh report restores it.
    s.attest(100 * TH_PER_SHARE, 0);
    s.token.mint(&alice, &SHARE);
    assert_eq!(s.token.total_supply(), 22 * SHARE);
}

#[test]
fn a_report_inside_its_dispute_window_gives_no_capacity() {
    let s = TokenSuite::new(TERM);
    let alice = account(&s.env);
    advance(&s.env, DAY);
    attest_now(&s, 0, 100 * TH_PER_SHARE);
    // Finalized, but not yet effective.
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    advance(&s.env, HOUR - 1);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    advance(&s.env, 1);
    s.token.mint(&alice, &(100 * SHARE));
    assert_eq!(s.token.total_supply(), 100 * SHARE);
}

#[test]
fn a_disputed_report_gives_no_capacity() {
    let s = TokenSuite::new(TERM);
    let alice = account(&s.env);
    advance(&s.env, DAY);
    attest_now(&s, 0, 100 * TH_PER_SHARE);
    advance(&s.env, HOUR - 1);
    s.oracle.dispute(&s.pool, &0);
    advance(&s.env, HOUR); // long past the window the report would have had
    assert_eq!(s.oracle.report(&s.pool, &0), None);
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    assert_eq!(s.token.total_supply(), 0);
}

#[test]
fn a_disputed_higher_report_does_not_raise_the_cap() {
    let s = TokenSuite::new(TERM);
    let alice = account(&s.env);
    s.attest(100 * TH_PER_SHARE, 0); // epoch 0, effective
    s.token.mint(&alice, &(100 * SHARE));
    // Epoch 1 claims twice the hashrate and is disputed inside its window.
    advance(&s.env, DAY - HOUR);
    attest_now(&s, 1, 200 * TH_PER_SHARE);
    s.oracle.dispute(&s.pool, &1);
    advance(&s.env, HOUR);
    assert_eq!(s.oracle.capacity(&s.pool), 100 * TH_PER_SHARE);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    assert_eq!(s.token.total_supply(), 100 * SHARE);
}

/// The cap is the sustained capacity: the lowest hashrate of the last `capacity_epochs`
/// consecutive effective epochs, and none at all while fewer exist or one of them is missing.
#[test]
fn the_cap_is_the_sustained_capacity_of_the_window() {
    let s = TokenSuite::configured(TERM, TH_PER_SHARE, |c| c.capacity_epochs = 3);
    s.token.set_distributor(&s.distributor);
    let alice = account(&s.env);
    let refused = |amount: i128| {
        assert_unchanged(&s.env, || {
            assert_error(
                s.token.try_mint(&alice, &amount),
                ShareTokenError::CapacityExceeded,
            )
        })
    };
    // Two epochs of three: no capacity yet.
    s.attest(100 * TH_PER_SHARE, 0);
    s.attest(120 * TH_PER_SHARE, 0);
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    refused(1);
    // Three: the lowest of them, 90 TH/s.
    s.attest(90 * TH_PER_SHARE, 0);
    assert_eq!(s.oracle.capacity(&s.pool), 90 * TH_PER_SHARE);
    refused(90 * SHARE + 1);
    s.token.mint(&alice, &(90 * SHARE));
    refused(1);
    // A higher epoch raises nothing while 90 TH/s is still in the window (epochs 1-3, 2-4)...
    for _ in 0..2 {
        s.attest(300 * TH_PER_SHARE, 0);
        assert_eq!(s.oracle.capacity(&s.pool), 90 * TH_PER_SHARE);
        refused(1);
    }
    // ...until three epochs in a row attest more (3-5).
    s.attest(300 * TH_PER_SHARE, 0);
    assert_eq!(s.oracle.capacity(&s.pool), 300 * TH_PER_SHARE);
    s.token.mint(&alice, &(210 * SHARE));
    refused(1);
    // An epoch without a report breaks the window (5-7 misses 6): no capacity.
    let burnt = SHARE;
    s.sep41.burn(&alice, &burnt);
    advance(&s.env, DAY);
    let latest = s.attest(300 * TH_PER_SHARE, 0);
    assert_eq!(latest, 7);
    assert_eq!(s.oracle.report(&s.pool, &6), None);
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    refused(1);
    assert_eq!(s.token.total_supply(), 300 * SHARE - burnt);
}

#[test]
fn no_mint_at_or_after_maturity() {
    let s = TokenSuite::new(2 * DAY);
    let alice = account(&s.env);
    let maturity = s.token.maturity();
    assert_eq!(maturity, START + 2 * DAY);
    s.attest(100 * TH_PER_SHARE, 0);
    // The last second before maturity still mints.
    advance(&s.env, maturity - 1 - s.env.ledger().timestamp());
    s.token.mint(&alice, &SHARE);
    advance(&s.env, 1);
    assert_eq!(s.env.ledger().timestamp(), maturity);
    assert_unchanged(&s.env, || {
        assert_error(s.token.try_mint(&alice, &1), ShareTokenError::Matured)
    });
    // Fresh capacity changes nothing: the refusal is about the term.
    s.attest(100 * TH_PER_SHARE, 0);
    assert_eq!(s.oracle.capacity(&s.pool), 100 * TH_PER_SHARE);
    assert_unchanged(&s.env, || {
        assert_error(s.token.try_mint(&alice, &1), ShareTokenError::Matured)
    });
    // Matured shares still move.
    let carol = account(&s.env);
    s.sep41.transfer(&alice, &carol, &1);
    assert_eq!(s.sep41.balance(&carol), 1);
    assert_eq!(s.token.total_supply(), SHARE);
}

#[test]
fn nothing_mints_or_streams_before_set_distributor() {
    let s = TokenSuite::unwired(TERM);
    let alice = account(&s.env);
    s.attest(100 * TH_PER_SHARE, 0);
    assert_eq!(s.token.distributor(), None);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&alice, &SHARE),
            ShareTokenError::DistributorNotSet,
        );
        assert_error(
            s.token.try_notify_reward(&1_000),
            ShareTokenError::DistributorNotSet,
        );
        assert_error(
            s.token.try_take_accrued(&alice),
            ShareTokenError::DistributorNotSet,
        );
    });
    s.token.set_distributor(&s.distributor);
    s.token.mint(&alice, &SHARE);
    assert_eq!(s.sep41.balance(&alice), SHARE);
}

#[test]
fn set_distributor_is_allowed_exactly_once() {
    let s = TokenSuite::unwired(TERM);
    s.token.set_distributor(&s.distributor);
    assert_eq!(s.token.distributor(), Some(s.distributor.clone()));
    let other = Address::generate(&s.env);
    for candidate in [&other, &s.distributor] {
        assert_unchanged(&s.env, || {
            assert_error(
                s.token.try_set_distributor(candidate),
                ShareTokenError::DistributorAlreadySet,
            )
        });
    }
    assert_eq!(s.token.distributor(), Some(s.distributor.clone()));
}

/// `set_distributor` asks the candidate which token it pays (`share_token()`): an address
/// that is not a distributor fails that call, and a real distributor of another token is
/// refused with `InvalidConfig`; neither changes anything, and the token's own distributor is
/// wired afterwards. (Wiring an address before a distributor is deployed there would let
/// shares be sold that its books, starting at a supply of 0, owe nothing.)
#[test]
fn set_distributor_refuses_anything_but_a_distributor_of_this_token() {
    let s = TokenSuite::unwired(TERM);
    let env = &s.env;
    // Not a distributor: the cross-contract call traps, and the trap reaches the caller as
    // `Error(Context, InvalidAction)`; the log says why.
    let not_distributors = [
        // An address with no contract deployed (the deterministic address of a distributor
        // not deployed yet, say).
        (Address::generate(env), "Error(Storage, MissingValue)"),
        // A Stellar account cannot be invoked.
        (account(env), "Error(Object, InvalidInput)"),
        // A contract without `share_token`: the oracle, and the reward asset's SAC.
        (s.oracle.address.clone(), "Error(WasmVm, MissingValue)"),
        (s.reward_asset.address(), "Error(Value, InvalidInput)"),
        // The token itself: a contract may not re-enter itself.
        (s.token.address.clone(), "Error(Context, InvalidAction)"),
    ];
    let trapped =
        Error::from_type_and_code(xdr::ScErrorType::Context, xdr::ScErrorCode::InvalidAction);
    for (candidate, cause) in not_distributors {
        assert_unchanged(env, || {
            assert_error(s.token.try_set_distributor(&candidate), trapped)
        });
        let logs = env.logs().all();
        let last = logs.last().expect("a diagnostic log");
        assert!(
            last.contains("VM call trapped with HostError")
                && last.contains("set_distributor")
                && last.contains(cause),
            "{last}"
        );
        assert_eq!(s.token.distributor(), None);
    }

    // A real distributor of another offering: another pool on the same oracle, its own token.
    let other_pool = Symbol::new(env, "other_pool");
    let mut config = s.pool_config.clone();
    config.operator = s.operator.clone();
    s.oracle.register_pool(&other_pool, &config);
    let other_token = env.register(
        wasm("share_token").as_slice(),
        (
            s.admin.clone(),
            s.operator.clone(),
            s.oracle.address.clone(),
            other_pool.clone(),
            String::from_str(env, "Other hashrate"),
            String::from_str(env, "OTHER"),
            TH_PER_SHARE,
            START + TERM,
        ),
    );
    let other_distributor = env.register(
        wasm("payout_distributor").as_slice(),
        (
            s.admin.clone(),
            other_token.clone(),
            s.reward_asset.address(),
            s.oracle.address.clone(),
            other_pool,
            0u32,
            s.fee_recipient.clone(),
        ),
    );
    assert_unchanged(env, || {
        assert_error(
            s.token.try_set_distributor(&other_distributor),
            ShareTokenError::InvalidConfig,
        )
    });
    assert_eq!(s.token.distributor(), None);
    // It is a distributor all the same: its own token takes it.
    let other = hashshare_interfaces::ShareTokenClient::new(env, &other_token);
    other.set_distributor(&other_distributor);
    assert_eq!(other.distributor(), Some(other_distributor));

    // This token's own distributor is accepted, once.
    s.token.set_distributor(&s.distributor);
    assert_eq!(s.token.distributor(), Some(s.distributor.clone()));
}

#[test]
fn accept_admin_without_a_proposal_is_refused() {
    let s = TokenSuite::new(TERM);
    assert_unchanged(&s.env, || {
        assert_error(s.token.try_accept_admin(), ShareTokenError::NoPendingAdmin)
    });
    // Once accepted, the proposal is consumed: a second accept is refused again.
    let successor = Address::generate(&s.env);
    s.token.propose_admin(&successor);
    s.token.accept_admin();
    assert_eq!(s.token.admin(), successor);
    assert_unchanged(&s.env, || {
        assert_error(s.token.try_accept_admin(), ShareTokenError::NoPendingAdmin)
    });
}

#[test]
fn constructor_refuses_a_non_positive_hashrate_per_share() {
    let s = TokenSuite::new(TERM);
    for hashrate_per_share in [0, -1, i128::MIN] {
        let message = panic_message(|| {
            register_token(&s, hashrate_per_share);
        });
        assert!(
            message.contains("Error(Contract, #212)"),
            "expected InvalidConfig (212), got: {message}"
        );
    }
    // The smallest positive value is accepted.
    let s = TokenSuite::offering(TERM, 1);
    assert_eq!(s.token.hashrate_per_share(), 1);
    // And the pool, now bound to that token, backs no second one.
    let message = panic_message(|| {
        register_token(&s, 1);
    });
    assert!(
        message.contains("Error(Contract, #113)"),
        "expected the oracle's PoolAlreadyBound (113), got: {message}"
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Authorization: the exact trees, and the wrong signer refused
// ---------------------------------------------------------------------------------------------

#[test]
fn transfer_asks_exactly_the_senders_signature() {
    let (s, alice) = suite_with_holder(10);
    let bob = account(&s.env);
    s.sep41.transfer(&alice, &bob, &SHARE);
    assert_signed_by(
        &s.env,
        &alice,
        &s.token.address,
        "transfer",
        (alice.clone(), bob.clone(), SHARE).into_val(&s.env),
    );
}

#[test]
fn transfer_from_asks_exactly_the_spenders_signature() {
    let (s, alice) = suite_with_holder(10);
    let (spender, bob) = (account(&s.env), account(&s.env));
    s.sep41
        .approve(&alice, &spender, &SHARE, &(ledger(&s.env) + 100));
    s.sep41.transfer_from(&spender, &alice, &bob, &SHARE);
    assert_signed_by(
        &s.env,
        &spender,
        &s.token.address,
        "transfer_from",
        (spender.clone(), alice.clone(), bob.clone(), SHARE).into_val(&s.env),
    );
}

#[test]
fn approve_asks_exactly_the_owners_signature() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    let until = ledger(&s.env) + 100;
    s.sep41.approve(&alice, &spender, &SHARE, &until);
    assert_signed_by(
        &s.env,
        &alice,
        &s.token.address,
        "approve",
        (alice.clone(), spender.clone(), SHARE, until).into_val(&s.env),
    );
}

#[test]
fn burn_and_burn_from_ask_exactly_the_expected_signature() {
    let (s, alice) = suite_with_holder(10);
    let spender = account(&s.env);
    s.sep41.burn(&alice, &SHARE);
    assert_signed_by(
        &s.env,
        &alice,
        &s.token.address,
        "burn",
        (alice.clone(), SHARE).into_val(&s.env),
    );
    s.sep41
        .approve(&alice, &spender, &SHARE, &(ledger(&s.env) + 100));
    s.sep41.burn_from(&spender, &alice, &SHARE);
    assert_signed_by(
        &s.env,
        &spender,
        &s.token.address,
        "burn_from",
        (spender.clone(), alice.clone(), SHARE).into_val(&s.env),
    );
}

#[test]
fn mint_asks_exactly_the_operators_signature() {
    let s = TokenSuite::new(TERM);
    s.attest(100 * TH_PER_SHARE, 0);
    let alice = account(&s.env);
    s.token.mint(&alice, &(3 * SHARE));
    // The oracle's `minter_capacity` is read without any authorization, and with no stream
    // running there is no top-up to collect: no sub-invocation.
    assert_signed_by(
        &s.env,
        &s.operator,
        &s.token.address,
        "mint",
        (alice.clone(), 3 * SHARE).into_val(&s.env),
    );
}

/// The minter is the pool's operator on the oracle *now*, read at every mint: rotating it with
/// `update_pool` hands minting to the new operator and takes it from the old one (whom the
/// token was constructed with).
#[test]
fn a_rotated_operator_mints_and_the_old_one_is_refused() {
    let s = TokenSuite::new(TERM);
    s.attest(100 * TH_PER_SHARE, 0);
    let env = &s.env;
    let id = s.token.address.clone();
    let alice = account(env);
    s.token.mint(&alice, &SHARE);
    let new_operator = Address::generate(env);
    let mut config = s.pool_config.clone();
    config.operator = new_operator.clone();
    s.oracle.update_pool(&s.pool, &config);
    assert_eq!(s.token.operator(), new_operator);

    let args = || (alice.clone(), 2 * SHARE).into_val(env);
    for signer in [&s.operator, &s.admin] {
        authorize(env, signer, &id, "mint", args());
        assert_unchanged(env, || {
            assert_auth_error(env, s.token.try_mint(&alice, &(2 * SHARE)))
        });
    }
    authorize(env, &new_operator, &id, "mint", args());
    s.token.mint(&alice, &(2 * SHARE));
    assert_signed_by(env, &new_operator, &id, "mint", args());
    assert_eq!(s.sep41.balance(&alice), 3 * SHARE);

    // Rotating back restores the first operator, and refuses the second.
    config.operator = s.operator.clone();
    s.env.mock_all_auths();
    s.oracle.update_pool(&s.pool, &config);
    authorize(env, &new_operator, &id, "mint", args());
    assert_unchanged(env, || {
        assert_auth_error(env, s.token.try_mint(&alice, &(2 * SHARE)))
    });
    authorize(env, &s.operator, &id, "mint", args());
    s.token.mint(&alice, &(2 * SHARE));
    assert_eq!(s.token.total_supply(), 5 * SHARE);
    assert_eq!(s.token.operator(), s.operator);
}

/// Every SEP-41 call that needs a signature is refused when signed by anyone but the
/// right account, and the same call succeeds with the right signature.
#[test]
fn the_wrong_signer_is_refused_for_every_sep41_call() {
    let (s, alice) = suite_with_holder(10);
    let env = &s.env;
    let id = s.token.address.clone();
    let (bob, spender) = (Address::generate(env), Address::generate(env));
    let until = ledger(env) + 100;

    // transfer: bob may not sign alice's transfer, even to himself.
    authorize(
        env,
        &bob,
        &id,
        "transfer",
        (alice.clone(), bob.clone(), SHARE).into_val(env),
    );
    assert_unchanged(env, || {
        assert_auth_error(env, s.sep41.try_transfer(&alice, &bob, &SHARE))
    });
    authorize(
        env,
        &alice,
        &id,
        "transfer",
        (alice.clone(), bob.clone(), SHARE).into_val(env),
    );
    s.sep41.transfer(&alice, &bob, &SHARE);
    assert_eq!(s.sep41.balance(&bob), SHARE);

    // approve: the spender may not grant itself an allowance.
    let args = (alice.clone(), spender.clone(), 4 * SHARE, until).into_val(env);
    authorize(env, &spender, &id, "approve", args);
    assert_unchanged(env, || {
        assert_auth_error(
            env,
            s.sep41.try_approve(&alice, &spender, &(4 * SHARE), &until),
        )
    });
    let args = (alice.clone(), spender.clone(), 4 * SHARE, until).into_val(env);
    authorize(env, &alice, &id, "approve", args);
    s.sep41.approve(&alice, &spender, &(4 * SHARE), &until);
    assert_eq!(s.sep41.allowance(&alice, &spender), 4 * SHARE);

    // transfer_from: the owner's signature does not replace the spender's.
    for signer in [&alice, &bob] {
        let args = (spender.clone(), alice.clone(), bob.clone(), SHARE).into_val(env);
        authorize(env, signer, &id, "transfer_from", args);
        assert_unchanged(env, || {
            assert_auth_error(
                env,
                s.sep41.try_transfer_from(&spender, &alice, &bob, &SHARE),
            )
        });
    }
    let args = (spender.clone(), alice.clone(), bob.clone(), SHARE).into_val(env);
    authorize(env, &spender, &id, "transfer_from", args);
    s.sep41.transfer_from(&spender, &alice, &bob, &SHARE);
    assert_eq!(s.sep41.allowance(&alice, &spender), 3 * SHARE);

    // burn: only the holder burns its shares.
    for signer in [&bob, &spender] {
        authorize(
            env,
            signer,
            &id,
            "burn",
            (alice.clone(), SHARE).into_val(env),
        );
        assert_unchanged(env, || {
            assert_auth_error(env, s.sep41.try_burn(&alice, &SHARE))
        });
    }
    authorize(
        env,
        &alice,
        &id,
        "burn",
        (alice.clone(), SHARE).into_val(env),
    );
    s.sep41.burn(&alice, &SHARE);

    // burn_from: the owner's signature does not replace the spender's.
    for signer in [&alice, &bob] {
        let args = (spender.clone(), alice.clone(), SHARE).into_val(env);
        authorize(env, signer, &id, "burn_from", args);
        assert_unchanged(env, || {
            assert_auth_error(env, s.sep41.try_burn_from(&spender, &alice, &SHARE))
        });
    }
    let args = (spender.clone(), alice.clone(), SHARE).into_val(env);
    authorize(env, &spender, &id, "burn_from", args);
    s.sep41.burn_from(&spender, &alice, &SHARE);

    assert_eq!(s.sep41.balance(&alice), 6 * SHARE);
    assert_eq!(s.sep41.balance(&bob), 2 * SHARE);
    assert_eq!(s.sep41.allowance(&alice, &spender), 2 * SHARE);
    assert_eq!(s.token.total_supply(), 8 * SHARE);
}

/// Every privileged call is refused when signed by anyone but the right account (the admin,
/// the operator, the distributor, the proposed admin), and the same call succeeds with the
/// right signature.
#[test]
fn the_wrong_signer_is_refused_for_every_privileged_call() {
    let s = TokenSuite::unwired(TERM);
    let env = &s.env;
    let id = s.token.address.clone();
    let intruder = Address::generate(env);
    let alice = Address::generate(env);
    s.attest(100 * TH_PER_SHARE, 0); // still every authorization mocked

    // One reward unit per base unit of the 10 shares minted below: exact at any index scale.
    const REWARD: i128 = 10 * SHARE;

    // set_distributor: the admin.
    for signer in [&intruder, &s.operator] {
        authorize(
            env,
            signer,
            &id,
            "set_distributor",
            (s.distributor.clone(),).into_val(env),
        );
        assert_unchanged(env, || {
            assert_auth_error(env, s.token.try_set_distributor(&s.distributor))
        });
    }
    assert_eq!(s.token.distributor(), None);
    authorize(
        env,
        &s.admin,
        &id,
        "set_distributor",
        (s.distributor.clone(),).into_val(env),
    );
    s.token.set_distributor(&s.distributor);
    assert_eq!(s.token.distributor(), Some(s.distributor.clone()));

    // mint: the operator; not the admin, not the recipient.
    for signer in [&intruder, &s.admin, &alice] {
        authorize(
            env,
            signer,
            &id,
            "mint",
            (alice.clone(), 10 * SHARE).into_val(env),
        );
        assert_unchanged(env, || {
            assert_auth_error(env, s.token.try_mint(&alice, &(10 * SHARE)))
        });
    }
    authorize(
        env,
        &s.operator,
        &id,
        "mint",
        (alice.clone(), 10 * SHARE).into_val(env),
    );
    s.token.mint(&alice, &(10 * SHARE));
    assert_eq!(s.sep41.balance(&alice), 10 * SHARE);

    // pause / unpause: the admin; not the operator.
    for signer in [&intruder, &s.operator] {
        authorize(env, signer, &id, "pause", ().into_val(env));
        assert_unchanged(env, || assert_auth_error(env, s.token.try_pause()));
    }
    authorize(env, &s.admin, &id, "pause", ().into_val(env));
    s.token.pause();
    assert!(s.token.paused());
    for signer in [&intruder, &s.operator] {
        authorize(env, signer, &id, "unpause", ().into_val(env));
        assert_unchanged(env, || assert_auth_error(env, s.token.try_unpause()));
    }
    authorize(env, &s.admin, &id, "unpause", ().into_val(env));
    s.token.unpause();
    assert!(!s.token.paused());

    // notify_reward: the distributor; not the admin.
    for signer in [&intruder, &s.admin] {
        authorize(env, signer, &id, "notify_reward", (REWARD,).into_val(env));
        assert_unchanged(env, || {
            assert_auth_error(env, s.token.try_notify_reward(&REWARD))
        });
    }
    authorize(
        env,
        &s.distributor,
        &id,
        "notify_reward",
        (REWARD,).into_val(env),
    );
    s.token.notify_reward(&REWARD);
    // It streams until the end of the next epoch; then alice, the only holder, has it all.
    assert_eq!(s.token.accrued(&alice), 0);
    advance(env, 2 * DAY);
    assert_eq!(s.token.accrued(&alice), REWARD);

    // take_accrued: the distributor; not the holder itself.
    for signer in [&intruder, &alice, &s.admin] {
        authorize(
            env,
            signer,
            &id,
            "take_accrued",
            (alice.clone(),).into_val(env),
        );
        assert_unchanged(env, || {
            assert_auth_error(env, s.token.try_take_accrued(&alice))
        });
    }
    authorize(
        env,
        &s.distributor,
        &id,
        "take_accrued",
        (alice.clone(),).into_val(env),
    );
    assert_eq!(s.token.take_accrued(&alice), REWARD);
    assert_eq!(s.token.accrued(&alice), 0);

    // upgrade: the admin.
    let hash = env
        .deployer()
        .upload_contract_wasm(wasm("share_token").as_slice());
    for signer in [&intruder, &s.operator] {
        authorize(env, signer, &id, "upgrade", (hash.clone(),).into_val(env));
        assert_unchanged(env, || assert_auth_error(env, s.token.try_upgrade(&hash)));
    }
    authorize(env, &s.admin, &id, "upgrade", (hash.clone(),).into_val(env));
    s.token.upgrade(&hash);
    assert_eq!(s.sep41.balance(&alice), 10 * SHARE);

    // propose_admin: the admin; accept_admin: the proposed account only.
    let successor = Address::generate(env);
    for signer in [&intruder, &successor] {
        authorize(
            env,
            signer,
            &id,
            "propose_admin",
            (successor.clone(),).into_val(env),
        );
        assert_unchanged(env, || {
            assert_auth_error(env, s.token.try_propose_admin(&successor))
        });
    }
    authorize(
        env,
        &s.admin,
        &id,
        "propose_admin",
        (successor.clone(),).into_val(env),
    );
    s.token.propose_admin(&successor);
    for signer in [&intruder, &s.admin] {
        authorize(env, signer, &id, "accept_admin", ().into_val(env));
        assert_unchanged(env, || assert_auth_error(env, s.token.try_accept_admin()));
    }
    assert_eq!(s.token.admin(), s.admin);
    authorize(env, &successor, &id, "accept_admin", ().into_val(env));
    s.token.accept_admin();
    assert_eq!(s.token.admin(), successor);
    // The old admin has lost its powers; the new one has them.
    authorize(env, &s.admin, &id, "pause", ().into_val(env));
    assert_auth_error(env, s.token.try_pause());
    authorize(env, &successor, &id, "pause", ().into_val(env));
    s.token.pause();
    assert!(s.token.paused());
}

/// The offering's configuration reads back as constructed.
#[test]
fn the_offering_configuration_reads_back() {
    let s = TokenSuite::new(TERM);
    let client = TokenClient::new(&s.env, &s.token.address);
    assert_eq!(client.address, s.sep41.address);
    assert_eq!(client.decimals(), 7);
    assert_eq!(s.token.oracle(), s.oracle.address);
    assert_eq!(s.token.pool(), s.pool);
    assert_eq!(s.token.operator(), s.operator);
    assert_eq!(s.token.hashrate_per_share(), TH_PER_SHARE);
}
