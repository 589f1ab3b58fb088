//! rig-nft's SEP-50 conformance, on the compiled WASM: every SEP-50 function with its exact
//! result and event (topics and data as XDR, in the shapes of OpenZeppelin's stellar-contracts),
//! approvals and operators through their last ledger and not after, every typed refusal with no
//! state change, the exact authorization tree of every call that needs a signature, and the
//! wrong signer refused for each of them.
//!
//! Which test triggers which `RigNftError`:
//!
//! - 400 NonExistentToken:
//!   every_call_on_a_never_minted_or_burned_certificate_is_refused_with_non_existent_token
//! - 401 IncorrectOwner: transfers_naming_the_wrong_owner_are_refused_with_incorrect_owner
//! - 402 InsufficientApproval: transfer_from_without_approval_is_refused_with_insufficient_approval,
//!   the approval and operator expiry tests
//! - 403 InvalidApprover: only_the_owner_or_its_live_operator_may_approve
//! - 404 InvalidLiveUntilLedger: live_until_ledger_must_be_0_or_between_now_and_the_max_ttl
//! - 405 InvalidAmount: non_positive_shares_prices_and_epochs_are_refused_with_invalid_amount
//! - 406 Rented: a_paid_rental_refuses_unwrap_set_user_and_a_second_rent,
//!   unwrap_waits_for_the_end_of_an_owner_set_users_period
//! - 407 NotListed, 408 TooManyEpochs, 409 PriceTooHigh:
//!   rent_refuses_unlisted_certificates_too_many_epochs_and_too_high_a_price
//! - 410 InvalidRig: rig_texts_must_be_non_empty_plain_and_at_most_64_bytes
//! - 411 Overflow: a_rental_price_beyond_i128_is_refused_with_overflow
//! - 412 InvalidExpiry: set_user_refuses_an_expiry_that_is_not_in_the_future
//! - 413 NoPendingAdmin: accept_admin_without_a_proposal_is_refused_with_no_pending_admin
//! - 414 NotConfigured: the_constructor_refuses_unplain_metadata_and_a_foreign_distributor
//!
//! `bug_*` tests (ignored) show a bug: they fail now and pass once it is fixed.
//!
//! Signers under `authorize` are contract addresses (`Address::generate`): the SDK's
//! `mock_auths` cannot sign for a Stellar account.

use base64::Engine as _;
use hashshare_interfaces::SHARE_UNIT;
use hashshare_tests::fixture::{
    advance, assert_auth_tree, assert_error, assert_signed_by, authorize, invocation,
    panic_message, refuse, refuse_auth, wasm, Suite, TH_PER_SHARE,
};
use rig_nft::{Rig, RigCertificate, RigNftClient, RigNftError};
use soroban_sdk::{
    testutils::{Address as _, Events as _, IssuerFlags, Ledger, MockAuth, MockAuthInvoke},
    xdr::{self, ScAddress, ScMap, ScMapEntry, ScSymbol, ScVal},
    Address, BytesN, Env, IntoVal, String, Val, Vec,
};

const DAY: u64 = 86_400;
const TERM: u64 = 365 * DAY;
const FUNDS: i128 = 1_000_000_000_000_000;
/// The reward attested for an epoch by [`earn`]: 100 TH/s attested, so 10 whole shares (10
/// TH/s) are owed a tenth of it.
const REWARD: i128 = 10_000_000;
/// What 10 wrapped shares earn from one [`earn`] when they are the whole supply.
const EARNED: i128 = REWARD / 10;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn shares(n: i128) -> i128 {
    n * SHARE_UNIT
}

fn rig(env: &Env) -> Rig {
    Rig {
        model: String::from_str(env, "Antminer S19 XP"),
        joules_per_th: 21,
        serial: String::from_str(env, "S19XP-0001"),
        location: String::from_str(env, "Sichuan, CN"),
    }
}

/// Registers the compiled rig-nft for `share_token` and the suite's distributor.
fn deploy(
    s: &Suite,
    share_token: &Address,
    name: &str,
    symbol: &str,
    base_uri: &str,
) -> RigNftClient<'static> {
    let id = s.env.register(
        wasm("rig_nft").as_slice(),
        (
            s.admin.clone(),
            share_token.clone(),
            s.distributor.address.clone(),
            String::from_str(&s.env, name),
            String::from_str(&s.env, symbol),
            String::from_str(&s.env, base_uri),
        ),
    );
    RigNftClient::new(&s.env, &id)
}

/// The suite with 100 TH/s attested, at the start of an epoch, and a vault for its token.
fn suite() -> (Suite, RigNftClient<'static>) {
    let s = Suite::new(TERM, 0, FUNDS);
    s.attest(100 * TH_PER_SHARE, 0);
    s.to_next_epoch();
    s.env.mock_all_auths();
    let nft = deploy(
        &s,
        &s.token.address.clone(),
        "Antpool S19 rigs",
        "RIG26",
        "https://rigs.example/",
    );
    (s, nft)
}

/// A new address holding `n` whole shares.
fn holder(s: &Suite, n: i128) -> Address {
    let a = Address::generate(&s.env);
    if n > 0 {
        s.token.mint(&a, &shares(n));
    }
    a
}

/// Mints `n` more shares to `owner` and returns it.
fn holder_with_shares_for(s: &Suite, owner: &Address, n: i128) -> Address {
    s.token.mint(owner, &shares(n));
    owner.clone()
}

/// A new owner of a certificate locking `n` whole shares (all it holds): `(owner, token_id)`.
fn certificate(s: &Suite, nft: &RigNftClient, n: i128) -> (Address, u32) {
    let owner = holder(s, n);
    let id = nft.wrap(&owner, &shares(n), &rig(&s.env));
    (owner, id)
}

/// An epoch attested with [`REWARD`] and paid in full now; the clock then moves past the end
/// of its stream, so the holders have earned all of it.
fn earn(s: &Suite) {
    let epoch = s.attest(100 * TH_PER_SHARE, REWARD);
    s.pay_in_full(epoch);
    s.to_moment(s.end_of(epoch + 2) + 1);
}

fn seq(env: &Env) -> u32 {
    env.ledger().sequence()
}

fn now(env: &Env) -> u64 {
    env.ledger().timestamp()
}

/// Moves the ledger sequence forward by `ledgers`, leaving the clock alone.
fn advance_ledgers(env: &Env, ledgers: u32) {
    env.ledger().with_mut(|l| l.sequence_number += ledgers);
}

/// The longest an entry written now may live: the last ledger an approval may name.
fn max_live_until(env: &Env) -> u32 {
    seq(env) + env.ledger().get().max_entry_ttl - 1
}

fn text(s: &String) -> std::string::String {
    let mut buf = vec![0u8; s.len() as usize];
    s.copy_into_slice(&mut buf);
    std::string::String::from_utf8(buf).unwrap()
}

// XDR builders: the raw shapes wallets and indexers read.

fn sym(name: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(name.try_into().unwrap()))
}

fn addr(a: &Address) -> ScVal {
    ScVal::Address(ScAddress::from(a))
}

fn u32v(n: u32) -> ScVal {
    ScVal::U32(n)
}

fn u64v(n: u64) -> ScVal {
    ScVal::U64(n)
}

fn i128v(n: i128) -> ScVal {
    ScVal::I128(xdr::Int128Parts {
        hi: (n >> 64) as i64,
        lo: n as u64,
    })
}

fn vecv(items: std::vec::Vec<ScVal>) -> ScVal {
    ScVal::Vec(Some(items.try_into().unwrap()))
}

/// A map of symbol keys (sorted, as the host keeps every map).
fn mapv(entries: &[(&str, ScVal)]) -> ScVal {
    let mut entries: std::vec::Vec<(&str, ScVal)> = entries.to_vec();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let entries: std::vec::Vec<ScMapEntry> = entries
        .into_iter()
        .map(|(key, val)| ScMapEntry { key: sym(key), val })
        .collect();
    ScVal::Map(Some(ScMap(entries.try_into().unwrap())))
}

type RawEvent = (std::vec::Vec<ScVal>, ScVal);

/// Every event `nft` emitted in the last top-level invocation: (topics, data) as XDR.
fn nft_events(env: &Env, nft: &RigNftClient) -> std::vec::Vec<RawEvent> {
    let events = env.events().all().filter_by_contract(&nft.address);
    events
        .events()
        .iter()
        .map(|e| {
            assert_eq!(e.type_, xdr::ContractEventType::Contract);
            let xdr::ContractEventBody::V0(body) = &e.body;
            (body.topics.iter().cloned().collect(), body.data.clone())
        })
        .collect()
}

fn transfer_event(from: &Address, to: &Address, id: u32) -> RawEvent {
    (vec![sym("transfer"), addr(from), addr(to)], u32v(id))
}

fn mint_event(to: &Address, id: u32) -> RawEvent {
    (vec![sym("mint"), addr(to)], u32v(id))
}

fn burn_event(from: &Address, id: u32) -> RawEvent {
    (vec![sym("burn"), addr(from)], u32v(id))
}

fn approve_event(approver: &Address, id: u32, approved: &Address, until: u32) -> RawEvent {
    (
        vec![sym("approve"), addr(approver), u32v(id)],
        vecv(vec![addr(approved), u32v(until)]),
    )
}

