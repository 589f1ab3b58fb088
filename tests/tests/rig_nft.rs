//! rig-nft on the compiled WASM, in the whole suite: a certificate earns what its shares earn
//! (next to a plain holder of as many), SEP-50 ownership and approvals with their events, and
//! rentals whose user receives the rewards of its period.
use hashshare_interfaces::SHARE_UNIT;
use hashshare_tests::fixture::{advance, deploy_vault, Suite, TH_PER_SHARE};
use rig_nft::{RentalListing, Rig, RigNftClient, RigNftError};
use soroban_sdk::{
    testutils::{Address as _, Events as _},
    xdr::{self, ScAddress, ScSymbol, ScVal},
    Address, Env, String,
};

const DAY: u64 = 86_400;
const TERM: u64 = 365 * DAY;
const FUNDS: i128 = 1_000_000_000_000_000;

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

/// The suite with 100 TH/s attested (epoch 0), a vault for its token, and two holders of 10
/// shares each, minted at the start of epoch 2.
fn vault() -> (Suite, RigNftClient<'static>, Address, Address) {
    let s = Suite::new(TERM, 0, FUNDS);
    s.attest(100 * TH_PER_SHARE, 0);
    s.to_next_epoch();
    let nft = deploy_vault(&s);
    let (plain, owner) = (Address::generate(&s.env), Address::generate(&s.env));
    s.token.mint(&plain, &shares(10));
    s.token.mint(&owner, &shares(10));
    (s, nft, plain, owner)
}

/// The last event `nft` emitted: its topics and data, as XDR (the raw shape wallets read).
fn last_event(env: &Env, nft: &RigNftClient) -> (std::vec::Vec<ScVal>, ScVal) {
    let events = env.events().all().filter_by_contract(&nft.address);
    let event = events.events().last().expect("an event").clone();
    let xdr::ContractEventBody::V0(body) = event.body;
    (body.topics.iter().cloned().collect(), body.data)
}

fn sym(name: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(name.try_into().unwrap()))
}

fn addr(a: &Address) -> ScVal {
    ScVal::Address(ScAddress::from(a))
}

/// Pays `epoch` (attested with `reward` now) in full and lets its stream run out.
fn pay_epoch(s: &Suite, reward: i128) {
    let epoch = s.attest(100 * TH_PER_SHARE, reward);
    s.pay_in_full(epoch);
    s.to_moment(s.end_of(epoch + 1) + 1);
}

#[test]
fn a_certificate_earns_what_a_plain_holder_of_its_shares_earns() {
    let (s, nft, plain, owner) = vault();
    let id = nft.wrap(&owner, &shares(10), &rig(&s.env));
    assert_eq!(s.sep41.balance(&nft.address), shares(10));
    assert_eq!(nft.owner_of(&id), owner);
    assert_eq!(nft.balance(&owner), 1);
    let certificate = nft.rig(&id);
    assert_eq!(certificate.shares, shares(10));
    assert_eq!(certificate.hashrate, 10 * TH_PER_SHARE);

    pay_epoch(&s, 10_000_000);
    let (owed, user) = nft.accrued(&id);
    assert_eq!(user, 0);
    let before = s.reward.balance(&owner);
    assert_eq!(nft.claim(&id), (owed, 0));
    assert_eq!(s.reward.balance(&owner) - before, owed);
    let direct = s.distributor.claim(&plain);
    assert!(direct > 0);
    // The vault's one holder position, spread over the certificate's shares: under one base
    // unit of dust.
    assert!(
        (direct - owed).abs() <= 1,
        "plain {direct}, certificate {owed}"
    );

    // Unwrapped, the shares come back and nothing more is owed.
    assert_eq!(nft.unwrap(&id), shares(10));
    assert_eq!(s.sep41.balance(&owner), shares(10));
    assert_eq!(s.sep41.balance(&nft.address), 0);
    assert_eq!(nft.balance(&owner), 0);
    assert_eq!(
        nft.try_owner_of(&id),
        Err(Ok(RigNftError::NonExistentToken.into()))
    );
}

