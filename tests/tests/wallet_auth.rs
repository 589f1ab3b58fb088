//! Authorization as a wallet does it: `deposit`, `claim`, a mint and a fee withdrawal signed
//! by Stellar accounts (`G…`) with real ed25519 keys, through signed
//! `SorobanAuthorizationEntry`s and no mocking, on the compiled WASM of all three contracts and
//! a real Stellar Asset Contract.
//!
//! The setup (pool, mint, funding) runs with every authorization mocked; only the calls under
//! test switch to `env.set_auths`, which replaces the mocking with the host's real checks:
//! each entry's ed25519 signature over the SHA-256 of its `HashIdPreimage::SorobanAuthorization`
//! (network id, nonce, expiration ledger, invocation tree), checked against the account's
//! signers and medium threshold, its expiration, and its nonce (consumed, so never replayable).
//!
//! The offering: epoch 0 attests 2,000 TH/s; the investor's 600 and another holder's 400
//! shares (1 TH/s each) are minted at the start of epoch 2, which attests 2,000 TH/s earning
//! `2 * REWARD`: half of it, `REWARD`, is owed, and due at face value (no share was created
//! since). A deposit one hour into epoch 3 streams what the 1% fee leaves, 169,200,000, until
//! the end of epoch 4: 47 hours, 1,000 units a second, 600 of them the investor's.
use std::rc::Rc;

use ed25519_dalek::{Signer, SigningKey};
use hashshare_interfaces::{PayoutDistributorClient, SHARE_UNIT};
use hashshare_tests::fixture::{
    advance, assert_unchanged, wasm, TokenSuite, TryResult, TH_PER_SHARE,
};
use soroban_sdk::{
    testutils::{
        Address as _, AuthorizedFunction, AuthorizedInvocation, Ledger as _, StellarAssetContract,
    },
    token::{StellarAssetClient, TokenClient},
    xdr::{
        AccountEntry, AccountEntryExt, AccountId, Asset, Hash, HashIdPreimage,
        HashIdPreimageSorobanAuthorization, InvokeContractArgs, LedgerEntry, LedgerEntryData,
        LedgerEntryExt, LedgerKey, LedgerKeyAccount, LedgerKeyTrustLine, Limits, PublicKey,
        ScAddress, ScBytes, ScErrorType, ScMap, ScMapEntry, ScSymbol, ScVal, ScVec, SequenceNumber,
        SorobanAddressCredentials, SorobanAuthorizationEntry, SorobanAuthorizedFunction,
        SorobanAuthorizedInvocation, SorobanCredentials, Thresholds, TrustLineAsset,
        TrustLineEntry, TrustLineEntryExt, TrustLineFlags, Uint256, WriteXdr,
    },
    Address, Bytes, Env, IntoVal, Symbol, TryFromVal, Val, Vec as SorobanVec,
};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
const TERM: u64 = 365 * DAY;
const FEE_BPS: u32 = 100;
/// The paid epoch: epoch 2, the first whole epoch with shares.
const EPOCH: u64 = 2;
/// Epoch 2's debt: 1,000 of 2,000 TH/s sold, half of its `2 * REWARD`. After the 1% fee
/// (1,709,090.9: 1,709,090) it streams 169,200,000 over the 169,200 s to the end of epoch 4.
const REWARD: i128 = 170_909_090;
const FEE: i128 = 1_709_090;
const STREAMED: i128 = REWARD - FEE;
/// How long a deposit one hour into epoch 3 streams.
const SPAN: u64 = 2 * DAY - HOUR;
/// What the operator holds to pay its mints' top-ups.
const OPERATOR_FUNDS: i128 = 1_000_000_000;

/// A Stellar account controlled by one ed25519 key (master weight 1, thresholds 1), as a
/// wallet holds it.
struct Wallet {
    key: SigningKey,
    account: AccountId,
    address: Address,
}