fn approve_for_all_event(owner: &Address, operator: &Address, until: u32) -> RawEvent {
    (
        vec![sym("approve_for_all"), addr(owner)],
        vecv(vec![addr(operator), u32v(until)]),
    )
}

fn shares_locked_event(id: u32, added: i128, total: i128) -> RawEvent {
    (
        vec![sym("shares_locked"), u32v(id)],
        mapv(&[("shares", i128v(added)), ("total", i128v(total))]),
    )
}

fn rewards_paid_event(id: u32, owner_paid: i128, user_paid: i128) -> RawEvent {
    (
        vec![sym("rewards_paid"), u32v(id)],
        mapv(&[
            ("owner_paid", i128v(owner_paid)),
            ("user_paid", i128v(user_paid)),
        ]),
    )
}

fn update_user_event(id: u32, user: &Address, expires: u64) -> RawEvent {
    (
        vec![sym("update_user"), u32v(id)],
        mapv(&[("user", addr(user)), ("expires", u64v(expires))]),
    )
}

fn rental_listed_event(id: u32, price_per_epoch: i128, max_epochs: u32) -> RawEvent {
    (
        vec![sym("rental_listed"), u32v(id)],
        mapv(&[
            ("price_per_epoch", i128v(price_per_epoch)),
            ("max_epochs", u32v(max_epochs)),
        ]),
    )
}

fn rented_event(id: u32, renter: &Address, epochs: u32, price: i128, expires: u64) -> RawEvent {
    (
        vec![sym("rented"), u32v(id)],
        mapv(&[
            ("renter", addr(renter)),
            ("epochs", u32v(epochs)),
            ("price", i128v(price)),
            ("expires", u64v(expires)),
        ]),
    )
}

// ---------------------------------------------------------------------------------------------
// 1. SEP-50 functions, results and events
// ---------------------------------------------------------------------------------------------

#[test]
fn name_symbol_and_the_balance_of_an_account_with_nothing() {
    let (s, nft) = suite();
    let nobody = Address::generate(&s.env);
    assert_eq!(nft.name(), String::from_str(&s.env, "Antpool S19 rigs"));
    assert_eq!(nft.symbol(), String::from_str(&s.env, "RIG26"));
    assert_eq!(nft.balance(&nobody), 0);
    assert_eq!(nft.admin(), s.admin);
    assert!(!nft.is_approved_for_all(&nobody, &nobody));
}

#[test]
fn wrap_mints_sequential_ids_with_exactly_a_mint_and_a_shares_locked_event() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let id = nft.wrap(&owner, &shares(4), &rig(env));
    assert_eq!(id, 0);
    assert_eq!(
        nft_events(env, &nft),
        vec![
            mint_event(&owner, 0),
            shares_locked_event(0, shares(4), shares(4))
        ]
    );
    let second = nft.wrap(&owner, &shares(6), &rig(env));
    assert_eq!(second, 1);
    assert_eq!(
        nft_events(env, &nft),
        vec![
            mint_event(&owner, 1),
            shares_locked_event(1, shares(6), shares(6))
        ]
    );
    assert_eq!(nft.owner_of(&0), owner);
    assert_eq!(nft.owner_of(&1), owner);
    assert_eq!(nft.balance(&owner), 2);
    assert_eq!(
        nft.rig(&1),
        RigCertificate {
            rig: rig(env),
            shares: shares(6),
            hashrate: 6 * TH_PER_SHARE,
        }
    );
    assert_eq!(nft.get_approved(&0), None);
    assert_eq!(nft.user_of(&0), None);
    assert_eq!(nft.accrued(&0), (0, 0));
    // The shares moved into the vault.
    assert_eq!(s.sep41.balance(&owner), 0);
    assert_eq!(s.sep41.balance(&nft.address), shares(10));
}

#[test]
fn transfer_moves_the_certificate_with_exactly_one_transfer_event() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (_, other) = certificate(&s, &nft, 5);
    let buyer = Address::generate(env);
    nft.transfer(&owner, &buyer, &id);
    assert_eq!(
        nft_events(env, &nft),
        vec![transfer_event(&owner, &buyer, id)]
    );
    assert_eq!(nft.owner_of(&id), buyer);
    assert_eq!(nft.balance(&owner), 0);
    assert_eq!(nft.balance(&buyer), 1);
    // The shares stay locked; the other certificate is untouched.
    assert_eq!(nft.rig(&id).shares, shares(10));
    assert_eq!(s.sep41.balance(&nft.address), shares(15));
    assert_ne!(nft.owner_of(&other), buyer);
    // The buyer moves it on.
    let third = Address::generate(env);
    nft.transfer(&buyer, &third, &id);
    assert_eq!(
        nft_events(env, &nft),
        vec![transfer_event(&buyer, &third, id)]
    );
    assert_eq!(
        (nft.balance(&buyer), nft.balance(&third), nft.owner_of(&id)),
        (0, 1, third)
    );
}

#[test]
fn a_transfer_to_oneself_keeps_the_balance_and_still_emits_transfer() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let spender = Address::generate(env);
    nft.approve(&owner, &spender, &id, &(seq(env) + 100));
    nft.transfer(&owner, &owner, &id);
    assert_eq!(
        nft_events(env, &nft),
        vec![transfer_event(&owner, &owner, id)]
    );
    assert_eq!(nft.balance(&owner), 1);
    assert_eq!(nft.owner_of(&id), owner);
    assert_eq!(nft.get_approved(&id), None, "a transfer ends the approval");
}

#[test]
fn approve_sets_get_approved_and_emits_the_approve_event() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let spender = Address::generate(env);
    let until = seq(env) + 500;
    nft.approve(&owner, &spender, &id, &until);
    assert_eq!(
        nft_events(env, &nft),
        vec![approve_event(&owner, id, &spender, until)]
    );
    assert_eq!(nft.get_approved(&id), Some(spender.clone()));
    // Approving is not an operator grant.
    assert!(!nft.is_approved_for_all(&owner, &spender));
}

#[test]
fn transfer_from_by_the_approved_spender_emits_transfer_and_ends_the_approval() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (spender, buyer) = (Address::generate(env), Address::generate(env));
    nft.approve(&owner, &spender, &id, &(seq(env) + 100));
    nft.transfer_from(&spender, &owner, &buyer, &id);
    assert_eq!(
        nft_events(env, &nft),
        vec![transfer_event(&owner, &buyer, id)]
    );
    assert_eq!(nft.owner_of(&id), buyer);
    assert_eq!((nft.balance(&owner), nft.balance(&buyer)), (0, 1));
    assert_eq!(nft.get_approved(&id), None);
    // The owner itself may use transfer_from as its own spender.
    let third = Address::generate(env);
    nft.transfer_from(&buyer, &buyer, &third, &id);
    assert_eq!(
        nft_events(env, &nft),
        vec![transfer_event(&buyer, &third, id)]
    );
    assert_eq!(nft.owner_of(&id), third);
}

#[test]
fn approve_for_all_sets_is_approved_for_all_and_emits_its_event() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 0);
    let operator = Address::generate(env);
    let until = seq(env) + 50;
    nft.approve_for_all(&owner, &operator, &until);
    assert_eq!(
        nft_events(env, &nft),
        vec![approve_for_all_event(&owner, &operator, until)]
    );
    assert!(nft.is_approved_for_all(&owner, &operator));
    // Directed: the operator is not the owner's owner, nor anyone else's operator.
    assert!(!nft.is_approved_for_all(&operator, &owner));
    assert!(!nft.is_approved_for_all(&Address::generate(env), &operator));
}

#[test]
fn token_uri_is_the_exact_base64_json_of_the_certificate_and_follows_its_shares() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    // 2.5 shares: the description floors to whole shares, the attributes are exact.
    let id = nft.wrap(&owner, &(shares(5) / 2), &rig(env));
    let offering = text(&s.token.address.to_string());
    let expected = |id: u32, whole: i128, base: i128, hashrate: i128| {
        let json = format!(
            "{{\"name\":\"Antpool S19 rigs #{id}\",\"description\":\"A rig certificate: {whole} \
             shares locked, earning the mining rewards of their hashrate.\",\"image\":\
             \"https://rigs.example/{id}.svg\",\"attributes\":[{{\"trait_type\":\"hashrate\",\
             \"display_type\":\"number\",\"value\":{hashrate}}},{{\"trait_type\":\"J/TH\",\
             \"display_type\":\"number\",\"value\":21}},{{\"trait_type\":\"model\",\"value\":\
             \"Antminer S19 XP\"}},{{\"trait_type\":\"serial\",\"value\":\"S19XP-0001\"}},\
             {{\"trait_type\":\"location\",\"value\":\"Sichuan, CN\"}},{{\"trait_type\":\
             \"offering\",\"value\":\"{offering}\"}},{{\"trait_type\":\"shares\",\
             \"display_type\":\"number\",\"value\":{base}}}]}}"
        );
        // It is JSON.
        serde_json::from_str::<serde_json::Value>(&json).expect("the expected text is JSON");
        format!(
            "data:application/json;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(json)
        )
    };
    assert_eq!(
        text(&nft.token_uri(&id)),
        expected(0, 2, 25_000_000, 2_500_000_000_000)
    );
    nft.add_shares(&id, &(shares(15) / 2));
    assert_eq!(
        text(&nft.token_uri(&id)),
        expected(0, 10, 100_000_000, 10_000_000_000_000)
    );
    assert!(offering.starts_with('C') && offering.len() == 56);
}

