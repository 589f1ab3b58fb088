//! Second attacker's review of rig-nft on the compiled WASM (after `review_rig_nft.rs`, whose
//! findings are not repeated here). `review_bug_*` tests are ignored: each asserts the correct
//! behaviour, fails today and passes once its bug is fixed. `review_safe_*` tests pass: each
//! pins an attack that the vault already defeats.
use hashshare_interfaces::SHARE_UNIT;
use hashshare_tests::fixture::{advance, assert_unchanged, deploy_vault, Suite, TH_PER_SHARE};
use rig_nft::{Rig, RigNftClient, RigNftError};
use soroban_sdk::{
    testutils::{Address as _, IssuerFlags},
    Address, Env, String,
};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
const TERM: u64 = 365 * DAY;
const FUNDS: i128 = 1_000_000_000_000_000;
/// The reward attested for an epoch: with 100 TH/s attested and 100 shares (100 TH/s) sold, 10
/// shares are owed a tenth of it.
const REWARD: i128 = 10_000_000;
/// What 10 shares earn from one epoch's [`REWARD`]: the fair rental price of an epoch of a
/// 10-share certificate.
const TEN_SHARES_EPOCH: i128 = REWARD / 10;

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

/// A new address holding `units` base units of shares.
fn holder_units(s: &Suite, units: i128) -> Address {
    let a = Address::generate(&s.env);
    s.token.mint(&a, &units);
    a
}

/// A new address holding `n` whole shares.
fn holder(s: &Suite, n: i128) -> Address {
    holder_units(s, shares(n))
}

/// A new address holding `amount` of the reward asset.
fn funded(s: &Suite, amount: i128) -> Address {
    let a = Address::generate(&s.env);
    s.reward_issuer.mint(&a, &amount);
    a
}

/// The standard cast: `(owner of a 10-share certificate, its id, a plain holder of 10 shares)`,
/// and 80 more shares elsewhere, so the 100 TH/s attested are all sold.
fn cast(s: &Suite, nft: &RigNftClient) -> (Address, u32, Address) {
    let owner = holder(s, 10);
    let plain = holder(s, 10);
    holder(s, 80);
    let id = nft.wrap(&owner, &shares(10), &rig(&s.env));
    (owner, id, plain)
}

// ---------------------------------------------------------------------------------------------
// Bugs
// ---------------------------------------------------------------------------------------------