impl Wallet {
    /// Creates the account entry in the ledger (the host reads its signers and thresholds to
    /// check a signature) and a trustline to `asset`, authorized by the issuer, so the account
    /// can hold the reward asset.
    fn new(env: &Env, seed: u8, asset: &Asset) -> Wallet {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let public_key = Uint256(key.verifying_key().to_bytes());
        let account = AccountId(PublicKey::PublicKeyTypeEd25519(public_key));
        add_entry(
            env,
            LedgerKey::Account(LedgerKeyAccount {
                account_id: account.clone(),
            }),
            LedgerEntryData::Account(AccountEntry {
                account_id: account.clone(),
                balance: 100_000_000,
                seq_num: SequenceNumber(0),
                num_sub_entries: 1,
                inflation_dest: None,
                flags: 0,
                home_domain: Default::default(),
                thresholds: Thresholds([1, 1, 1, 1]),
                signers: Default::default(),
                ext: AccountEntryExt::V0,
            }),
        );
        let Asset::CreditAlphanum4(code) = asset else {
            panic!("the test SAC wraps an alphanum-4 asset");
        };
        let trustline_asset = TrustLineAsset::CreditAlphanum4(code.clone());
        add_entry(
            env,
            LedgerKey::Trustline(LedgerKeyTrustLine {
                account_id: account.clone(),
                asset: trustline_asset.clone(),
            }),
            LedgerEntryData::Trustline(TrustLineEntry {
                account_id: account.clone(),
                asset: trustline_asset,
                balance: 0,
                limit: i64::MAX,
                flags: TrustLineFlags::AuthorizedFlag as u32,
                ext: TrustLineEntryExt::V0,
            }),
        );
        let address = Address::try_from_val(env, &ScAddress::Account(account.clone()))
            .expect("an account address");
        Wallet {
            key,
            account,
            address,
        }
    }
}

fn add_entry(env: &Env, key: LedgerKey, data: LedgerEntryData) {
    let entry = LedgerEntry {
        last_modified_ledger_seq: 0,
        data,
        ext: LedgerEntryExt::V0,
    };
    env.host()
        .add_ledger_entry(&Rc::new(key), &Rc::new(entry), None)
        .expect("ledger entry added");
}

/// One node of an authorization tree: `contract.fn_name(args)` and what it calls that needs the
/// same signer.
fn invocation(
    env: &Env,
    contract: &Address,
    fn_name: &str,
    args: SorobanVec<Val>,
    sub_invocations: std::vec::Vec<SorobanAuthorizedInvocation>,
) -> SorobanAuthorizedInvocation {
    let args: std::vec::Vec<ScVal> = args
        .iter()
        .map(|arg| ScVal::try_from_val(env, &arg).expect("an XDR value"))
        .collect();
    SorobanAuthorizedInvocation {
        function: SorobanAuthorizedFunction::ContractFn(InvokeContractArgs {
            contract_address: ScAddress::from(contract),
            function_name: ScSymbol(fn_name.try_into().expect("a symbol")),
            args: args.try_into().expect("few arguments"),
        }),
        sub_invocations: sub_invocations.try_into().expect("few sub-invocations"),
    }
}

/// How a wallet signs: the entry for `wallet`'s address, with `nonce` and
/// `signature_expiration_ledger`, signed by `signer` (normally the wallet's own key).
fn signed(
    env: &Env,
    wallet: &Wallet,
    signer: &SigningKey,
    nonce: i64,
    signature_expiration_ledger: u32,
    root_invocation: SorobanAuthorizedInvocation,
) -> SorobanAuthorizationEntry {
    let public_key = signer.verifying_key().to_bytes();
    signed_as(
        env,
        wallet,
        signer,
        public_key,
        nonce,
        signature_expiration_ledger,
        root_invocation,
    )
}