#[test]
fn add_shares_emits_shares_locked_with_the_new_total() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let id = nft.wrap(&owner, &shares(3), &rig(env));
    nft.add_shares(&id, &shares(2));
    assert_eq!(
        nft_events(env, &nft),
        vec![shares_locked_event(id, shares(2), shares(5))]
    );
    assert_eq!(nft.rig(&id).shares, shares(5));
    assert_eq!(nft.rig(&id).hashrate, 5 * TH_PER_SHARE);
    assert_eq!(s.sep41.balance(&owner), shares(5));
    assert_eq!(s.sep41.balance(&nft.address), shares(5));
}

#[test]
fn claim_pays_the_owner_with_exactly_one_rewards_paid_event_and_nothing_twice() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    earn(&s);
    assert_eq!(nft.accrued(&id), (EARNED, 0));
    assert_eq!(nft.claim(&id), (EARNED, 0));
    assert_eq!(
        nft_events(env, &nft),
        vec![rewards_paid_event(id, EARNED, 0)]
    );
    assert_eq!(s.reward.balance(&owner), EARNED);
    // Nothing more to pay: no event.
    assert_eq!(nft.claim(&id), (0, 0));
    assert_eq!(nft_events(env, &nft), vec![]);
    assert_eq!(nft.accrued(&id), (0, 0));
}

#[test]
fn a_transfer_pays_the_seller_first_rewards_paid_then_transfer() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    earn(&s);
    let buyer = Address::generate(env);
    nft.transfer(&owner, &buyer, &id);
    assert_eq!(
        nft_events(env, &nft),
        vec![
            rewards_paid_event(id, EARNED, 0),
            transfer_event(&owner, &buyer, id)
        ]
    );
    assert_eq!(s.reward.balance(&owner), EARNED);
    assert_eq!(s.reward.balance(&buyer), 0);
    assert_eq!(nft.accrued(&id), (0, 0));
}

#[test]
fn unwrap_pays_returns_the_shares_and_burns_rewards_paid_then_burn() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let spender = Address::generate(env);
    nft.approve(&owner, &spender, &id, &(seq(env) + 100_000));
    earn(&s);
    assert_eq!(nft.unwrap(&id), shares(10));
    assert_eq!(
        nft_events(env, &nft),
        vec![rewards_paid_event(id, EARNED, 0), burn_event(&owner, id)]
    );
    assert_eq!(s.sep41.balance(&owner), shares(10));
    assert_eq!(s.sep41.balance(&nft.address), 0);
    assert_eq!(s.reward.balance(&owner), EARNED);
    assert_eq!(nft.balance(&owner), 0);
    assert_error(nft.try_owner_of(&id), RigNftError::NonExistentToken);
    assert_error(nft.try_get_approved(&id), RigNftError::NonExistentToken);
    // Ids are never reused.
    let again = nft.wrap(&owner, &shares(1), &rig(env));
    assert_eq!(again, id + 1);
}

#[test]
fn set_user_emits_update_user_and_the_user_earns_until_its_expiry() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let user = Address::generate(env);
    let expires = now(env) + 30 * DAY;
    nft.set_user(&id, &user, &expires);
    assert_eq!(
        nft_events(env, &nft),
        vec![update_user_event(id, &user, expires)]
    );
    assert_eq!(nft.user_of(&id), Some(user.clone()));
    // Everything earned inside the user's period is the user's.
    earn(&s);
    assert!(now(env) < expires);
    assert_eq!(nft.accrued(&id), (0, EARNED));
    assert_eq!(nft.claim(&id), (0, EARNED));
    assert_eq!(
        nft_events(env, &nft),
        vec![rewards_paid_event(id, 0, EARNED)]
    );
    assert_eq!(s.reward.balance(&user), EARNED);
    assert_eq!(s.reward.balance(&owner), 0);
    // At its expiry the user is gone.
    s.to_moment(expires);
    assert_eq!(nft.user_of(&id), None);
}

#[test]
fn list_rental_emits_rental_listed_and_unlist_rental_rental_unlisted() {
    let (s, nft) = suite();
    let env = &s.env;
    let (_, id) = certificate(&s, &nft, 10);
    nft.list_rental(&id, &1_000, &3);
    assert_eq!(
        nft_events(env, &nft),
        vec![rental_listed_event(id, 1_000, 3)]
    );
    // A new listing replaces the old one.
    nft.list_rental(&id, &2_000, &1);
    assert_eq!(
        nft_events(env, &nft),
        vec![rental_listed_event(id, 2_000, 1)]
    );
    nft.unlist_rental(&id);
    let events = nft_events(env, &nft);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, vec![sym("rental_unlisted"), u32v(id)]);
    let renter = Address::generate(env);
    s.reward_issuer.mint(&renter, &2_000);
    refuse(env, RigNftError::NotListed, || {
        nft.try_rent(&renter, &id, &1, &2_000)
    });
    // Unlisting what is not listed is refused, changing nothing.
    refuse(env, RigNftError::NotListed, || nft.try_unlist_rental(&id));
}

#[test]
fn rent_pays_the_owner_and_emits_rented_then_update_user() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let renter = Address::generate(env);
    s.reward_issuer.mint(&renter, &10_000);
    nft.list_rental(&id, &1_500, &4);
    let expires = now(env) + 3 * DAY;
    nft.rent(&renter, &id, &3, &5_000);
    assert_eq!(
        nft_events(env, &nft),
        vec![
            rented_event(id, &renter, 3, 4_500, expires),
            update_user_event(id, &renter, expires)
        ]
    );
    assert_eq!(s.reward.balance(&owner), 4_500);
    assert_eq!(s.reward.balance(&renter), 5_500);
    assert_eq!(nft.user_of(&id), Some(renter.clone()));
    // The listing is consumed.
    let other = Address::generate(env);
    s.reward_issuer.mint(&other, &10_000);
    refuse(env, RigNftError::NotListed, || {
        nft.try_rent(&other, &id, &1, &5_000)
    });
    // The rental survives a transfer; it ends at its expiry.
    let buyer = Address::generate(env);
    nft.transfer(&owner, &buyer, &id);
    assert_eq!(nft.user_of(&id), Some(renter.clone()));
    s.to_moment(expires - 1);
    assert_eq!(nft.user_of(&id), Some(renter.clone()));
    s.to_moment(expires);
    assert_eq!(nft.user_of(&id), None);
}

#[test]
fn a_transfer_ends_an_owner_set_user_but_not_a_paid_rental() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let set = nft.wrap(&owner, &shares(5), &rig(env));
    let paid = nft.wrap(&owner, &shares(5), &rig(env));
    let (user, renter, buyer) = (
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
    );
    nft.set_user(&set, &user, &(now(env) + 10 * DAY));
    s.reward_issuer.mint(&renter, &1_000);
    nft.list_rental(&paid, &1_000, &1);
    nft.rent(&renter, &paid, &1, &1_000);
    nft.transfer(&owner, &buyer, &set);
    assert_eq!(
        nft.user_of(&set),
        None,
        "ERC-4907: a transfer clears the user"
    );
    nft.transfer(&owner, &buyer, &paid);
    assert_eq!(nft.user_of(&paid), Some(renter), "a paid rental survives");
    // A transfer to oneself keeps the user, as ERC-4907's reference does when `from == to`.
    nft.set_user(&set, &user, &(now(env) + 10 * DAY));
    nft.transfer(&buyer, &buyer, &set);
    assert_eq!(nft.user_of(&set), Some(user));
}

/// The `expires` field of an event's map data.
fn expires_of(data: &ScVal) -> Option<ScVal> {
    let ScVal::Map(Some(map)) = data else {
        return None;
    };
    map.iter()
        .find(|e| e.key == sym("expires"))
        .map(|e| e.val.clone())
}

/// ERC-4907: "The UpdateUser event MUST be emitted when a user address is changed or the user
/// expires is changed" (its reference emits `UpdateUser(id, 0, 0)` when a transfer clears the
/// user): here `update_user` with no user and expiry 0. (Found by the conformance review: the
/// transfer used to clear the user silently.)
#[test]
fn a_transfer_that_ends_the_user_announces_it_with_update_user() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (user, buyer) = (Address::generate(env), Address::generate(env));
    nft.set_user(&id, &user, &(now(env) + 10 * DAY));
    nft.transfer(&owner, &buyer, &id);
    let events = nft_events(env, &nft);
    assert_eq!(nft.user_of(&id), None);
    let updates: std::vec::Vec<&RawEvent> = events
        .iter()
        .filter(|(topics, _)| topics.first() == Some(&sym("update_user")))
        .collect();
    assert_eq!(updates.len(), 1, "one update_user: {events:?}");
    assert_eq!(updates[0].0, vec![sym("update_user"), u32v(id)]);
    assert_eq!(expires_of(&updates[0].1), Some(u64v(0)), "{events:?}");
    let ScVal::Map(Some(data)) = &updates[0].1 else {
        panic!("{events:?}")
    };
    let user_field = data.iter().find(|e| e.key == sym("user")).expect("user");
    assert_eq!(user_field.val, ScVal::Void, "no user");
}