#[test]
fn sep50_transfers_and_approvals_with_their_events() {
    let (s, nft, plain, owner) = vault();
    let env = &s.env;
    let id = nft.wrap(&owner, &shares(10), &rig(env));
    let buyer = Address::generate(env);
    // Only the owner moves it.
    assert_eq!(
        nft.try_transfer(&plain, &buyer, &id),
        Err(Ok(RigNftError::IncorrectOwner.into()))
    );
    // An approval lets a spender move it once; it ends with the transfer.
    let spender = Address::generate(env);
    let until = env.ledger().sequence() + 100;
    assert_eq!(
        nft.try_approve(&plain, &spender, &id, &until),
        Err(Ok(RigNftError::InvalidApprover.into()))
    );
    nft.approve(&owner, &spender, &id, &until);
    // OpenZeppelin's shape: topics ("approve", approver, token_id), data (approved, ledger).
    assert_eq!(
        last_event(env, &nft),
        (
            std::vec![sym("approve"), addr(&owner), ScVal::U32(id)],
            ScVal::Vec(Some(
                std::vec![addr(&spender), ScVal::U32(until)]
                    .try_into()
                    .unwrap()
            ))
        )
    );
    assert_eq!(nft.get_approved(&id), Some(spender.clone()));
    nft.transfer_from(&spender, &owner, &buyer, &id);
    assert_eq!(
        last_event(env, &nft),
        (
            std::vec![sym("transfer"), addr(&owner), addr(&buyer)],
            ScVal::U32(id)
        )
    );
    assert_eq!(nft.owner_of(&id), buyer);
    assert_eq!(nft.get_approved(&id), None);
    assert_eq!(
        nft.try_transfer_from(&spender, &buyer, &owner, &id),
        Err(Ok(RigNftError::InsufficientApproval.into()))
    );
    // An operator approval, and its expiry.
    let operator = Address::generate(env);
    assert_eq!(
        nft.try_approve_for_all(&buyer, &operator, &(env.ledger().sequence() - 1)),
        Err(Ok(RigNftError::InvalidLiveUntilLedger.into()))
    );
    nft.approve_for_all(&buyer, &operator, &(env.ledger().sequence() + 10));
    assert!(nft.is_approved_for_all(&buyer, &operator));
    advance(env, 11 * 5);
    assert!(!nft.is_approved_for_all(&buyer, &operator));
    // The metadata names the rig and its hashrate.
    let uri = nft.token_uri(&id);
    let mut text = [0u8; 4096];
    let len = uri.len() as usize;
    uri.copy_into_slice(&mut text[..len]);
    let text = core::str::from_utf8(&text[..len]).unwrap();
    let payload = text
        .strip_prefix("data:application/json;base64,")
        .unwrap_or_else(|| panic!("a base64 JSON data URI: {text}"));
    use base64::Engine as _;
    let json = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).expect("valid JSON");
    assert_eq!(json["name"], "Antpool S19 rigs #0");
    let attribute = |name: &str| {
        json["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["trait_type"] == name)
            .unwrap_or_else(|| panic!("{name}: {json}"))["value"]
            .clone()
    };
    assert_eq!(
        attribute("hashrate"),
        serde_json::json!(10_000_000_000_000u64)
    );
    assert_eq!(attribute("J/TH"), serde_json::json!(21));
    assert_eq!(attribute("model"), "Antminer S19 XP");
    assert_eq!(attribute("location"), "Sichuan, CN");
    assert!(attribute("offering").as_str().unwrap().starts_with('C'));
    // A rig whose text would break the JSON is refused.
    let mut bad = rig(env);
    bad.model = String::from_str(env, "S19\", \"x");
    assert_eq!(
        nft.try_wrap(&owner, &shares(1), &bad),
        Err(Ok(RigNftError::InvalidRig.into()))
    );
}