/// As [`signed`], but presenting the signature as `public_key`'s (a forgery unless it is the
/// signer's own).
fn signed_as(
    env: &Env,
    wallet: &Wallet,
    signer: &SigningKey,
    public_key: [u8; 32],
    nonce: i64,
    signature_expiration_ledger: u32,
    root_invocation: SorobanAuthorizedInvocation,
) -> SorobanAuthorizationEntry {
    let preimage = HashIdPreimage::SorobanAuthorization(HashIdPreimageSorobanAuthorization {
        network_id: Hash(env.ledger().network_id().to_array()),
        nonce,
        signature_expiration_ledger,
        invocation: root_invocation.clone(),
    });
    let preimage = preimage.to_xdr(Limits::none()).expect("XDR");
    let payload = env
        .crypto()
        .sha256(&Bytes::from_slice(env, &preimage))
        .to_array();
    let signature = signer.sign(&payload).to_bytes();
    let field = |name: &str, bytes: &[u8]| ScMapEntry {
        key: ScVal::Symbol(ScSymbol(name.try_into().expect("a symbol"))),
        val: ScVal::Bytes(ScBytes(bytes.to_vec().try_into().expect("short bytes"))),
    };
    // The classic-account signature: Vec[Map{public_key, signature}], keys in order.
    let account_signature = ScVal::Map(Some(ScMap(
        std::vec![
            field("public_key", &public_key),
            field("signature", &signature),
        ]
        .try_into()
        .expect("two fields"),
    )));
    SorobanAuthorizationEntry {
        credentials: SorobanCredentials::Address(SorobanAddressCredentials {
            address: ScAddress::Account(wallet.account.clone()),
            nonce,
            signature_expiration_ledger,
            signature: ScVal::Vec(Some(ScVec(
                std::vec![account_signature]
                    .try_into()
                    .expect("one signature"),
            ))),
        }),
        root_invocation,
    }
}

/// The whole suite on the compiled WASM, with the payer of epoch 2's debt, an investor, the
/// pool's operator and the fee recipient as wallets (Stellar accounts with keys): the payer
/// funded with the reward asset, the investor holding 600 of 1,000 shares, the operator funded
/// for its mints' top-ups on an allowance to the distributor. Epochs 0 and 1 (no share existed)
/// are recorded; epoch 2 is attested and effective, not recorded.
struct Setup {
    base: TokenSuite,
    distributor: PayoutDistributorClient<'static>,
    reward: TokenClient<'static>,
    payer: Wallet,
    investor: Wallet,
    /// The pool's operator on the oracle: the one account that may mint.
    operator: Wallet,
    fee_recipient: Wallet,
    /// Holds the other 400 shares.
    other: Address,
    /// A key that is not a signer of any of these accounts.
    stranger: SigningKey,
}