/// A transfer that takes a listing down says so (`rental_unlisted` before `transfer`), so an
/// indexer (or the app's market view) never offers a certificate that cannot be rented.
/// (Found by the conformance review.)
#[test]
fn a_transfer_that_ends_a_listing_announces_it() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    nft.list_rental(&id, &1_000, &3);
    let buyer = Address::generate(env);
    nft.transfer(&owner, &buyer, &id);
    let events = nft_events(env, &nft);
    let names: std::vec::Vec<&ScVal> = events.iter().map(|(t, _)| &t[0]).collect();
    assert_eq!(
        names,
        vec![&sym("rental_unlisted"), &sym("transfer")],
        "{events:?}"
    );
    assert_eq!(events[0].0, vec![sym("rental_unlisted"), u32v(id)]);
    assert_eq!(nft.listing(&id), None);
}

// ---------------------------------------------------------------------------------------------
// 2. Approvals, operators and their expiry
// ---------------------------------------------------------------------------------------------

#[test]
fn an_approval_works_through_its_live_until_ledger_and_not_after() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let first = nft.wrap(&owner, &shares(5), &rig(env));
    let second = nft.wrap(&owner, &shares(5), &rig(env));
    let (spender, buyer) = (Address::generate(env), Address::generate(env));
    let until = seq(env) + 100;
    nft.approve(&owner, &spender, &first, &until);
    nft.approve(&owner, &spender, &second, &until);
    // At its last ledger it still works.
    advance_ledgers(env, 100);
    assert_eq!(seq(env), until);
    assert_eq!(nft.get_approved(&second), Some(spender.clone()));
    nft.transfer_from(&spender, &owner, &buyer, &first);
    assert_eq!(nft.owner_of(&first), buyer);
    // One ledger later it is gone.
    advance_ledgers(env, 1);
    assert_eq!(nft.get_approved(&second), None);
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&spender, &owner, &buyer, &second)
    });
    assert_eq!(nft.owner_of(&second), owner);
}

#[test]
fn an_approval_live_until_the_current_ledger_works_for_that_ledger_only() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let first = nft.wrap(&owner, &shares(5), &rig(env));
    let second = nft.wrap(&owner, &shares(5), &rig(env));
    let (spender, buyer) = (Address::generate(env), Address::generate(env));
    let until = seq(env);
    nft.approve(&owner, &spender, &first, &until);
    assert_eq!(
        nft_events(env, &nft),
        vec![approve_event(&owner, first, &spender, until)]
    );
    nft.approve(&owner, &spender, &second, &until);
    nft.transfer_from(&spender, &owner, &buyer, &first);
    assert_eq!(nft.owner_of(&first), buyer);
    advance_ledgers(env, 1);
    assert_eq!(nft.get_approved(&second), None);
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&spender, &owner, &buyer, &second)
    });
}

#[test]
fn an_operator_approves_and_transfers_any_of_the_owners_certificates() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let first = nft.wrap(&owner, &shares(5), &rig(env));
    let second = nft.wrap(&owner, &shares(5), &rig(env));
    let (_, foreign) = certificate(&s, &nft, 1);
    let operator = Address::generate(env);
    let (spender, buyer) = (Address::generate(env), Address::generate(env));
    nft.approve_for_all(&owner, &operator, &(seq(env) + 1_000));
    // It transfers one certificate without any per-token approval.
    nft.transfer_from(&operator, &owner, &buyer, &first);
    assert_eq!(
        nft_events(env, &nft),
        vec![transfer_event(&owner, &buyer, first)]
    );
    assert_eq!(nft.owner_of(&first), buyer);
    // It approves another on the owner's behalf: the event names the operator as approver.
    let until = seq(env) + 10;
    nft.approve(&operator, &spender, &second, &until);
    assert_eq!(
        nft_events(env, &nft),
        vec![approve_event(&operator, second, &spender, until)]
    );
    assert_eq!(nft.get_approved(&second), Some(spender.clone()));
    nft.transfer_from(&spender, &owner, &buyer, &second);
    assert_eq!(nft.owner_of(&second), buyer);
    assert_eq!((nft.balance(&owner), nft.balance(&buyer)), (0, 2));
    // It has no power over the buyer's certificates (those it moved included), nor anyone
    // else's.
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&operator, &buyer, &operator, &first)
    });
    refuse(env, RigNftError::InvalidApprover, || {
        nft.try_approve(&operator, &operator, &second, &(seq(env) + 10))
    });
    let foreign_owner = nft.owner_of(&foreign);
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&operator, &foreign_owner, &operator, &foreign)
    });
    // The owner's grant still stands for what it owns next.
    let third = nft.wrap(
        &holder_with_shares_for(&s, &owner, 1),
        &shares(1),
        &rig(env),
    );
    nft.transfer_from(&operator, &owner, &buyer, &third);
    assert_eq!(nft.owner_of(&third), buyer);
}

#[test]
fn an_operator_works_through_its_live_until_ledger_and_not_after() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let first = nft.wrap(&owner, &shares(5), &rig(env));
    let second = nft.wrap(&owner, &shares(5), &rig(env));
    let (operator, buyer) = (Address::generate(env), Address::generate(env));
    let until = seq(env) + 20;
    nft.approve_for_all(&owner, &operator, &until);
    advance_ledgers(env, 20);
    assert!(nft.is_approved_for_all(&owner, &operator));
    nft.transfer_from(&operator, &owner, &buyer, &first);
    assert_eq!(nft.owner_of(&first), buyer);
    advance_ledgers(env, 1);
    assert!(!nft.is_approved_for_all(&owner, &operator));
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&operator, &owner, &buyer, &second)
    });
    refuse(env, RigNftError::InvalidApprover, || {
        nft.try_approve(&operator, &operator, &second, &(seq(env) + 10))
    });
    assert_eq!(nft.owner_of(&second), owner);
}

#[test]
fn revoking_with_live_until_0_ends_an_approval_and_an_operator() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (spender, operator, buyer) = (
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
    );
    nft.approve(&owner, &spender, &id, &(seq(env) + 100));
    nft.approve(&owner, &spender, &id, &0);
    assert_eq!(
        nft_events(env, &nft),
        vec![approve_event(&owner, id, &spender, 0)]
    );
    assert_eq!(nft.get_approved(&id), None);
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&spender, &owner, &buyer, &id)
    });

    nft.approve_for_all(&owner, &operator, &(seq(env) + 100));
    nft.approve_for_all(&owner, &operator, &0);
    assert_eq!(
        nft_events(env, &nft),
        vec![approve_for_all_event(&owner, &operator, 0)]
    );
    assert!(!nft.is_approved_for_all(&owner, &operator));
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&operator, &owner, &buyer, &id)
    });
    refuse(env, RigNftError::InvalidApprover, || {
        nft.try_approve(&operator, &operator, &id, &(seq(env) + 10))
    });
    // A revocation ends the certificate's approval whichever account it names (as
    // OpenZeppelin's), and is announced with the account named.
    nft.approve(&owner, &spender, &id, &(seq(env) + 100));
    let nobody = Address::generate(env);
    nft.approve(&owner, &nobody, &id, &0);
    assert_eq!(
        nft_events(env, &nft),
        vec![approve_event(&owner, id, &nobody, 0)]
    );
    assert_eq!(nft.get_approved(&id), None);
    assert_eq!(nft.owner_of(&id), owner);
}

#[test]
fn a_transfer_clears_the_approval_and_the_old_spender_is_refused() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (spender, buyer) = (Address::generate(env), Address::generate(env));
    nft.approve(&owner, &spender, &id, &(seq(env) + 1_000));
    // The owner transfers it itself: the spender's approval does not follow the certificate.
    nft.transfer(&owner, &buyer, &id);
    assert_eq!(nft.get_approved(&id), None);
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&spender, &buyer, &spender, &id)
    });
    // Not even when it comes back to the owner who approved.
    nft.transfer(&buyer, &owner, &id);
    assert_eq!(nft.get_approved(&id), None);
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&spender, &owner, &spender, &id)
    });
    assert_eq!(nft.owner_of(&id), owner);
}

#[test]
fn one_approved_account_per_certificate_the_last_approve_wins() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (first, second, buyer) = (
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
    );
    nft.approve(&owner, &first, &id, &(seq(env) + 100));
    nft.approve(&owner, &second, &id, &(seq(env) + 50));
    assert_eq!(nft.get_approved(&id), Some(second.clone()));
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&first, &owner, &buyer, &id)
    });
    // The new approval's own ledger counts, not the earlier, longer one.
    advance_ledgers(env, 51);
    assert_eq!(nft.get_approved(&id), None);
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&second, &owner, &buyer, &id)
    });
    refuse(env, RigNftError::InsufficientApproval, || {
        nft.try_transfer_from(&first, &owner, &buyer, &id)
    });
}

#[test]
fn only_the_owner_or_its_live_operator_may_approve() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (stranger, spender, buyer) = (
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
    );
    let until = seq(env) + 100;
    // A stranger, or the approved spender itself, may not approve (nor revoke).
    refuse(env, RigNftError::InvalidApprover, || {
        nft.try_approve(&stranger, &stranger, &id, &until)
    });
    refuse(env, RigNftError::InvalidApprover, || {
        nft.try_approve(&stranger, &spender, &id, &0)
    });
    nft.approve(&owner, &spender, &id, &until);
    refuse(env, RigNftError::InvalidApprover, || {
        nft.try_approve(&spender, &stranger, &id, &until)
    });
    // An operator of someone else is no operator of the owner.
    nft.approve_for_all(&stranger, &spender, &until);
    refuse(env, RigNftError::InvalidApprover, || {
        nft.try_approve(&spender, &buyer, &id, &until)
    });
    // The former owner may not approve after a transfer.
    nft.transfer(&owner, &buyer, &id);
    refuse(env, RigNftError::InvalidApprover, || {
        nft.try_approve(&owner, &owner, &id, &until)
    });
    assert_eq!(nft.get_approved(&id), None);
}