#[test]
fn a_rentals_user_gets_the_rewards_of_its_period_and_unwrap_waits_for_its_end() {
    let (s, nft, plain, owner) = vault();
    let env = &s.env;
    let id = nft.wrap(&owner, &shares(10), &rig(env));
    let renter = Address::generate(env);
    s.reward_issuer.mint(&renter, &1_000_000);
    assert_eq!(nft.listing(&id), None);
    nft.list_rental(&id, &100_000, &3);
    assert_eq!(
        nft.listing(&id),
        Some(RentalListing {
            price_per_epoch: 100_000,
            max_epochs: 3
        })
    );
    assert_eq!(
        nft.try_rent(&renter, &id, &4, &1_000_000),
        Err(Ok(RigNftError::TooManyEpochs.into()))
    );
    assert_eq!(
        nft.try_rent(&renter, &id, &2, &199_999),
        Err(Ok(RigNftError::PriceTooHigh.into()))
    );
    let owner_before = s.reward.balance(&owner);
    nft.rent(&renter, &id, &2, &200_000);
    assert_eq!(
        s.reward.balance(&owner) - owner_before,
        200_000,
        "the owner is paid"
    );
    assert_eq!(nft.user_of(&id), Some(renter.clone()));
    let rented_until = env.ledger().timestamp() + 2 * DAY;
    assert_eq!(nft.user_expires(&id), rented_until);
    assert_eq!(nft.listing(&id), None, "a rental takes the listing down");
    assert_eq!(nft.try_unwrap(&id), Err(Ok(RigNftError::Rented.into())));
    // The rental survives a transfer of the certificate.
    let buyer = Address::generate(env);
    nft.transfer(&owner, &buyer, &id);
    assert_eq!(nft.user_of(&id), Some(renter.clone()));
    // Everything the certificate earns inside the two rented epochs is the renter's.
    let start = env.ledger().timestamp();
    let epoch = s.attest(100 * TH_PER_SHARE, 10_000_000);
    s.pay_in_full(epoch);
    let end = start + 2 * DAY;
    s.to_moment(end);
    let (for_owner, for_user) = nft.accrued(&id);
    assert!(for_user > 0);
    assert_eq!(for_owner, 0, "nothing for the owner inside the rental");
    let plain_now = s.distributor.claimable(&plain);
    assert!(
        (plain_now - for_user).abs() <= 1,
        "plain {plain_now}, renter {for_user}"
    );
    let paid = nft.claim(&id);
    assert_eq!(paid, (0, for_user));
    // After the rental: the owner earns again, and may unwrap.
    advance(env, 1);
    assert_eq!(nft.user_of(&id), None);
    assert_eq!(nft.user_expires(&id), 0);
    assert_eq!(nft.unwrap(&id), shares(10));
    assert_eq!(
        nft.try_listing(&id),
        Err(Ok(RigNftError::NonExistentToken.into()))
    );
}

/// `live_until` of every persistent entry of `contract` (its instance included), read from the
/// ledger snapshot: unlike a read through the host, this restores nothing.
fn persistent_live_until(env: &Env, contract: &Address) -> std::vec::Vec<(ScVal, u32)> {
    let contract = ScAddress::from(contract);
    env.to_ledger_snapshot()
        .ledger_entries
        .into_iter()
        .filter_map(|(key, (_, live_until))| match *key {
            xdr::LedgerKey::ContractData(data)
                if data.contract == contract
                    && data.durability == xdr::ContractDataDurability::Persistent =>
            {
                Some((data.key, live_until.expect("contract data has a TTL")))
            }
            _ => None,
        })
        .collect()
}