impl Setup {
    fn new() -> Setup {
        let base = TokenSuite::unwired(TERM);
        let env = &base.env;
        let sac: StellarAssetContract =
            env.register_stellar_asset_contract_v2(Address::generate(env));
        let payer = Wallet::new(env, 7, &sac.asset());
        let investor = Wallet::new(env, 8, &sac.asset());
        let operator = Wallet::new(env, 10, &sac.asset());
        let fee_recipient = Wallet::new(env, 11, &sac.asset());
        let distributor = env.register(
            wasm("payout_distributor").as_slice(),
            (
                base.admin.clone(),
                base.token.address.clone(),
                sac.address(),
                base.oracle.address.clone(),
                base.pool.clone(),
                FEE_BPS,
                fee_recipient.address.clone(),
            ),
        );
        base.token.set_distributor(&distributor);
        // The minter is whoever the oracle names the pool's operator: rotate it to the wallet.
        let mut config = base.pool_config.clone();
        config.operator = operator.address.clone();
        base.oracle.update_pool(&base.pool, &config);
        assert_eq!(base.token.operator(), operator.address);
        let issuer = StellarAssetClient::new(env, &sac.address());
        issuer.mint(&payer.address, &(10 * REWARD));
        issuer.mint(&operator.address, &OPERATOR_FUNDS);
        let reward = TokenClient::new(env, &sac.address());
        let ledger = env.ledger().get();
        let live_until = ledger.sequence_number + ledger.max_entry_ttl - 1;
        reward.approve(&operator.address, &distributor, &i128::MAX, &live_until);

        assert_eq!(base.attest(2_000 * TH_PER_SHARE, 0), 0);
        // To the very start of epoch 2, so the shares hold it whole.
        let start = base.pool_config.genesis + EPOCH * DAY;
        advance(env, start - env.ledger().timestamp());
        let other = Address::generate(env);
        base.token.mint(&investor.address, &(600 * SHARE_UNIT));
        base.token.mint(&other, &(400 * SHARE_UNIT));
        assert_eq!(base.attest(2_000 * TH_PER_SHARE, 2 * REWARD), EPOCH);
        let distributor = PayoutDistributorClient::new(env, &distributor);
        for epoch in 0..EPOCH {
            assert_eq!(distributor.record(&epoch).owed, 0);
        }
        Setup {
            distributor,
            reward,
            payer,
            investor,
            operator,
            fee_recipient,
            other,
            stranger: SigningKey::from_bytes(&[9; 32]),
            base,
        }
    }

    fn env(&self) -> &Env {
        &self.base.env
    }

    fn ledger(&self) -> u32 {
        self.env().ledger().sequence()
    }

    /// The exact tree `deposit(payer, epoch, amount)` asks the payer to sign: the deposit and,
    /// inside it, the reward asset's `transfer(payer, distributor, amount)` of the whole amount
    /// offered (what is not needed comes back in the distributor's own transfer).
    fn deposit_tree(&self, epoch: u64, amount: i128) -> SorobanAuthorizedInvocation {
        let env = self.env();
        let transfer = invocation(
            env,
            &self.reward.address,
            "transfer",
            (
                self.payer.address.clone(),
                self.distributor.address.clone(),
                amount,
            )
                .into_val(env),
            std::vec![],
        );
        invocation(
            env,
            &self.distributor.address,
            "deposit",
            (self.payer.address.clone(), epoch, amount).into_val(env),
            std::vec![transfer],
        )
    }

    /// The tree of `claim(investor)`: the claim alone (the distributor itself authorizes the
    /// share token's `take_accrued` and the payout transfer, as their direct caller).
    fn claim_tree(&self) -> SorobanAuthorizedInvocation {
        let env = self.env();
        invocation(
            env,
            &self.distributor.address,
            "claim",
            (self.investor.address.clone(),).into_val(env),
            std::vec![],
        )
    }

    /// The tree of the operator's `mint(to, amount)`: the mint alone, even when it owes a
    /// top-up, which the distributor pulls on the operator's allowance as the spender.
    fn mint_tree(&self, to: &Address, amount: i128) -> SorobanAuthorizedInvocation {
        let env = self.env();
        invocation(
            env,
            &self.base.token.address,
            "mint",
            (to.clone(), amount).into_val(env),
            std::vec![],
        )
    }

    /// The tree of the fee recipient's `withdraw_fees()`.
    fn withdraw_fees_tree(&self) -> SorobanAuthorizedInvocation {
        let env = self.env();
        invocation(
            env,
            &self.distributor.address,
            "withdraw_fees",
            ().into_val(env),
            std::vec![],
        )
    }

    /// An entry signed by `wallet`'s own key, valid for 100 more ledgers.
    fn signed_by_owner(
        &self,
        wallet: &Wallet,
        nonce: i64,
        tree: SorobanAuthorizedInvocation,
    ) -> SorobanAuthorizationEntry {
        signed(
            self.env(),
            wallet,
            &wallet.key,
            nonce,
            self.ledger() + 100,
            tree,
        )
    }