/// HIGH. A paid rental survives every transfer (so a third-party renter keeps its period) —
/// but nothing tells a third party from the owner: the owner may list at 1 base unit an epoch
/// and rent to itself (or to an alias), paying itself. Done between a buyer's read and its
/// purchase (here: after the seller approved a marketplace, before the marketplace's
/// `transfer_from`), it sells a certificate whose rewards stay with the seller for the whole
/// term and which the buyer can never unwrap: ERC-4907's rule that a transfer ends the user
/// is bypassed for 365 base units, returned to the seller.
///
/// Expected: either the rental ends the approval it would defraud (the sale is refused) or the
/// buyer receives a certificate that earns for it. Fix: `rent` (and `set_user`, `list_rental`)
/// revoke the certificate's approval, and rentals are capped (a vault-wide maximum of epochs,
/// never past the offering's last stream), so an operator-based sale is bounded too.
/// Fixed: `list_rental`, `rent` and `set_user` end the certificate's approval.
#[test]
fn review_bug_a_seller_rents_to_itself_between_approval_and_sale_and_keeps_the_rewards() {
    let (s, nft) = suite();
    let env = &s.env;
    let (seller, id, plain) = cast(&s, &nft);
    let market = Address::generate(env);
    let buyer = Address::generate(env);
    nft.approve(&seller, &market, &id, &(env.ledger().sequence() + 10_000));
    // What the buyer reads before buying: no user, no listing.
    assert_eq!(nft.user_of(&id), None);
    assert_eq!(nft.listing(&id), None);

    // The seller front-runs the sale: a rental to its alias for the whole term, at 1 a day.
    let alias = funded(&s, 365);
    nft.list_rental(&id, &1, &365);
    nft.rent(&alias, &id, &365, &365);
    assert_eq!(s.reward.balance(&seller), 365, "the seller paid itself");

    let sale = nft.try_transfer_from(&market, &seller, &buyer, &id);
    if sale.is_err() {
        // The rental ended the approval: the sale is refused, nothing changed hands.
        assert_eq!(
            sale,
            Err(Ok(RigNftError::InsufficientApproval.into())),
            "refused for want of the approval"
        );
        assert_eq!(nft.owner_of(&id), seller);
        assert_eq!(nft.get_approved(&id), None);
        return;
    }
    assert_eq!(nft.owner_of(&id), buyer);
    let epoch = s.attest(100 * TH_PER_SHARE, REWARD);
    s.pay_in_full(epoch);
    s.to_moment(s.end_of(epoch + 2) + 1);
    nft.claim(&id);
    let plain_earned = s.distributor.claim(&plain);
    assert!(plain_earned >= TEN_SHARES_EPOCH - 1);
    assert!(
        s.reward.balance(&buyer) >= plain_earned - 1,
        "the buyer earned {}, a plain holder {plain_earned}, the seller's alias {}",
        s.reward.balance(&buyer),
        s.reward.balance(&alias)
    );
    assert_eq!(s.reward.balance(&alias), 0);
    assert_eq!(
        nft.try_unwrap(&id),
        Ok(Ok(shares(10))),
        "the buyer is locked"
    );
}

/// MEDIUM. What a rental receives is what *streams* during its period, and a deposit streams
/// from when it is paid — whatever epochs it pays for. When the miner is behind (five epochs
/// reported and owed, none paid: public, `arrears()`), a renter rents two epochs at the
/// owner's fair per-epoch price just before the catch-up deposits (front-running them, or
/// simply whenever arrears are outstanding), and the five past epochs stream inside its
/// rental: it receives 5 epochs of rewards, which the certificate earned for its owner before
/// the rental, for the price of 2.
///
/// Expected: a rental receives at most what its own epochs earn; rewards of epochs that ended
/// before it started are the owner's. Fix: `rent` refuses while the distributor has arrears
/// (or credits the user only with deposits for epochs it overlaps: the vault records the
/// distributor's `next_epoch` at the rental and credits later deposits of earlier epochs to
/// the owner).
///
/// Fixed for a rental begun *before* the catch-up: `rent` records the ended epochs on the way
/// and is refused (`InArrears`, nothing changed) while anything recorded is unpaid. A rental
/// begun once the catch-up is paid still receives what streams during it, the catch-up's
/// stream included (a known limit, in the README: a listing is a standing offer, which its
/// owner re-prices or takes down while an unusual payout streams).
#[test]
fn review_bug_a_renter_front_runs_a_catch_up_deposit_and_takes_the_owners_arrears() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id, plain) = cast(&s, &nft);
    // Five epochs mined, reported and owed; the miner pays none of them yet.
    let first = s.attest(100 * TH_PER_SHARE, REWARD);
    let mut last = first;
    for _ in 0..4 {
        last = s.attest(100 * TH_PER_SHARE, REWARD);
    }
    assert_eq!(last - first, 4);
    // The owner lists at the fair price of an epoch of its 10 shares.
    nft.list_rental(&id, &TEN_SHARES_EPOCH, &2);
    let renter = funded(&s, 2 * TEN_SHARES_EPOCH);
    assert_unchanged(env, || {
        assert_eq!(
            nft.try_rent(&renter, &id, &2, &(2 * TEN_SHARES_EPOCH)),
            Err(Ok(RigNftError::InArrears.into()))
        );
    });
    // The catch-up lands; the rental is possible again.
    for epoch in first..=last {
        s.pay_in_full(epoch);
    }
    nft.rent(&renter, &id, &2, &(2 * TEN_SHARES_EPOCH));
    let expires = nft.user_expires(&id);
    s.to_moment(expires);
    let (for_owner, for_user) = nft.claim(&id);
    let plain_earned = s.distributor.claim(&plain);
    assert!(
        plain_earned >= 5 * TEN_SHARES_EPOCH - 1,
        "10 shares were owed 5 epochs: {plain_earned}"
    );
    // Deposits stream from when they are paid: what streamed during the rental is the
    // renter's (the split rule), and it is what a plain holder received over the same time.
    assert!((for_owner + for_user - plain_earned).abs() <= 1);
    assert_eq!(s.reward.balance(&owner), 2 * TEN_SHARES_EPOCH + for_owner);
}

