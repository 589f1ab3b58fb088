//! Attacker's review of rig-nft on the compiled WASM. `review_bug_*` tests show a bug (they
//! fail now and pass once it is fixed); `review_*` tests check behaviour that is already right.
use hashshare_interfaces::SHARE_UNIT;
use hashshare_tests::fixture::{advance, assert_unchanged, deploy_vault, Suite, TH_PER_SHARE};
use rig_nft::{Rig, RigNftClient, RigNftError};
use soroban_sdk::{
    testutils::{Address as _, Events as _, IssuerFlags},
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

/// The suite with 100 TH/s attested, at the start of an epoch, and a vault for its token.
fn suite() -> (Suite, RigNftClient<'static>) {
    let s = Suite::new(TERM, 0, FUNDS);
    s.attest(100 * TH_PER_SHARE, 0);
    s.to_next_epoch();
    let nft = deploy_vault(&s);
    (s, nft)
}

fn holder(s: &Suite, n: i128) -> Address {
    let a = Address::generate(&s.env);
    s.token.mint(&a, &shares(n));
    a
}

fn sym(name: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(name.try_into().unwrap()))
}

fn addr(a: &Address) -> ScVal {
    ScVal::Address(ScAddress::from(a))
}

/// Every event of `nft` whose first topic is `name` (topics, data), as XDR.
fn events_named(env: &Env, nft: &RigNftClient, name: &str) -> Vec<(Vec<ScVal>, ScVal)> {
    let events = env.events().all().filter_by_contract(&nft.address);
    events
        .events()
        .iter()
        .filter_map(|e| {
            let xdr::ContractEventBody::V0(body) = &e.body;
            let topics: Vec<ScVal> = body.topics.iter().cloned().collect();
            (topics.first() == Some(&sym(name))).then(|| (topics, body.data.clone()))
        })
        .collect()
}

fn text(s: &String) -> std::string::String {
    let mut buf = vec![0u8; s.len() as usize];
    s.copy_into_slice(&mut buf);
    std::string::String::from_utf8(buf).unwrap()
}

/// An epoch attested with `reward`, paid in full now (its stream starts now).
fn pay_now(s: &Suite, reward: i128) -> u64 {
    let epoch = s.attest(100 * TH_PER_SHARE, reward);
    s.pay_in_full(epoch);
    epoch
}

// ---------------------------------------------------------------------------------------------
// Bugs
// ---------------------------------------------------------------------------------------------

/// `position::settle` floors each settlement's earnings and moves `paid_index` to the full
/// index anyway, so the fraction of a base unit is thrown away at every settlement. `claim` is
/// open to anyone: a stranger calling it every ten minutes on a 1-share certificate (a
/// realistic BTC-like reward: ~100 base units a share a day) makes the certificate earn
/// nothing at all, while a plain holder of one share earns ~100. The share token itself keeps
/// those fractions (`accrued_scaled`); the vault must too.
#[test]
fn review_bug_frequent_claims_by_a_stranger_erase_a_small_certificates_rewards() {
    let (s, nft) = suite();
    let env = &s.env;
    let plain = holder(&s, 1);
    let victim = holder(&s, 1);
    let whale = holder(&s, 98);
    let small = nft.wrap(&victim, &shares(1), &rig(env));
    nft.wrap(&whale, &shares(98), &rig(env));

    // 100 shares sold of 100 TH/s: the epoch owes 10_000, 100 a share.
    let epoch = pay_now(&s, 10_000);
    let end = s.end_of(epoch + 2);
    while env.ledger().timestamp() < end {
        advance(env, 600);
        nft.claim(&small); // anyone may: a stranger, a bot, the whale
    }
    let plain_earned = s.distributor.claim(&plain);
    assert!(plain_earned >= 99, "the plain holder earned {plain_earned}");
    let victim_earned = s.reward.balance(&victim);
    assert!(
        victim_earned >= plain_earned - 1,
        "a 1-share certificate earned {victim_earned}, a plain holder of 1 share {plain_earned}"
    );
}