    /// `wallet`'s only authorization in the last call: `contract.fn_name(args)`, nothing inside.
    fn sole_authorization(
        &self,
        wallet: &Wallet,
        contract: &Address,
        fn_name: &str,
        args: SorobanVec<Val>,
    ) -> std::vec::Vec<(Address, AuthorizedInvocation)> {
        std::vec![(
            wallet.address.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    contract.clone(),
                    Symbol::new(self.env(), fn_name),
                    args,
                )),
                sub_invocations: std::vec![],
            }
        )]
    }
}

/// Asserts that a call was refused while checking the signed authorization, with
/// `reason` (the host's diagnostic) in the log. Whatever the reason, a WASM contract's failed
/// `require_auth` reaches the caller as an `Auth` error or as the VM trap it causes.
fn assert_refused<T: std::fmt::Debug, C: std::fmt::Debug>(
    env: &Env,
    result: TryResult<T, C>,
    reason: &str,
) {
    match result {
        Err(Ok(e)) if e.is_type(ScErrorType::Auth) || e.is_type(ScErrorType::Context) => {}
        other => panic!("expected an authorization failure, got {other:?}"),
    }
    // Every diagnostic event of the call, the host's error reports included.
    let diagnostics: std::vec::Vec<std::string::String> = env
        .host()
        .get_diagnostic_events()
        .expect("diagnostic events")
        .0
        .iter()
        .map(|event| event.to_string())
        .collect();
    assert!(
        diagnostics.iter().any(|l| l.contains(reason)),
        "refused, but not for `{reason}`: {diagnostics:#?}"
    );
}

/// The operator's treasury account pays epoch 2's debt and an investor's account claims, each
/// authorizing with its own key's signature over exactly the tree the call needs; the host
/// records exactly those authorizations and the funds move. The payer signs for the whole
/// amount it offers; what the debt does not need comes back.
#[test]
fn deposit_and_claim_signed_by_wallet_keys_go_through() {
    let s = Setup::new();
    let env = s.env();
    let offered = REWARD + 1_000;
    let tree = s.deposit_tree(EPOCH, offered);
    env.set_auths(&[s.signed_by_owner(&s.payer, 1, tree)]);
    s.distributor.deposit(&s.payer.address, &EPOCH, &offered);
    assert_eq!(
        env.auths(),
        std::vec![(
            s.payer.address.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    s.distributor.address.clone(),
                    Symbol::new(env, "deposit"),
                    (s.payer.address.clone(), EPOCH, offered).into_val(env),
                )),
                sub_invocations: std::vec![AuthorizedInvocation {
                    function: AuthorizedFunction::Contract((
                        s.reward.address.clone(),
                        Symbol::new(env, "transfer"),
                        (
                            s.payer.address.clone(),
                            s.distributor.address.clone(),
                            offered
                        )
                            .into_val(env),
                    )),
                    sub_invocations: std::vec![],
                }],
            }
        )],
        "the payer's signature covered exactly the deposit and its asset transfer"
    );
    assert_eq!(s.reward.balance(&s.payer.address), 9 * REWARD, "1,000 back");
    assert_eq!(
        s.reward.balance(&s.distributor.address),
        REWARD,
        "the fee waits for the fee recipient"
    );
    assert_eq!(s.reward.balance(&s.fee_recipient.address), 0);
    assert_eq!(s.distributor.epoch(&EPOCH).map(|p| p.paid), Some(REWARD));
    assert_eq!(s.distributor.arrears(), 0);

    // 169,200,000 streamed over 169,200 s: the investor's 60% after 1,000 seconds.
    advance(env, 1_000);
    let earned = s.distributor.claimable(&s.investor.address);
    assert_eq!(earned, 600_000);
    env.set_auths(&[s.signed_by_owner(&s.investor, 2, s.claim_tree())]);
    assert_eq!(s.distributor.claim(&s.investor.address), earned);
    assert_eq!(
        env.auths(),
        s.sole_authorization(
            &s.investor,
            &s.distributor.address,
            "claim",
            (s.investor.address.clone(),).into_val(env)
        )
    );
    assert_eq!(s.reward.balance(&s.investor.address), earned);
    assert_eq!(s.distributor.claimable(&s.investor.address), 0);

    // After the stream, a second claim with a fresh nonce.
    advance(env, SPAN);
    env.set_auths(&[s.signed_by_owner(&s.investor, 3, s.claim_tree())]);
    let rest = s.distributor.claim(&s.investor.address);
    assert_eq!(rest, STREAMED * 6 / 10 - earned, "60% of 169,200,000");
    assert_eq!(s.reward.balance(&s.investor.address), 101_520_000);
}