/// KNOWN LIMIT (the documented split rule). A settlement after a rental's end splits the
/// whole straddling interval by time, so a renter that does not settle at its end leaves the
/// choice of the moment to the owner: a rental of 2 epochs during which a whole epoch's payout
/// streams, nobody claims at its end, and the owner claims 20 days after it began — the renter
/// receives 2/20 of what reached the certificate during its rental. Either side keeps exactly
/// its part by claiming at the end (anyone may: `review_safe_a_renter_who_claims_at_its_
/// rentals_end_keeps_all_of_its_period`), which `hashshare rig rent` tells the renter to do.
/// Pinned with its numbers; the README states it.
#[test]
fn known_limit_an_owner_who_settles_late_takes_most_of_a_passive_renters_rewards() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id, plain) = cast(&s, &nft);
    let epoch = s.attest(100 * TH_PER_SHARE, REWARD);
    nft.list_rental(&id, &1_000, &2);
    let renter = funded(&s, 2_000);
    nft.rent(&renter, &id, &2, &2_000);
    let start = env.ledger().timestamp();
    let expires = nft.user_expires(&id);
    // The epoch's payout streams entirely inside the rental.
    s.pay_in_full(epoch);
    assert!(s.end_of(epoch + 2) <= expires);
    s.to_moment(expires);
    let during_rental = s.distributor.claim(&plain);
    assert!(during_rental >= TEN_SHARES_EPOCH - 1);
    // The owner waits (no stream after the rental), then settles: the time split.
    s.to_moment(start + 20 * DAY);
    let (for_owner, for_user) = nft.claim(&id);
    assert_eq!(s.reward.balance(&owner), 2_000 + for_owner);
    let earned = for_owner + for_user;
    assert!((earned - during_rental).abs() <= 1);
    assert_eq!(
        for_user,
        earned * 2 / 20,
        "2 days of the 20 since the rental's start"
    );
}

/// LOW. A listing names a price per epoch, not per share, and survives `add_shares`: an owner
/// who upgrades a listed rig (1 share to 10) rents the upgrade out at the old price. Anyone
/// watching `shares_locked` rents it in the next ledger: here 2 epochs of 10 shares for the
/// price of 2 epochs of 1 share — 200,000 paid, 489,361 received from the 23 hours of stream
/// the rental saw, ten times what the listed 1-share rig would have earned. A transfer already
/// ends a listing; `add_shares`, which changes what the listing sells, does not. (A listing
/// has no expiry either: one priced months ago rents at that price.)
///
/// Expected: `add_shares` ends the listing (`rental_unlisted`), as a transfer does. (Or the
/// renter names the shares it expects and the listing prices per share.)
/// Fixed: `add_shares` takes the listing down (`rental_unlisted`).
#[test]
fn review_bug_a_listing_survives_add_shares_and_rents_the_upgrade_at_the_old_price() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    holder(&s, 90);
    let id = nft.wrap(&owner, &shares(1), &rig(env));
    // The fair price of an epoch of 1 share.
    nft.list_rental(&id, &(TEN_SHARES_EPOCH / 10), &2);
    nft.add_shares(&id, &shares(9));
    let sniper = funded(&s, TEN_SHARES_EPOCH);
    let price = 2 * TEN_SHARES_EPOCH / 10;
    let rented = nft.try_rent(&sniper, &id, &2, &price);
    if rented.is_ok() {
        let epoch = s.attest(100 * TH_PER_SHARE, REWARD);
        s.pay_in_full(epoch);
        s.to_moment(nft.user_expires(&id));
        let (_, got) = nft.claim(&id);
        panic!(
            "the listing of the 1-share rig rented the 10-share rig: the sniper paid {price} \
             and received {got}"
        );
    }
    assert_eq!(rented, Err(Ok(RigNftError::NotListed.into())));
    assert_eq!(nft.listing(&id), None);
}