#[test]
fn live_until_ledger_must_be_0_or_between_now_and_the_max_ttl() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (spender, operator) = (Address::generate(env), Address::generate(env));
    let max = max_live_until(env);
    for bad in [1, seq(env) - 1, max + 1, u32::MAX] {
        refuse(env, RigNftError::InvalidLiveUntilLedger, || {
            nft.try_approve(&owner, &spender, &id, &bad)
        });
        refuse(env, RigNftError::InvalidLiveUntilLedger, || {
            nft.try_approve_for_all(&owner, &operator, &bad)
        });
    }
    assert_eq!(nft.get_approved(&id), None);
    assert!(!nft.is_approved_for_all(&owner, &operator));
    // Both ends are accepted.
    nft.approve(&owner, &spender, &id, &max);
    assert_eq!(nft.get_approved(&id), Some(spender.clone()));
    nft.approve_for_all(&owner, &operator, &max);
    assert_eq!(
        nft_events(env, &nft),
        vec![approve_for_all_event(&owner, &operator, max)]
    );
    assert!(nft.is_approved_for_all(&owner, &operator));
    nft.approve_for_all(&owner, &operator, &seq(env));
    assert!(nft.is_approved_for_all(&owner, &operator));
    advance_ledgers(env, 1);
    assert!(!nft.is_approved_for_all(&owner, &operator));
}

// ---------------------------------------------------------------------------------------------
// 3. Refusals: typed errors, no state change
// ---------------------------------------------------------------------------------------------

#[test]
fn every_call_on_a_never_minted_or_burned_certificate_is_refused_with_non_existent_token() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, kept) = certificate(&s, &nft, 10);
    let burned = nft.wrap(
        &holder_with_shares_for(&s, &owner, 1),
        &shares(1),
        &rig(env),
    );
    nft.unwrap(&burned);
    let (buyer, operator, renter) = (
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
    );
    s.reward_issuer.mint(&renter, &1_000);
    nft.approve_for_all(&owner, &operator, &(seq(env) + 100));
    let never = 1_000;
    use RigNftError::NonExistentToken as E;
    for id in [never, burned] {
        refuse(env, E, || nft.try_owner_of(&id));
        refuse(env, E, || nft.try_transfer(&owner, &buyer, &id));
        refuse(env, E, || {
            nft.try_transfer_from(&owner, &owner, &buyer, &id)
        });
        refuse(env, E, || {
            nft.try_transfer_from(&operator, &owner, &buyer, &id)
        });
        refuse(env, E, || {
            nft.try_approve(&owner, &buyer, &id, &(seq(env) + 10))
        });
        refuse(env, E, || nft.try_get_approved(&id));
        refuse(env, E, || nft.try_token_uri(&id));
        refuse(env, E, || nft.try_rig(&id));
        refuse(env, E, || nft.try_accrued(&id));
        refuse(env, E, || nft.try_claim(&id));
        refuse(env, E, || nft.try_unwrap(&id));
        refuse(env, E, || nft.try_add_shares(&id, &shares(1)));
        refuse(env, E, || nft.try_set_user(&id, &buyer, &(now(env) + DAY)));
        refuse(env, E, || nft.try_user_of(&id));
        refuse(env, E, || nft.try_list_rental(&id, &100, &1));
        refuse(env, E, || nft.try_unlist_rental(&id));
        refuse(env, E, || nft.try_rent(&renter, &id, &1, &100));
        // The certificate is looked up first, as OpenZeppelin's does: even a spender neither
        // owner nor approved hears that it does not exist.
        refuse(env, E, || {
            nft.try_transfer_from(&buyer, &owner, &buyer, &id)
        });
    }
    // The live certificate is untouched by all of it.
    assert_eq!(nft.owner_of(&kept), owner);
    assert_eq!(nft.balance(&owner), 1);
    assert_eq!(s.sep41.balance(&owner), shares(1));
    assert_eq!(s.sep41.balance(&nft.address), shares(10));
}

#[test]
fn transfers_naming_the_wrong_owner_are_refused_with_incorrect_owner() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (stranger, spender, operator, buyer) = (
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
    );
    use RigNftError::IncorrectOwner as E;
    // A stranger signing its own transfer of a certificate it does not own.
    refuse(env, E, || nft.try_transfer(&stranger, &buyer, &id));
    refuse(env, E, || {
        nft.try_transfer_from(&stranger, &stranger, &buyer, &id)
    });
    // An operator of the stranger, naming the stranger as owner.
    nft.approve_for_all(&stranger, &operator, &(seq(env) + 100));
    refuse(env, E, || {
        nft.try_transfer_from(&operator, &stranger, &buyer, &id)
    });
    // The approved spender naming the wrong owner.
    nft.approve(&owner, &spender, &id, &(seq(env) + 100));
    refuse(env, E, || {
        nft.try_transfer_from(&spender, &stranger, &buyer, &id)
    });
    // The former owner, after a transfer.
    nft.transfer(&owner, &buyer, &id);
    refuse(env, E, || nft.try_transfer(&owner, &stranger, &id));
    refuse(env, E, || {
        nft.try_transfer_from(&owner, &owner, &stranger, &id)
    });
    assert_eq!(nft.owner_of(&id), buyer);
    assert_eq!((nft.balance(&owner), nft.balance(&buyer)), (0, 1));
}

#[test]
fn transfer_from_without_approval_is_refused_with_insufficient_approval() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let id = nft.wrap(&owner, &shares(5), &rig(env));
    let other = nft.wrap(&owner, &shares(5), &rig(env));
    let (stranger, spender, operator, buyer) = (
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
    );
    use RigNftError::InsufficientApproval as E;
    refuse(env, E, || {
        nft.try_transfer_from(&stranger, &owner, &buyer, &id)
    });
    refuse(env, E, || {
        nft.try_transfer_from(&stranger, &owner, &stranger, &id)
    });
    // Approved for the other certificate only.
    nft.approve(&owner, &spender, &other, &(seq(env) + 100));
    refuse(env, E, || {
        nft.try_transfer_from(&spender, &owner, &buyer, &id)
    });
    // An operator of someone else.
    nft.approve_for_all(&stranger, &operator, &(seq(env) + 100));
    refuse(env, E, || {
        nft.try_transfer_from(&operator, &owner, &buyer, &id)
    });
    // The recipient cannot pull it either.
    refuse(env, E, || {
        nft.try_transfer_from(&buyer, &owner, &buyer, &id)
    });
    assert_eq!(nft.owner_of(&id), owner);
}

#[test]
fn non_positive_shares_prices_and_epochs_are_refused_with_invalid_amount() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 20);
    let id = nft.wrap(&owner, &shares(10), &rig(env));
    use RigNftError::InvalidAmount as E;
    for bad in [0, -1, i128::MIN] {
        refuse(env, E, || nft.try_wrap(&owner, &bad, &rig(env)));
        refuse(env, E, || nft.try_add_shares(&id, &bad));
        refuse(env, E, || nft.try_list_rental(&id, &bad, &1));
    }
    refuse(env, E, || nft.try_list_rental(&id, &1_000, &0));
    nft.list_rental(&id, &1_000, &2);
    let renter = Address::generate(env);
    s.reward_issuer.mint(&renter, &10_000);
    refuse(env, E, || nft.try_rent(&renter, &id, &0, &10_000));
    assert_eq!(nft.rig(&id).shares, shares(10));
    assert_eq!(nft.balance(&owner), 1);
    assert_eq!(s.sep41.balance(&owner), shares(10));
}

#[test]
fn wrap_or_add_beyond_the_share_balance_is_refused_by_the_share_token() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    refuse(
        env,
        share_token::ShareTokenError::InsufficientBalance,
        || nft.try_wrap(&owner, &(shares(10) + 1), &rig(env)),
    );
    let id = nft.wrap(&owner, &shares(10), &rig(env));
    refuse(
        env,
        share_token::ShareTokenError::InsufficientBalance,
        || nft.try_add_shares(&id, &1),
    );
    assert_eq!(nft.rig(&id).shares, shares(10));
}