/// The deposit's signature must come from a signer of the paying account: a stranger's key,
/// even a valid signature of the exact tree, moves nothing; neither does the payer's key
/// claimed under the stranger's public key.
#[test]
fn a_deposit_signed_by_another_key_is_refused() {
    let s = Setup::new();
    let env = s.env();
    let tree = s.deposit_tree(EPOCH, REWARD);
    let stranger = signed(
        env,
        &s.payer,
        &s.stranger,
        1,
        s.ledger() + 100,
        tree.clone(),
    );
    env.set_auths(&[stranger]);
    assert_unchanged(env, || {
        assert_refused(
            env,
            s.distributor.try_deposit(&s.payer.address, &EPOCH, &REWARD),
            "signer does not belong to account",
        )
    });

    // The payer's signature presented as the stranger's key's does not verify.
    let forged = signed_as(
        env,
        &s.payer,
        &s.payer.key,
        s.stranger.verifying_key().to_bytes(),
        1,
        s.ledger() + 100,
        tree,
    );
    env.set_auths(&[forged]);
    assert_unchanged(env, || {
        assert_refused(
            env,
            s.distributor.try_deposit(&s.payer.address, &EPOCH, &REWARD),
            "failed ED25519 verification",
        )
    });
    assert_eq!(s.reward.balance(&s.payer.address), 10 * REWARD);
    assert_eq!(s.distributor.epoch(&EPOCH), None, "not even recorded");
}

/// A signature is valid through its expiration ledger, never after.
#[test]
fn an_expired_signature_is_refused() {
    let s = Setup::new();
    let env = s.env();
    let ledger = s.ledger();
    let expired = signed(
        env,
        &s.payer,
        &s.payer.key,
        1,
        ledger - 1,
        s.deposit_tree(EPOCH, REWARD),
    );
    env.set_auths(&[expired]);
    assert_unchanged(env, || {
        assert_refused(
            env,
            s.distributor.try_deposit(&s.payer.address, &EPOCH, &REWARD),
            "signature has expired",
        )
    });

    // Signed to expire at this very ledger: valid now...
    let until_now = signed(
        env,
        &s.payer,
        &s.payer.key,
        2,
        ledger,
        s.deposit_tree(EPOCH, 1),
    );
    env.set_auths(&[until_now]);
    s.distributor.deposit(&s.payer.address, &EPOCH, &1);
    assert_eq!(s.distributor.epoch(&EPOCH).map(|p| p.paid), Some(1));
    // ...and the investor's claim signed for this ledger is refused one ledger later.
    advance(env, 1_000);
    let ledger = s.ledger();
    let claim = signed(env, &s.investor, &s.investor.key, 3, ledger, s.claim_tree());
    env.ledger().set_sequence_number(ledger + 1);
    env.set_auths(&[claim]);
    assert_unchanged(env, || {
        assert_refused(
            env,
            s.distributor.try_claim(&s.investor.address),
            "signature has expired",
        )
    });
    assert_eq!(s.reward.balance(&s.investor.address), 0);
}