/// Nobody touches the vault for more than a year while the offering pays every (30-day) epoch
/// and a plain holder of as many shares claims each one: every entry of the vault expires (its
/// instance after 30 days, the certificate after 120: archived on the network, not deleted).
/// The certificate's first claim restores them and pays what the plain holder received over
/// the year, to the base unit of dust, and the vault keeps nothing back.
#[test]
fn a_certificate_nobody_claims_for_a_year_loses_nothing() {
    let s = Suite::configured(2 * TERM, 0, FUNDS, TH_PER_SHARE, |c| {
        c.epoch_seconds = 30 * DAY;
    });
    s.attest(100 * TH_PER_SHARE, 0);
    let nft = deploy_vault(&s);
    let (plain, owner) = (Address::generate(&s.env), Address::generate(&s.env));
    s.token.mint(&plain, &shares(10));
    s.token.mint(&owner, &shares(10));
    let id = nft.wrap(&owner, &shares(10), &rig(&s.env));
    let wrapped_at = s.env.ledger().sequence();

    let mut plain_received = 0;
    let mut last = 0;
    for n in 0..13 {
        last = s.attest(100 * TH_PER_SHARE, 2_592_000_017 + n * 1_000_003);
        s.pay_in_full(last);
        plain_received += s.distributor.claim(&plain);
    }
    s.to_moment(s.end_of(last + 1) + 1);
    plain_received += s.distributor.claim(&plain);
    assert!(plain_received > 13 * 100_000_000, "{plain_received}");

    let now = s.env.ledger().sequence();
    assert!(
        now - wrapped_at > 365 * 17_280,
        "more than a year of ledgers"
    );
    let entries = persistent_live_until(&s.env, &nft.address);
    assert!(
        entries.len() >= 3,
        "instance, certificate, balance: {entries:?}"
    );
    for (key, live_until) in &entries {
        assert!(*live_until < now, "{key:?} still live");
    }

    let (owed, user) = nft.accrued(&id);
    assert_eq!(user, 0);
    assert!(
        (plain_received - owed).abs() <= 1,
        "plain {plain_received}, certificate {owed}"
    );
    assert_eq!(nft.claim(&id), (owed, 0));
    assert_eq!(s.reward.balance(&owner), owed);
    assert!(s.reward.balance(&nft.address) <= 1, "dust at most");
    assert_eq!(s.distributor.claimable(&nft.address), 0);
    assert_eq!(s.distributor.claimable(&plain), 0);
    // Restored and extended again (the instance and the certificate; the owner's count waits
    // for its own next use): the certificate lives on, and unwraps.
    let live: std::vec::Vec<ScVal> = persistent_live_until(&s.env, &nft.address)
        .into_iter()
        .filter(|(_, live_until)| *live_until > now)
        .map(|(key, _)| key)
        .collect();
    assert_eq!(live.len(), 2, "{live:?}");
    assert!(live.contains(&ScVal::LedgerKeyContractInstance));
    assert_eq!(nft.unwrap(&id), shares(10));
    assert_eq!(s.sep41.balance(&owner), shares(10));
}

/// The split rule, with exact numbers: a rental of one epoch starts at `t0` (the rental settles
/// the certificate), rewards stream in, and nobody touches the certificate until four days
/// later. That settlement splits what it earned by time: the user gets `earned × 1 day / 4
/// days`, floored, and the owner the rest, to the unit.
#[test]
fn a_settlement_after_the_rental_splits_the_interval_by_time() {
    let (s, nft, plain, owner) = vault();
    let env = &s.env;
    let id = nft.wrap(&owner, &shares(10), &rig(env));
    let renter = Address::generate(env);
    s.reward_issuer.mint(&renter, &1_000);
    nft.list_rental(&id, &1_000, &1);
    nft.rent(&renter, &id, &1, &1_000);
    let t0 = env.ledger().timestamp();
    assert_eq!(nft.user_expires(&id), t0 + DAY);

    let epoch = s.attest(100 * TH_PER_SHARE, 123_456_789);
    s.pay_in_full(epoch);
    s.to_moment(t0 + 4 * DAY);
    assert!(s.end_of(epoch + 1) < t0 + 4 * DAY, "the stream is over");
    let (for_owner, for_user) = nft.accrued(&id);
    let earned = for_owner + for_user;
    assert!(
        (s.distributor.claimable(&plain) - earned).abs() <= 1,
        "the certificate earned what its shares did"
    );
    assert_eq!(
        for_user,
        earned / 4,
        "1 day of the 4 since the last settlement"
    );
    assert_eq!(for_owner, earned - earned / 4);
    let before = (s.reward.balance(&owner), s.reward.balance(&renter));
    assert_eq!(nft.claim(&id), (for_owner, for_user));
    assert_eq!(s.reward.balance(&owner) - before.0, for_owner);
    assert_eq!(s.reward.balance(&renter) - before.1, for_user);
}