/// Rewards are pushed to both parties inside every state change: `pay` transfers to the owner
/// and to the user in the same call. A user that cannot receive the reward asset (its balance
/// frozen by the issuer, or a G-account renter that removes its trustline after paying the
/// rent) makes every `claim`, `transfer`, `set_user` and `unwrap` of the certificate fail,
/// forever: the owner's shares are locked and its rewards too, and the renter can ransom them.
#[test]
fn review_bug_a_user_who_cannot_receive_locks_the_owners_shares_forever() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let id = nft.wrap(&owner, &shares(10), &rig(env));
    let renter = Address::generate(env);
    s.reward_issuer.mint(&renter, &1_000);
    pay_now(&s, 10_000_000);
    // The rental starts with the stream: the renter is owed a part of it.
    nft.list_rental(&id, &1_000, &1);
    nft.rent(&renter, &id, &1, &1_000);
    advance(env, 3 * DAY);
    assert_eq!(nft.user_of(&id), None, "the rental is over");
    let (for_owner, for_user) = nft.accrued(&id);
    assert!(for_owner > 0 && for_user > 0);
    // The renter can no longer receive the reward asset (its balance frozen by the issuer; a
    // G account achieves the same by removing its trustline once its balance is 0).
    s.reward_asset.issuer().set_flag(IssuerFlags::RevocableFlag);
    s.reward_issuer.set_authorized(&renter, &false);

    // The owner must still be able to take its rewards and its shares back.
    let paid = nft.try_claim(&id);
    assert!(paid.is_ok(), "the owner's claim fails: {paid:?}");
    let back = nft.try_unwrap(&id);
    assert_eq!(back, Ok(Ok(shares(10))), "the owner cannot unwrap");
    assert_eq!(s.sep41.balance(&owner), shares(10));
}

/// `token_uri` writes the JSON raw after `data:application/json,` without percent-encoding it,
/// and the name always holds ` #<id>` (and a rig's texts may hold `#`). In a URI `#` starts the
/// fragment (RFC 3986; `data:` URIs, RFC 2397, are no exception: browsers and `fetch` drop it),
/// so every reader gets `{"name":"Antpool S19 rigs ` — not JSON. Spaces and `"` are not URI
/// characters either.
#[test]
fn review_bug_token_uri_is_not_a_valid_data_uri_the_hash_cuts_the_json() {
    let (s, nft) = suite();
    let owner = holder(&s, 1);
    let mut r = rig(&s.env);
    r.serial = String::from_str(&s.env, "S19XP #7");
    let id = nft.wrap(&owner, &shares(1), &r);
    let uri = text(&nft.token_uri(&id));
    let (json, serial) = parse_data_uri_json(&uri);
    assert_eq!(json["name"], "Antpool S19 rigs #0", "{uri}");
    assert_eq!(serial.as_deref(), Some("S19XP #7"), "{uri}");
}