/// A signed entry is good for one call: its nonce is consumed, so replaying the very same
/// entry (by anyone who saw the transaction) is refused, for a deposit and for a claim.
#[test]
fn a_replayed_signature_is_refused() {
    let s = Setup::new();
    let env = s.env();
    let deposit = s.signed_by_owner(&s.payer, 42, s.deposit_tree(EPOCH, 1_009));
    env.set_auths(std::slice::from_ref(&deposit));
    s.distributor.deposit(&s.payer.address, &EPOCH, &1_009);
    env.set_auths(std::slice::from_ref(&deposit));
    assert_unchanged(env, || {
        assert_refused(
            env,
            s.distributor.try_deposit(&s.payer.address, &EPOCH, &1_009),
            "nonce already exists",
        )
    });
    assert_eq!(s.reward.balance(&s.payer.address), 10 * REWARD - 1_009);
    assert_eq!(s.distributor.epoch(&EPOCH).map(|p| p.paid), Some(1_009));

    // The 999 left after the fee (10.09: 10) have streamed by the end of epoch 4.
    advance(env, SPAN);
    // Signed to stay valid for about a week (100,000 ledgers), long enough to try a replay.
    let week = s.ledger() + 100_000;
    let claim = signed(env, &s.investor, &s.investor.key, 43, week, s.claim_tree());
    env.set_auths(std::slice::from_ref(&claim));
    let paid = s.distributor.claim(&s.investor.address);
    assert_eq!(paid, 599, "60% of the 999 streamed, rounded down");
    // More rewards accrue, but the replayed claim cannot take them.
    env.mock_all_auths();
    s.distributor.deposit(&s.payer.address, &EPOCH, &100_000);
    advance(env, 2 * DAY);
    env.set_auths(std::slice::from_ref(&claim));
    assert_unchanged(env, || {
        assert_refused(
            env,
            s.distributor.try_claim(&s.investor.address),
            "nonce already exists",
        )
    });
    assert_eq!(s.reward.balance(&s.investor.address), paid);
    // 60% of the 99,000 streamed since, plus the fraction of a unit the first claim left
    // behind, still there for a fresh signature.
    assert_eq!(s.distributor.claimable(&s.investor.address), 59_400);
}

/// The signature covers the exact tree: a deposit signed without its inner asset transfer, or
/// signed for another amount, is refused; so is a claim signed for another holder.
#[test]
fn a_signature_over_another_tree_is_refused() {
    let s = Setup::new();
    let env = s.env();
    let mut without_transfer = s.deposit_tree(EPOCH, REWARD);
    without_transfer.sub_invocations = Default::default();
    env.set_auths(&[s.signed_by_owner(&s.payer, 1, without_transfer)]);
    assert_unchanged(env, || {
        assert_refused(
            env,
            s.distributor.try_deposit(&s.payer.address, &EPOCH, &REWARD),
            "Unauthorized function call for address",
        )
    });
    env.set_auths(&[s.signed_by_owner(&s.payer, 2, s.deposit_tree(EPOCH, 1))]);
    assert_unchanged(env, || {
        assert_refused(
            env,
            s.distributor.try_deposit(&s.payer.address, &EPOCH, &REWARD),
            "Unauthorized function call for address",
        )
    });
    assert_eq!(s.distributor.epoch(&EPOCH), None);

    // The investor's signed claim cannot be used to claim the other holder's rewards.
    env.mock_all_auths();
    s.distributor.deposit(&s.payer.address, &EPOCH, &REWARD);
    advance(env, 1_000);
    let claim = s.signed_by_owner(&s.investor, 3, s.claim_tree());
    env.set_auths(&[claim]);
    assert_unchanged(env, || {
        assert_refused(
            env,
            s.distributor.try_claim(&s.other),
            "Unauthorized function call for address",
        )
    });
    assert_eq!(s.distributor.claimable(&s.other), 400_000);
}