// ---------------------------------------------------------------------------------------------
// Attacks the vault defeats
// ---------------------------------------------------------------------------------------------

/// A renter has read a listing; the owner front-runs its `rent` with a higher price, fewer
/// epochs, a user of its own, a self-transfer or an unwrap. Each time the rental is refused
/// with a typed error and nothing at all changes: the renter pays nothing and is the user of
/// nothing. (`max_price` caps the total, the renter names the epochs, shares only grow.)
#[test]
fn review_safe_an_owner_front_running_a_renter_costs_the_renter_nothing() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id, _) = cast(&s, &nft);
    let renter = funded(&s, 10_000_000);
    let friend = Address::generate(env);
    nft.list_rental(&id, &1_000, &3);
    // The renter read: 1,000 an epoch, up to 3; it rents 3 for at most 3,000.
    let rent = || nft.try_rent(&renter, &id, &3, &3_000);

    nft.list_rental(&id, &1_001, &3);
    assert_unchanged(env, || {
        assert_eq!(rent(), Err(Ok(RigNftError::PriceTooHigh.into())));
    });
    nft.list_rental(&id, &1_000, &2);
    assert_unchanged(env, || {
        assert_eq!(rent(), Err(Ok(RigNftError::TooManyEpochs.into())));
    });
    nft.list_rental(&id, &1_000, &3);
    nft.set_user(&id, &friend, &(env.ledger().timestamp() + DAY));
    assert_unchanged(env, || {
        assert_eq!(rent(), Err(Ok(RigNftError::Rented.into())));
    });
    // Once the friend's period is over, the listing the renter read is honoured as read.
    advance(env, DAY);
    nft.transfer(&owner, &owner, &id);
    assert_unchanged(env, || {
        assert_eq!(rent(), Err(Ok(RigNftError::NotListed.into())));
    });
    nft.list_rental(&id, &1_000, &3);
    assert_eq!(nft.unwrap(&id), shares(10));
    assert_unchanged(env, || {
        assert_eq!(rent(), Err(Ok(RigNftError::NonExistentToken.into())));
    });
    assert_eq!(s.reward.balance(&renter), 10_000_000);
    assert_eq!(s.reward.balance(&owner), 0);
}

/// The owner cannot receive the reward asset (frozen by the issuer): a renter's `rent` is
/// refused by the asset and changes nothing (it pays nothing, is no user); the owner's own
/// rewards, once it is frozen, wait as `unpaid` and the renter is served after a new listing.
#[test]
fn review_safe_a_rent_to_an_owner_who_cannot_receive_is_refused_and_costs_nothing() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id, _) = cast(&s, &nft);
    let renter = funded(&s, 5_000);
    nft.list_rental(&id, &1_000, &2);
    s.reward_asset.issuer().set_flag(IssuerFlags::RevocableFlag);
    s.reward_issuer.set_authorized(&owner, &false);
    assert_unchanged(env, || {
        assert!(nft.try_rent(&renter, &id, &2, &2_000).is_err());
    });
    assert_eq!(s.reward.balance(&renter), 5_000);
    assert_eq!(nft.user_of(&id), None);
    // The owner's rewards are kept for it; unfrozen, it collects them.
    let epoch = s.attest(100 * TH_PER_SHARE, REWARD);
    s.pay_in_full(epoch);
    s.to_moment(s.end_of(epoch + 2) + 1);
    let (for_owner, _) = nft.claim(&id);
    assert!(for_owner >= TEN_SHARES_EPOCH - 1);
    assert_eq!(nft.unpaid(&owner), for_owner);
    s.reward_issuer.set_authorized(&owner, &true);
    assert_eq!(nft.collect(&owner), for_owner);
    assert_eq!(s.reward.balance(&owner), for_owner);
    assert_eq!(nft.unpaid(&owner), 0);
    nft.rent(&renter, &id, &2, &2_000);
    assert_eq!(nft.user_of(&id), Some(renter));
}