#[test]
fn a_paid_rental_refuses_unwrap_set_user_and_a_second_rent() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (renter, other) = (Address::generate(env), Address::generate(env));
    s.reward_issuer.mint(&renter, &10_000);
    s.reward_issuer.mint(&other, &10_000);
    nft.list_rental(&id, &1_000, &2);
    nft.rent(&renter, &id, &2, &2_000);
    let expires = now(env) + 2 * DAY;
    // Listed again during the rental (allowed): nobody may rent over it.
    nft.list_rental(&id, &1_000, &2);
    use RigNftError::Rented as E;
    refuse(env, E, || nft.try_unwrap(&id));
    refuse(env, E, || nft.try_set_user(&id, &other, &(expires + DAY)));
    refuse(env, E, || nft.try_set_user(&id, &owner, &(expires + DAY)));
    refuse(env, E, || nft.try_rent(&other, &id, &1, &1_000));
    refuse(env, E, || nft.try_rent(&renter, &id, &1, &1_000));
    // Still at its last second.
    s.to_moment(expires - 1);
    refuse(env, E, || nft.try_unwrap(&id));
    refuse(env, E, || nft.try_rent(&other, &id, &1, &1_000));
    // Over at its expiry: the next renter, then (once that ends) the owner may unwrap.
    s.to_moment(expires);
    nft.rent(&other, &id, &1, &1_000);
    assert_eq!(nft.user_of(&id), Some(other.clone()));
    s.to_moment(expires + DAY);
    assert_eq!(nft.unwrap(&id), shares(10));
    assert_eq!(s.reward.balance(&owner), 3_000);
}

#[test]
fn unwrap_waits_for_the_end_of_an_owner_set_users_period() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let user = Address::generate(env);
    let expires = now(env) + DAY;
    nft.set_user(&id, &user, &expires);
    refuse(env, RigNftError::Rented, || nft.try_unwrap(&id));
    // The owner may replace its own user (no paid rental), and then unwrap after the end.
    nft.set_user(&id, &user, &(now(env) + 1));
    advance(env, 1);
    assert_eq!(nft.user_of(&id), None);
    assert_eq!(nft.unwrap(&id), shares(10));
    assert_eq!(s.sep41.balance(&owner), shares(10));
}

#[test]
fn rent_refuses_unlisted_certificates_too_many_epochs_and_too_high_a_price() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let renter = Address::generate(env);
    s.reward_issuer.mint(&renter, &100_000);
    // Never listed (whatever else is wrong with the request).
    refuse(env, RigNftError::NotListed, || {
        nft.try_rent(&renter, &id, &1, &100_000)
    });
    refuse(env, RigNftError::NotListed, || {
        nft.try_rent(&renter, &id, &0, &0)
    });
    // A listing ends with a transfer.
    nft.list_rental(&id, &1_000, &3);
    let buyer = Address::generate(env);
    nft.transfer(&owner, &buyer, &id);
    refuse(env, RigNftError::NotListed, || {
        nft.try_rent(&renter, &id, &1, &100_000)
    });
    nft.list_rental(&id, &1_000, &3);
    refuse(env, RigNftError::TooManyEpochs, || {
        nft.try_rent(&renter, &id, &4, &100_000)
    });
    refuse(env, RigNftError::TooManyEpochs, || {
        nft.try_rent(&renter, &id, &u32::MAX, &i128::MAX)
    });
    refuse(env, RigNftError::PriceTooHigh, || {
        nft.try_rent(&renter, &id, &3, &2_999)
    });
    refuse(env, RigNftError::PriceTooHigh, || {
        nft.try_rent(&renter, &id, &1, &0)
    });
    // The boundaries are accepted: the most epochs, at exactly the price.
    nft.rent(&renter, &id, &3, &3_000);
    assert_eq!(s.reward.balance(&buyer), 3_000);
    assert_eq!(s.reward.balance(&renter), 97_000);
    assert_eq!(nft.user_of(&id), Some(renter));
}

#[test]
fn a_rental_price_beyond_i128_is_refused_with_overflow() {
    let (s, nft) = suite();
    let env = &s.env;
    let (_, id) = certificate(&s, &nft, 10);
    let renter = Address::generate(env);
    nft.list_rental(&id, &i128::MAX, &2);
    refuse(env, RigNftError::Overflow, || {
        nft.try_rent(&renter, &id, &2, &i128::MAX)
    });
}

#[test]
fn rig_texts_must_be_non_empty_plain_and_at_most_64_bytes() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let long = "A".repeat(65);
    let bad_texts: [&str; 9] = [
        "",
        &long,
        "S19\"XP",
        "S19\\XP",
        "S19\nXP",
        "S19\tXP",
        "S19\u{7f}",
        "S19 caf\u{e9}",
        "\u{0}",
    ];
    for bad in bad_texts {
        for field in 0..3 {
            let mut r = rig(env);
            let value = String::from_str(env, bad);
            match field {
                0 => r.model = value,
                1 => r.serial = value,
                _ => r.location = value,
            }
            refuse(env, RigNftError::InvalidRig, || {
                nft.try_wrap(&owner, &shares(1), &r)
            });
        }
    }
    // 64 bytes of any printable ASCII but `"` and `\` are accepted, in every field.
    let edge = "A".repeat(64);
    let punctuation = " !#$%&'()*+,-./:;<=>?@[]^_`{|}~";
    let r = Rig {
        model: String::from_str(env, &edge),
        joules_per_th: u32::MAX,
        serial: String::from_str(env, punctuation),
        location: String::from_str(env, "x"),
    };
    let id = nft.wrap(&owner, &shares(1), &r);
    assert_eq!(nft.rig(&id).rig, r);
    assert_eq!(nft.balance(&owner), 1);
}

#[test]
fn set_user_refuses_an_expiry_that_is_not_in_the_future() {
    let (s, nft) = suite();
    let env = &s.env;
    let (_, id) = certificate(&s, &nft, 10);
    let user = Address::generate(env);
    for bad in [0, now(env) - 1, now(env)] {
        refuse(env, RigNftError::InvalidExpiry, || {
            nft.try_set_user(&id, &user, &bad)
        });
    }
    assert_eq!(nft.user_of(&id), None);
    nft.set_user(&id, &user, &(now(env) + 1));
    assert_eq!(nft.user_of(&id), Some(user));
}

#[test]
fn accept_admin_without_a_proposal_is_refused_with_no_pending_admin() {
    let (s, nft) = suite();
    let env = &s.env;
    refuse(env, RigNftError::NoPendingAdmin, || nft.try_accept_admin());
    let next = Address::generate(env);
    nft.propose_admin(&next);
    nft.accept_admin();
    assert_eq!(nft.admin(), next);
    // Accepted once: nothing pending any more.
    refuse(env, RigNftError::NoPendingAdmin, || nft.try_accept_admin());
    assert_eq!(nft.admin(), next);
}

#[test]
fn the_constructor_refuses_unplain_metadata_and_a_foreign_distributor() {
    let (s, _) = suite();
    let token = s.token.address.clone();
    let long_uri = format!("https://{}", "a".repeat(193));
    let cases: [(&Address, &str, &str, &str); 6] = [
        (&token, "Rigs \"x\"", "RIG", "https://rigs.example/"),
        (&token, &"N".repeat(65), "RIG", "https://rigs.example/"),
        (&token, "Rigs", &"S".repeat(33), "https://rigs.example/"),
        (&token, "Rigs", "RIG", &long_uri),
        (&token, "Rigs", "R\\IG", "https://rigs.example/"),
        // A share token the distributor does not pay for.
        (&s.reward.address, "Rigs", "RIG", "https://rigs.example/"),
    ];
    for (share_token, name, symbol, uri) in cases {
        let message = panic_message(|| deploy(&s, share_token, name, symbol, uri).address);
        assert!(
            message.contains("Error(Contract, #414)"),
            "expected NotConfigured (414) for {name:?} {symbol:?} {uri:?}, got: {message}"
        );
    }
    // The limits themselves are accepted.
    let nft = deploy(
        &s,
        &token,
        &"N".repeat(64),
        &"S".repeat(32),
        &format!("https://{}", "a".repeat(192)),
    );
    assert_eq!(text(&nft.name()), "N".repeat(64));
    assert_eq!(text(&nft.symbol()), "S".repeat(32));
}

// ---------------------------------------------------------------------------------------------
// 4. Exact authorization trees
// ---------------------------------------------------------------------------------------------

#[test]
fn transfer_and_transfer_from_are_signed_by_from_and_by_the_spender_alone() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    earn(&s); // a transfer that also pays the seller asks no more signatures
    let (spender, buyer) = (Address::generate(env), Address::generate(env));
    nft.transfer(&owner, &buyer, &id);
    assert_signed_by(
        env,
        &owner,
        &nft.address,
        "transfer",
        (owner.clone(), buyer.clone(), id).into_val(env),
    );
    nft.approve(&buyer, &spender, &id, &(seq(env) + 10));
    nft.transfer_from(&spender, &buyer, &owner, &id);
    assert_signed_by(
        env,
        &spender,
        &nft.address,
        "transfer_from",
        (spender.clone(), buyer.clone(), owner.clone(), id).into_val(env),
    );
    assert_eq!(nft.owner_of(&id), owner);
}

#[test]
fn approve_and_approve_for_all_are_signed_by_the_approver_and_the_owner() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (spender, operator) = (Address::generate(env), Address::generate(env));
    let until = seq(env) + 10;
    nft.approve(&owner, &spender, &id, &until);
    assert_signed_by(
        env,
        &owner,
        &nft.address,
        "approve",
        (owner.clone(), spender.clone(), id, until).into_val(env),
    );
    nft.approve_for_all(&owner, &operator, &until);
    assert_signed_by(
        env,
        &owner,
        &nft.address,
        "approve_for_all",
        (owner.clone(), operator.clone(), until).into_val(env),
    );
    // An operator's approval is the operator's signature, not the owner's.
    nft.approve(&operator, &spender, &id, &0);
    assert_signed_by(
        env,
        &operator,
        &nft.address,
        "approve",
        (operator.clone(), spender.clone(), id, 0u32).into_val(env),
    );
}