/// The operator's account mints while epoch 2's payout streams, signing the mint alone: the
/// top-up that keeps the stream's per-share rate, grossed up by the 1% fee, is pulled by the
/// distributor on the operator's allowance, which needs no signature of the operator's. A
/// stranger's key mints nothing.
#[test]
fn a_mint_signed_by_the_operators_key_pays_its_top_up_on_the_allowance() {
    let s = Setup::new();
    let env = s.env();
    let token = &s.base.token;
    s.distributor.deposit(&s.payer.address, &EPOCH, &REWARD);
    // 1,000 s in, 168,200,000 are still to stream to 1,000 shares: 250 more pay a quarter.
    advance(env, 1_000);
    let buyer = Address::generate(env);
    let amount = 250 * SHARE_UNIT;
    let tree = s.mint_tree(&buyer, amount);
    let stranger = signed(
        env,
        &s.operator,
        &s.stranger,
        1,
        s.ledger() + 100,
        tree.clone(),
    );
    env.set_auths(&[stranger]);
    assert_unchanged(env, || {
        assert_refused(
            env,
            token.try_mint(&buyer, &amount),
            "signer does not belong to account",
        )
    });

    env.set_auths(&[s.signed_by_owner(&s.operator, 2, tree)]);
    token.mint(&buyer, &amount);
    assert_eq!(
        env.auths(),
        s.sole_authorization(
            &s.operator,
            &token.address,
            "mint",
            (buyer.clone(), amount).into_val(env)
        ),
        "the operator signed the mint, nothing inside it"
    );
    // 42,050,000 streams; the mint pays it grossed up by the 1% fee, as a deposit's top-up
    // would: the least amount leaving it after the fee, 42,474,747 (minus floor(424,747.47)),
    // of which 424,747 accrue as fee.
    let topup = 42_050_000;
    let gross = 42_474_747;
    assert_eq!(
        s.reward.balance(&s.operator.address),
        OPERATOR_FUNDS - gross
    );
    let books = s.distributor.totals();
    assert_eq!(
        (books.deposited, books.topups, books.fees),
        (REWARD + gross, gross, FEE + gross - topup)
    );
    assert_eq!(token.total_supply(), 1_250 * SHARE_UNIT);

    // The investor's stream is untouched by the mint; the buyer gets exactly the top-up net
    // of its fee.
    advance(env, SPAN);
    assert_eq!(s.distributor.claimable(&s.investor.address), 101_520_000);
    assert_eq!(s.distributor.claimable(&buyer), topup);
    assert_eq!(s.distributor.claimable(&s.other), 67_680_000);
}

/// The fee recipient's account withdraws the accrued fees with its own key's signature over
/// the withdrawal alone; a stranger's key is refused.
#[test]
fn withdraw_fees_signed_by_the_fee_recipients_key_goes_through() {
    let s = Setup::new();
    let env = s.env();
    s.distributor.deposit(&s.payer.address, &EPOCH, &REWARD);
    assert_eq!(s.distributor.totals().fees, FEE);
    let tree = s.withdraw_fees_tree();
    let stranger = signed(
        env,
        &s.fee_recipient,
        &s.stranger,
        1,
        s.ledger() + 100,
        tree.clone(),
    );
    env.set_auths(&[stranger]);
    assert_unchanged(env, || {
        assert_refused(
            env,
            s.distributor.try_withdraw_fees(),
            "signer does not belong to account",
        )
    });

    env.set_auths(&[s.signed_by_owner(&s.fee_recipient, 2, tree)]);
    assert_eq!(s.distributor.withdraw_fees(), FEE);
    assert_eq!(
        env.auths(),
        s.sole_authorization(
            &s.fee_recipient,
            &s.distributor.address,
            "withdraw_fees",
            ().into_val(env)
        )
    );
    assert_eq!(s.reward.balance(&s.fee_recipient.address), FEE);
    assert_eq!(s.reward.balance(&s.distributor.address), STREAMED);
    assert_eq!(s.distributor.totals().fees_withdrawn, FEE);
}