/// A deposit sandwiched in one ledger: a whale wraps 80 shares, the operator's deposit lands,
/// the whale unwraps. Deposits stream from the moment they are paid, so the whale takes
/// nothing, and the certificate that stays earns exactly what a plain holder does.
#[test]
fn review_safe_a_deposit_sandwiched_by_wrap_and_unwrap_pays_the_sandwich_nothing() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let plain = holder(&s, 10);
    let whale = holder(&s, 80);
    let id = nft.wrap(&owner, &shares(10), &rig(env));
    let epoch = s.attest(100 * TH_PER_SHARE, REWARD);
    let t = nft.wrap(&whale, &shares(80), &rig(env));
    s.pay_in_full(epoch);
    assert_eq!(nft.accrued(&t), (0, 0));
    assert_eq!(nft.unwrap(&t), shares(80));
    assert_eq!(s.reward.balance(&whale), 0);
    assert_eq!(s.sep41.balance(&whale), shares(80));
    s.to_moment(s.end_of(epoch + 2) + 1);
    let (for_owner, _) = nft.claim(&id);
    let plain_earned = s.distributor.claim(&plain);
    assert!(plain_earned >= TEN_SHARES_EPOCH - 1);
    assert!(
        for_owner <= plain_earned && for_owner + 1 >= plain_earned,
        "certificate {for_owner}, plain {plain_earned}"
    );
    let whale_earned = s.distributor.claim(&whale);
    assert!(
        whale_earned >= 8 * TEN_SHARES_EPOCH - 1,
        "the whale earns as a plain holder: {whale_earned}"
    );
}

/// Dust certificates: an attacker splits 30 base units into ten certificates of 3 (each
/// earning under one base unit between claims) and a stranger claims all of them, and a
/// victim's certificate, every 4 hours through a stream. Every fraction is carried: the
/// attacker's ten certificates together earn no more than a plain holder of 30 base units
/// (and lose under a unit each), the victim loses under a unit, and the vault pays all it
/// owes from what it pulled (nothing is left unpaid, its dust is a few units).
#[test]
fn review_safe_dust_certificates_and_frequent_claims_never_over_claim() {
    let (s, nft) = suite();
    let env = &s.env;
    let attacker = holder_units(&s, 30);
    let plain_dust = holder_units(&s, 30);
    let victim = holder(&s, 1);
    let plain = holder(&s, 1);
    holder(&s, 90);
    let dust: Vec<u32> = (0..10)
        .map(|_| nft.wrap(&attacker, &3, &rig(env)))
        .collect();
    let mine = nft.wrap(&victim, &shares(1), &rig(env));
    // An odd reward: about 10.9 base units a share unit over the stream.
    let epoch = s.attest(100 * TH_PER_SHARE, 10_000_000_007);
    s.pay_in_full(epoch);
    let end = s.end_of(epoch + 2) + 1;
    while env.ledger().timestamp() < end {
        advance(env, 4 * HOUR);
        for id in dust.iter().chain([&mine]) {
            nft.claim(id);
        }
    }
    for id in dust.iter().chain([&mine]) {
        nft.claim(id);
    }
    let dust_plain = s.distributor.claim(&plain_dust);
    let one_plain = s.distributor.claim(&plain);
    let dust_earned = s.reward.balance(&attacker);
    let victim_earned = s.reward.balance(&victim);
    assert!(
        dust_plain >= 300,
        "a plain 30 base units earned {dust_plain}"
    );
    assert!(
        dust_earned <= dust_plain && dust_earned + 10 >= dust_plain,
        "ten dust certificates {dust_earned}, a plain holder of as many {dust_plain}"
    );
    assert!(
        victim_earned <= one_plain && victim_earned + 1 >= one_plain,
        "victim {victim_earned}, plain {one_plain}"
    );
    assert_eq!(nft.unpaid(&attacker), 0);
    assert_eq!(nft.unpaid(&victim), 0);
    assert_eq!(s.distributor.claimable(&nft.address), 0);
    let kept = s.reward.balance(&nft.address);
    assert!((0..=12).contains(&kept), "the vault keeps {kept}");
}