#[test]
fn wrap_and_add_shares_are_signed_by_the_owner_with_the_share_transfer_nested() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let r = rig(env);
    let id = nft.wrap(&owner, &shares(4), &r);
    let share_transfer = |amount: i128| {
        invocation(
            env,
            &s.token.address,
            "transfer",
            (owner.clone(), nft.address.clone(), amount).into_val(env),
            vec![],
        )
    };
    assert_auth_tree(
        env,
        &owner,
        invocation(
            env,
            &nft.address,
            "wrap",
            (owner.clone(), shares(4), r.clone()).into_val(env),
            vec![share_transfer(shares(4))],
        ),
    );
    nft.add_shares(&id, &shares(3));
    assert_auth_tree(
        env,
        &owner,
        invocation(
            env,
            &nft.address,
            "add_shares",
            (id, shares(3)).into_val(env),
            vec![share_transfer(shares(3))],
        ),
    );
    // A buyer's add takes the buyer's shares, under the buyer's signature.
    let buyer = holder(&s, 2);
    nft.transfer(&owner, &buyer, &id);
    nft.add_shares(&id, &shares(2));
    assert_auth_tree(
        env,
        &buyer,
        invocation(
            env,
            &nft.address,
            "add_shares",
            (id, shares(2)).into_val(env),
            vec![invocation(
                env,
                &s.token.address,
                "transfer",
                (buyer.clone(), nft.address.clone(), shares(2)).into_val(env),
                vec![],
            )],
        ),
    );
    assert_eq!(nft.rig(&id).shares, shares(9));
}

#[test]
fn unwrap_set_user_list_and_unlist_are_signed_by_the_owner_alone() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    earn(&s); // a set_user that also pays the owner asks no more signatures
    let user = Address::generate(env);
    let expires = now(env) + 10;
    nft.set_user(&id, &user, &expires);
    assert_signed_by(
        env,
        &owner,
        &nft.address,
        "set_user",
        (id, user.clone(), expires).into_val(env),
    );
    nft.list_rental(&id, &1_000, &3);
    assert_signed_by(
        env,
        &owner,
        &nft.address,
        "list_rental",
        (id, 1_000i128, 3u32).into_val(env),
    );
    nft.unlist_rental(&id);
    assert_signed_by(
        env,
        &owner,
        &nft.address,
        "unlist_rental",
        (id,).into_val(env),
    );
    s.to_moment(expires);
    nft.unwrap(&id);
    assert_signed_by(env, &owner, &nft.address, "unwrap", (id,).into_val(env));
    assert_eq!(s.reward.balance(&owner), EARNED);
}

#[test]
fn rent_is_signed_by_the_renter_with_its_payment_nested() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let renter = Address::generate(env);
    s.reward_issuer.mint(&renter, &10_000);
    nft.list_rental(&id, &1_000, &5);
    nft.rent(&renter, &id, &2, &9_999);
    assert_auth_tree(
        env,
        &renter,
        invocation(
            env,
            &nft.address,
            "rent",
            (renter.clone(), id, 2u32, 9_999i128).into_val(env),
            vec![invocation(
                env,
                &s.reward.address,
                "transfer",
                (renter.clone(), owner.clone(), 2_000i128).into_val(env),
                vec![],
            )],
        ),
    );
    assert_eq!(s.reward.balance(&owner), 2_000);
}

#[test]
fn claim_and_the_views_ask_no_signature() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    earn(&s);
    assert_eq!(nft.claim(&id), (EARNED, 0));
    assert_eq!(env.auths(), std::vec![], "anyone may claim for the owner");
    assert_eq!(s.reward.balance(&owner), EARNED);
    assert_eq!(nft.owner_of(&id), owner);
    assert_eq!(env.auths(), std::vec![]);
    nft.token_uri(&id);
    assert_eq!(env.auths(), std::vec![]);
}

#[test]
fn collect_is_signed_by_the_account_and_pays_what_it_could_not_receive() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    earn(&s);
    // The owner cannot receive the reward asset now: its rewards wait for it.
    s.reward_asset.issuer().set_flag(IssuerFlags::RevocableFlag);
    s.reward_issuer.set_authorized(&owner, &false);
    assert_eq!(nft.claim(&id), (EARNED, 0));
    assert_eq!(
        nft_events(env, &nft),
        vec![rewards_paid_event(id, EARNED, 0)]
    );
    assert_eq!(nft.unpaid(&owner), EARNED);
    assert_eq!(s.reward.balance(&owner), 0);
    s.reward_issuer.set_authorized(&owner, &true);
    assert_eq!(nft.collect(&owner), EARNED);
    assert_signed_by(
        env,
        &owner,
        &nft.address,
        "collect",
        (owner.clone(),).into_val(env),
    );
    assert_eq!(s.reward.balance(&owner), EARNED);
    assert_eq!(nft.unpaid(&owner), 0);
    // Nothing left: 0, still under the account's signature.
    assert_eq!(nft.collect(&owner), 0);
    assert_signed_by(
        env,
        &owner,
        &nft.address,
        "collect",
        (owner.clone(),).into_val(env),
    );
}

#[test]
fn propose_admin_and_upgrade_are_signed_by_the_admin_and_accept_by_the_proposed() {
    let (s, nft) = suite();
    let env = &s.env;
    let next = Address::generate(env);
    nft.propose_admin(&next);
    assert_signed_by(
        env,
        &s.admin,
        &nft.address,
        "propose_admin",
        (next.clone(),).into_val(env),
    );
    assert_eq!(
        nft_events(env, &nft),
        vec![(
            vec![sym("admin_proposed"), addr(&s.admin)],
            mapv(&[("proposed", addr(&next))])
        )]
    );
    nft.accept_admin();
    assert_signed_by(env, &next, &nft.address, "accept_admin", ().into_val(env));
    assert_eq!(
        nft_events(env, &nft),
        vec![(
            vec![sym("admin_changed"), addr(&s.admin)],
            mapv(&[("admin", addr(&next))])
        )]
    );
    assert_eq!(nft.admin(), next);
    let hash: BytesN<32> = env
        .deployer()
        .upload_contract_wasm(wasm("rig_nft").as_slice());
    nft.upgrade(&hash);
    assert_signed_by(
        env,
        &next,
        &nft.address,
        "upgrade",
        (hash.clone(),).into_val(env),
    );
    let bytes = xdr::ScBytes(hash.to_array().to_vec().try_into().unwrap());
    assert_eq!(
        nft_events(env, &nft),
        vec![(
            vec![sym("upgraded")],
            mapv(&[("wasm_hash", ScVal::Bytes(bytes))])
        )]
    );
    assert_eq!(nft.name(), String::from_str(env, "Antpool S19 rigs"));
}

// ---------------------------------------------------------------------------------------------
// 5. Wrong signers: refused, with no state change
// ---------------------------------------------------------------------------------------------

#[test]
fn a_stranger_or_the_spender_cannot_sign_a_transfer_and_the_owner_cannot_sign_a_transfer_from() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (stranger, spender, buyer) = (
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
    );
    nft.approve(&owner, &spender, &id, &(seq(env) + 100));
    let args = || (owner.clone(), buyer.clone(), id).into_val(env);
    for signer in [&stranger, &spender, &buyer] {
        authorize(env, signer, &nft.address, "transfer", args());
        refuse_auth(env, || nft.try_transfer(&owner, &buyer, &id));
    }
    let args = || (spender.clone(), owner.clone(), buyer.clone(), id).into_val(env);
    for signer in [&owner, &stranger, &buyer] {
        authorize(env, signer, &nft.address, "transfer_from", args());
        refuse_auth(env, || nft.try_transfer_from(&spender, &owner, &buyer, &id));
    }
    // Nobody signing at all.
    env.set_auths(&[]);
    refuse_auth(env, || nft.try_transfer(&owner, &buyer, &id));
    assert_eq!(nft.owner_of(&id), owner);
    assert_eq!(nft.get_approved(&id), Some(spender.clone()));
    // The right signature goes through.
    authorize(env, &spender, &nft.address, "transfer_from", args());
    nft.transfer_from(&spender, &owner, &buyer, &id);
    assert_eq!(nft.owner_of(&id), buyer);
}

#[test]
fn only_the_approver_signs_approve_and_only_the_owner_signs_approve_for_all() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (stranger, spender, operator) = (
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
    );
    let until = seq(env) + 100;
    let args = || (owner.clone(), spender.clone(), id, until).into_val(env);
    for signer in [&stranger, &spender] {
        authorize(env, signer, &nft.address, "approve", args());
        refuse_auth(env, || nft.try_approve(&owner, &spender, &id, &until));
    }
    let args = || (owner.clone(), operator.clone(), until).into_val(env);
    for signer in [&stranger, &operator] {
        authorize(env, signer, &nft.address, "approve_for_all", args());
        refuse_auth(env, || nft.try_approve_for_all(&owner, &operator, &until));
    }
    assert_eq!(nft.get_approved(&id), None);
    assert!(!nft.is_approved_for_all(&owner, &operator));
    authorize(env, &owner, &nft.address, "approve_for_all", args());
    nft.approve_for_all(&owner, &operator, &until);
    assert!(nft.is_approved_for_all(&owner, &operator));
    // The owner's signature does not stand in for its operator's.
    let args = || (operator.clone(), spender.clone(), id, until).into_val(env);
    authorize(env, &owner, &nft.address, "approve", args());
    refuse_auth(env, || nft.try_approve(&operator, &spender, &id, &until));
    assert_eq!(nft.get_approved(&id), None);
}