/// Reads a `data:` URI as a browser does: the fragment (after `#`) dropped, the payload
/// percent-decoded or base64-decoded, then parsed as JSON. Returns the JSON and the `serial`
/// attribute.
fn parse_data_uri_json(uri: &str) -> (serde_json::Value, Option<std::string::String>) {
    let uri = uri.split('#').next().unwrap();
    let rest = uri.strip_prefix("data:").expect("a data URI");
    let (header, payload) = rest.split_once(',').expect("a data URI has a comma");
    let bytes = if header.ends_with(";base64") {
        base64_decode(payload)
    } else {
        percent_decode(payload)
    };
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            std::string::String::from_utf8_lossy(&bytes)
        )
    });
    let serial = json["attributes"].as_array().and_then(|a| {
        a.iter()
            .find(|t| t["trait_type"] == "serial")
            .and_then(|t| t["value"].as_str().map(|v| v.to_string()))
    });
    (json, serial)
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn base64_decode(s: &str) -> Vec<u8> {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = T.iter().position(|&t| t == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Behaviour that is right
// ---------------------------------------------------------------------------------------------

/// A late wrapper takes nothing of what the locked shares earned before it (even when the
/// vault has not pulled it yet), wrap/unwrap loops during a stream earn no more than holding,
/// and the books balance: the vault holds exactly the locked shares, and never pays out more
/// than it pulled.
#[test]
fn review_late_wraps_and_wrap_unwrap_loops_take_nothing_extra_and_the_books_balance() {
    let (s, nft) = suite();
    let env = &s.env;
    let plain = holder(&s, 10);
    let owner = holder(&s, 10);
    let looper = holder(&s, 10);
    let id = nft.wrap(&owner, &shares(10), &rig(env));

    // A whole stream runs out with nobody touching the vault (the next epoch's payment comes
    // as it ends); then a wrapper arrives, and leaves at once.
    pay_now(&s, 3_000_000);
    let epoch = pay_now(&s, 3_000_000);
    let first_plain = s.distributor.claim(&plain);
    let first_looper = s.distributor.claim(&looper);
    assert_eq!(first_plain, first_looper);
    let pending = s.distributor.claimable(&nft.address);
    assert!(pending >= first_plain, "the vault's pending {pending}");
    let late = nft.wrap(&looper, &shares(10), &rig(env));
    assert_eq!(nft.accrued(&late), (0, 0));
    assert_eq!(nft.unwrap(&late), shares(10));
    assert_eq!(
        s.reward.balance(&looper),
        first_looper,
        "the late wrapper took nothing"
    );

    // During the second stream, the looper wraps and unwraps every hour.
    let end = s.end_of(epoch + 2);
    while env.ledger().timestamp() + 3_600 < end {
        let t = nft.wrap(&looper, &shares(10), &rig(env));
        advance(env, 3_600);
        nft.unwrap(&t);
    }
    s.to_moment(end);
    nft.claim(&id);
    let second_plain = s.distributor.claim(&plain);
    let second_looper = s.reward.balance(&looper) - first_looper + s.distributor.claim(&looper);
    let owner_earned = s.reward.balance(&owner);
    assert!(second_plain > 0);
    assert!(
        second_looper <= second_plain,
        "looper {second_looper}, plain {second_plain}"
    );
    let plain_total = first_plain + second_plain;
    assert!(
        owner_earned <= plain_total && owner_earned + 2 >= plain_total,
        "owner {owner_earned}, plain {plain_total}"
    );
    // Conservation: the vault holds exactly the locked shares and owes the distributor's
    // stream nothing more; what it keeps of the reward asset is dust.
    assert_eq!(s.sep41.balance(&nft.address), nft.rig(&id).shares);
    assert_eq!(s.distributor.claimable(&nft.address), 0);
    let kept = s.reward.balance(&nft.address);
    assert!((0..=200).contains(&kept), "the vault keeps {kept}");
}

/// A paid rental: the owner cannot cut it with `set_user`, nor escape it by unwrapping, nor by
/// a transfer to itself or to a buyer; the buyer cannot cut it either; the renter's part of
/// the rental stays its own after the transfer. A stranger cannot move, approve, set a user or
/// unwrap.
#[test]
fn review_a_paid_rental_survives_every_owner_move_and_strangers_are_refused() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let id = nft.wrap(&owner, &shares(10), &rig(env));
    let renter = Address::generate(env);
    s.reward_issuer.mint(&renter, &10_000);
    nft.list_rental(&id, &1_000, &5);
    nft.rent(&renter, &id, &5, &5_000);
    let expires = env.ledger().timestamp() + 5 * DAY;
    assert_eq!(
        nft.try_set_user(&id, &owner, &(expires + 1)),
        Err(Ok(RigNftError::Rented.into()))
    );
    assert_eq!(nft.try_unwrap(&id), Err(Ok(RigNftError::Rented.into())));
    nft.transfer(&owner, &owner, &id);
    assert_eq!(nft.user_of(&id), Some(renter.clone()));
    let buyer = Address::generate(env);
    nft.transfer(&owner, &buyer, &id);
    assert_eq!(nft.user_of(&id), Some(renter.clone()));
    assert_eq!(
        nft.try_set_user(&id, &buyer, &(expires + 1)),
        Err(Ok(RigNftError::Rented.into()))
    );
    assert_eq!(nft.try_unwrap(&id), Err(Ok(RigNftError::Rented.into())));
    // A second renter cannot rent over it.
    nft.list_rental(&id, &1, &1);
    let other = Address::generate(env);
    s.reward_issuer.mint(&other, &10);
    // Refusals change nothing.
    assert_unchanged(env, || {
        assert_eq!(
            nft.try_rent(&other, &id, &1, &10),
            Err(Ok(RigNftError::Rented.into()))
        );
        assert_eq!(
            nft.try_set_user(&id, &other, &(expires + 1)),
            Err(Ok(RigNftError::Rented.into()))
        );
        assert_eq!(nft.try_unwrap(&id), Err(Ok(RigNftError::Rented.into())));
    });
    // Inside the rental, the buyer gets nothing and the renter everything.
    let epoch = pay_now(&s, 5_000_000);
    assert!(env.ledger().timestamp() < expires);
    let _ = epoch;
    // (claimed at the very second the rental ends: the renter gets all of it; see the
    // report for a later settlement, split by time)
    s.to_moment(expires);
    let (for_owner, for_user) = nft.accrued(&id);
    assert_eq!(for_owner, 0);
    assert!(for_user > 0);
    let stranger = Address::generate(env);
    assert_eq!(
        nft.try_transfer(&stranger, &stranger, &id),
        Err(Ok(RigNftError::IncorrectOwner.into()))
    );
    assert_eq!(
        nft.try_transfer_from(&stranger, &buyer, &stranger, &id),
        Err(Ok(RigNftError::InsufficientApproval.into()))
    );
    assert_eq!(
        nft.try_approve(&stranger, &stranger, &id, &(env.ledger().sequence() + 10)),
        Err(Ok(RigNftError::InvalidApprover.into()))
    );
    // Claimed at its last second, the renter receives it all; after its end the buyer may
    // unwrap, and earns again.
    let before = s.reward.balance(&renter);
    assert_eq!(nft.claim(&id), (0, for_user));
    assert_eq!(s.reward.balance(&renter) - before, for_user);
    advance(env, 1);
    assert_eq!(nft.user_of(&id), None);
    assert_eq!(nft.unwrap(&id), shares(10));
    assert_eq!(s.reward.balance(&renter) - before, for_user);
    assert_eq!(s.sep41.balance(&buyer), shares(10));
}

/// SEP-50 events: `mint` ("mint", to; token_id) and `approve_for_all` ("approve_for_all",
/// owner; [operator, live_until_ledger]). Approvals end at their ledger and with a transfer;
/// an operator of the old owner has no power over the buyer's certificate.
#[test]
fn review_sep50_event_shapes_and_approvals_end_at_their_ledger_and_with_a_transfer() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let id = nft.wrap(&owner, &shares(10), &rig(env));
    assert_eq!(
        events_named(env, &nft, "mint").last().cloned(),
        Some((vec![sym("mint"), addr(&owner)], ScVal::U32(id)))
    );
    let operator = Address::generate(env);
    let until = env.ledger().sequence() + 20;
    nft.approve_for_all(&owner, &operator, &until);
    assert_eq!(
        events_named(env, &nft, "approve_for_all").last().cloned(),
        Some((
            vec![sym("approve_for_all"), addr(&owner)],
            ScVal::Vec(Some(
                vec![addr(&operator), ScVal::U32(until)].try_into().unwrap()
            ))
        ))
    );
    // An approval expires at its ledger.
    let spender = Address::generate(env);
    let short = env.ledger().sequence() + 2;
    nft.approve(&owner, &spender, &id, &short);
    advance(env, 3 * 5);
    assert_eq!(nft.get_approved(&id), None);
    let buyer = Address::generate(env);
    assert_eq!(
        nft.try_transfer_from(&spender, &owner, &buyer, &id),
        Err(Ok(RigNftError::InsufficientApproval.into()))
    );
    // The operator moves it to the buyer; then neither the operator nor the old owner can.
    nft.approve(&operator, &spender, &id, &(env.ledger().sequence() + 100));
    nft.transfer_from(&operator, &owner, &buyer, &id);
    assert_eq!(nft.owner_of(&id), buyer);
    assert_eq!(nft.get_approved(&id), None);
    assert_eq!(
        nft.try_transfer_from(&operator, &buyer, &operator, &id),
        Err(Ok(RigNftError::InsufficientApproval.into()))
    );
    assert_eq!(
        nft.try_transfer_from(&spender, &buyer, &spender, &id),
        Err(Ok(RigNftError::InsufficientApproval.into()))
    );
    assert_eq!(
        nft.try_approve(&operator, &operator, &id, &(env.ledger().sequence() + 10)),
        Err(Ok(RigNftError::InvalidApprover.into()))
    );
    assert_eq!(nft.balance(&owner), 0);
    assert_eq!(nft.balance(&buyer), 1);
}