/// Approvals die with their certificate and ids are never reused: a spender approved on a
/// certificate that is unwrapped has no power over the owner's next certificate, which gets a
/// new id; the old id answers `NonExistentToken` everywhere.
#[test]
fn review_safe_an_approval_dies_with_its_certificate_and_ids_are_never_reused() {
    let (s, nft) = suite();
    let env = &s.env;
    let owner = holder(&s, 10);
    let spender = Address::generate(env);
    let first = nft.wrap(&owner, &shares(10), &rig(env));
    nft.approve(
        &owner,
        &spender,
        &first,
        &(env.ledger().sequence() + 10_000),
    );
    assert_eq!(nft.get_approved(&first), Some(spender.clone()));
    assert_eq!(nft.unwrap(&first), shares(10));
    let second = nft.wrap(&owner, &shares(10), &rig(env));
    assert_ne!(second, first);
    assert_eq!(nft.get_approved(&second), None);
    assert_eq!(
        nft.try_get_approved(&first),
        Err(Ok(RigNftError::NonExistentToken.into()))
    );
    assert_eq!(
        nft.try_transfer_from(&spender, &owner, &spender, &second),
        Err(Ok(RigNftError::InsufficientApproval.into()))
    );
    assert_eq!(
        nft.try_transfer_from(&spender, &owner, &spender, &first),
        Err(Ok(RigNftError::NonExistentToken.into()))
    );
    assert_eq!(nft.owner_of(&second), owner);
}

/// A renter who claims at the end of its rental is safe from the split rule: the owner's late
/// settlement afterwards takes nothing of the rental's rewards (the defence the bug above
/// relies on the renter not using).
#[test]
fn review_safe_a_renter_who_claims_at_its_rentals_end_keeps_all_of_its_period() {
    let (s, nft) = suite();
    let env = &s.env;
    let (owner, id, plain) = cast(&s, &nft);
    let epoch = s.attest(100 * TH_PER_SHARE, REWARD);
    nft.list_rental(&id, &1_000, &2);
    let renter = funded(&s, 2_000);
    nft.rent(&renter, &id, &2, &2_000);
    let start = env.ledger().timestamp();
    let expires = nft.user_expires(&id);
    s.pay_in_full(epoch);
    s.to_moment(expires);
    let (at_end_owner, at_end_user) = nft.claim(&id);
    let during_rental = s.distributor.claim(&plain);
    assert_eq!(at_end_owner, 0);
    assert!(
        at_end_user <= during_rental && at_end_user + 1 >= during_rental,
        "renter {at_end_user}, plain {during_rental}"
    );
    s.to_moment(start + 20 * DAY);
    assert_eq!(nft.claim(&id), (0, 0));
    assert_eq!(s.reward.balance(&renter), at_end_user);
    assert_eq!(s.reward.balance(&owner), 2_000);
}