#[test]
fn a_stranger_cannot_wrap_the_owners_shares_and_the_owner_must_sign_the_share_transfer_too() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let stranger = Address::generate(env);
    let r = rig(env);
    let args = || (owner.clone(), shares(10), r.clone()).into_val(env);
    authorize(env, &stranger, &nft.address, "wrap", args());
    refuse_auth(env, || nft.try_wrap(&owner, &shares(10), &r));
    // The wrap alone, without the nested share transfer, is not enough.
    authorize(env, &owner, &nft.address, "wrap", args());
    refuse_auth(env, || nft.try_wrap(&owner, &shares(10), &r));
    assert_eq!(s.sep41.balance(&owner), shares(10));
    // The whole tree goes through.
    let transfer_args: Vec<Val> = (owner.clone(), nft.address.clone(), shares(10)).into_val(env);
    let wrap_args: Vec<Val> = args();
    env.mock_auths(&[MockAuth {
        address: &owner,
        invoke: &MockAuthInvoke {
            contract: &nft.address,
            fn_name: "wrap",
            args: wrap_args,
            sub_invokes: &[MockAuthInvoke {
                contract: &s.token.address,
                fn_name: "transfer",
                args: transfer_args,
                sub_invokes: &[],
            }],
        },
    }]);
    assert_eq!(nft.wrap(&owner, &shares(10), &r), 0);
    assert_eq!(nft.owner_of(&0), owner);
}

#[test]
fn a_stranger_cannot_add_shares_unwrap_or_set_the_user() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (stranger, operator, user) = (
        holder(&s, 5),
        Address::generate(env),
        Address::generate(env),
    );
    nft.approve_for_all(&owner, &operator, &(seq(env) + 100));
    nft.approve(&owner, &operator, &id, &(seq(env) + 100));
    s.token.mint(&owner, &shares(5));
    let expires = now(env) + DAY;
    // Neither a stranger (with shares of its own) nor the owner's operator and approved
    // spender: the owner only.
    for signer in [&stranger, &operator, &user] {
        authorize(
            env,
            signer,
            &nft.address,
            "add_shares",
            (id, shares(1)).into_val(env),
        );
        refuse_auth(env, || nft.try_add_shares(&id, &shares(1)));
        authorize(env, signer, &nft.address, "unwrap", (id,).into_val(env));
        refuse_auth(env, || nft.try_unwrap(&id));
        authorize(
            env,
            signer,
            &nft.address,
            "set_user",
            (id, user.clone(), expires).into_val(env),
        );
        refuse_auth(env, || nft.try_set_user(&id, &user, &expires));
    }
    env.set_auths(&[]);
    refuse_auth(env, || nft.try_unwrap(&id));
    env.mock_all_auths();
    assert_eq!(nft.rig(&id).shares, shares(10));
    assert_eq!(nft.user_of(&id), None);
    assert_eq!(nft.owner_of(&id), owner);
    assert_eq!(s.sep41.balance(&stranger), shares(5));
    assert_eq!(s.sep41.balance(&owner), shares(5));
}

#[test]
fn a_stranger_cannot_list_or_unlist_a_rental() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let (stranger, operator) = (Address::generate(env), Address::generate(env));
    nft.approve_for_all(&owner, &operator, &(seq(env) + 100));
    for signer in [&stranger, &operator] {
        authorize(
            env,
            signer,
            &nft.address,
            "list_rental",
            (id, 1i128, 100u32).into_val(env),
        );
        refuse_auth(env, || nft.try_list_rental(&id, &1, &100));
    }
    env.mock_all_auths();
    nft.list_rental(&id, &1_000, &2);
    for signer in [&stranger, &operator] {
        authorize(
            env,
            signer,
            &nft.address,
            "unlist_rental",
            (id,).into_val(env),
        );
        refuse_auth(env, || nft.try_unlist_rental(&id));
    }
    // Still listed at the owner's terms.
    env.mock_all_auths();
    let renter = Address::generate(env);
    s.reward_issuer.mint(&renter, &2_000);
    refuse(env, RigNftError::PriceTooHigh, || {
        nft.try_rent(&renter, &id, &2, &1_999)
    });
    nft.rent(&renter, &id, &2, &2_000);
    assert_eq!(s.reward.balance(&owner), 2_000);
}

#[test]
fn rent_needs_the_renters_signature_over_the_payment_too() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    let renter = Address::generate(env);
    s.reward_issuer.mint(&renter, &10_000);
    nft.list_rental(&id, &1_000, &5);
    let rent_args = || (renter.clone(), id, 2u32, 2_000i128).into_val(env);
    // The owner (who is paid) cannot sign for the renter.
    authorize(env, &owner, &nft.address, "rent", rent_args());
    refuse_auth(env, || nft.try_rent(&renter, &id, &2, &2_000));
    // The renter signing the rent but not its payment.
    authorize(env, &renter, &nft.address, "rent", rent_args());
    refuse_auth(env, || nft.try_rent(&renter, &id, &2, &2_000));
    // Nobody signing.
    env.set_auths(&[]);
    refuse_auth(env, || nft.try_rent(&renter, &id, &2, &2_000));
    assert_eq!(s.reward.balance(&renter), 10_000);
    assert_eq!(nft.user_of(&id), None);
    // The whole tree goes through.
    env.mock_auths(&[MockAuth {
        address: &renter,
        invoke: &MockAuthInvoke {
            contract: &nft.address,
            fn_name: "rent",
            args: rent_args(),
            sub_invokes: &[MockAuthInvoke {
                contract: &s.reward.address,
                fn_name: "transfer",
                args: (renter.clone(), owner.clone(), 2_000i128).into_val(env),
                sub_invokes: &[],
            }],
        },
    }]);
    nft.rent(&renter, &id, &2, &2_000);
    assert_eq!(nft.user_of(&id), Some(renter.clone()));
    assert_eq!(s.reward.balance(&owner), 2_000);
}

#[test]
fn collect_needs_the_accounts_own_signature() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id) = certificate(&s, &nft, 10);
    earn(&s);
    s.reward_asset.issuer().set_flag(IssuerFlags::RevocableFlag);
    s.reward_issuer.set_authorized(&owner, &false);
    nft.claim(&id);
    s.reward_issuer.set_authorized(&owner, &true);
    assert_eq!(nft.unpaid(&owner), EARNED);
    let stranger = Address::generate(env);
    authorize(
        env,
        &stranger,
        &nft.address,
        "collect",
        (owner.clone(),).into_val(env),
    );
    refuse_auth(env, || nft.try_collect(&owner));
    env.mock_all_auths();
    assert_eq!(nft.unpaid(&owner), EARNED);
    assert_eq!(s.reward.balance(&owner), 0);
}

#[test]
fn admin_calls_are_refused_to_anyone_but_the_admin_and_the_proposed_admin() {
    let (s, nft) = suite();
    let env = &s.env;
    let (stranger, next) = (Address::generate(env), Address::generate(env));
    let id = nft.address.clone();
    // propose_admin: the admin, not the stranger, not the proposed account itself.
    for signer in [&stranger, &next] {
        authorize(
            env,
            signer,
            &id,
            "propose_admin",
            (next.clone(),).into_val(env),
        );
        refuse_auth(env, || nft.try_propose_admin(&next));
    }
    env.mock_all_auths();
    refuse(env, RigNftError::NoPendingAdmin, || nft.try_accept_admin());
    authorize(
        env,
        &s.admin,
        &id,
        "propose_admin",
        (next.clone(),).into_val(env),
    );
    nft.propose_admin(&next);
    // accept_admin: the proposed account, not the admin, not a stranger.
    for signer in [&s.admin, &stranger] {
        authorize(env, signer, &id, "accept_admin", ().into_val(env));
        refuse_auth(env, || nft.try_accept_admin());
    }
    assert_eq!(nft.admin(), s.admin);
    // upgrade: the admin, not the proposed one before it accepts.
    env.mock_all_auths();
    let hash: BytesN<32> = env
        .deployer()
        .upload_contract_wasm(wasm("rig_nft").as_slice());
    for signer in [&stranger, &next] {
        authorize(env, signer, &id, "upgrade", (hash.clone(),).into_val(env));
        refuse_auth(env, || nft.try_upgrade(&hash));
    }
    authorize(env, &next, &id, "accept_admin", ().into_val(env));
    nft.accept_admin();
    assert_eq!(nft.admin(), next);
    // Now the old admin is the stranger.
    authorize(env, &s.admin, &id, "upgrade", (hash.clone(),).into_val(env));
    refuse_auth(env, || nft.try_upgrade(&hash));
    authorize(
        env,
        &s.admin,
        &id,
        "propose_admin",
        (stranger.clone(),).into_val(env),
    );
    refuse_auth(env, || nft.try_propose_admin(&stranger));
    authorize(env, &next, &id, "upgrade", (hash.clone(),).into_val(env));
    nft.upgrade(&hash);
    assert_eq!(nft.admin(), next);
}
