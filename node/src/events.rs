//! CAP-67's unified events for value that moves outside contracts, in the Stellar Asset
//! Contract's format: the fee a transaction pays (and is refunded), and classic payments
//! (`transfer`, or `mint` / `burn` when the issuer is one side).
use soroban_env_host::xdr::{
    AccountId, Asset, ContractEvent, ContractEventBody, ContractEventType, ContractEventV0,
    ContractId, ContractIdPreimage, ExtensionPoint, Hash, HashIdPreimage, HashIdPreimageContractId,
    Int128Parts, Memo, MuxedAccount, PublicKey, ScAddress, ScMap, ScMapEntry, ScString, ScSymbol,
    ScVal, TransactionEvent, TransactionEventStage, Uint256,
};

use crate::xdr::{encode, sha256};

/// The address of `asset`'s Stellar Asset Contract on this network, deployed or not.
pub fn asset_contract(network_id: [u8; 32], asset: &Asset) -> ContractId {
    let preimage = HashIdPreimage::ContractId(HashIdPreimageContractId {
        network_id: Hash(network_id),
        contract_id_preimage: ContractIdPreimage::Asset(asset.clone()),
    });
    ContractId(Hash(sha256(&encode(&preimage))))
}

/// The asset as SEP-11 writes it: `native` or `CODE:ISSUER`.
fn sep11(asset: &Asset) -> String {
    match asset {
        Asset::Native => "native".to_string(),
        Asset::CreditAlphanum4(a) => format!("{}:{}", a.asset_code, a.issuer),
        Asset::CreditAlphanum12(a) => format!("{}:{}", a.asset_code, a.issuer),
    }
}

fn symbol(s: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(s.try_into().expect("a short symbol")))
}

fn account(id: &AccountId) -> ScVal {
    ScVal::Address(ScAddress::Account(id.clone()))
}

fn amount(value: i64) -> ScVal {
    let value = value as i128;
    ScVal::I128(Int128Parts {
        hi: (value >> 64) as i64,
        lo: value as u64,
    })
}

fn event(contract: ContractId, topics: Vec<ScVal>, data: ScVal) -> ContractEvent {
    ContractEvent {
        ext: ExtensionPoint::V0,
        contract_id: Some(contract),
        type_: ContractEventType::Contract,
        body: ContractEventBody::V0(ContractEventV0 {
            topics: topics.try_into().expect("at most four topics"),
            data,
        }),
    }
}

/// `fee` from the native asset's contract: what `payer` was charged (positive) or refunded
/// (negative), charged before every transaction of the ledger and refunded after them all.
pub fn fee(network_id: [u8; 32], payer: &AccountId, charged: i64) -> TransactionEvent {
    let stage = if charged >= 0 {
        TransactionEventStage::BeforeAllTxs
    } else {
        TransactionEventStage::AfterAllTxs
    };
    TransactionEvent {
        stage,
        event: event(
            asset_contract(network_id, &Asset::Native),
            vec![symbol("fee"), account(payer)],
            amount(charged),
        ),
    }
}

/// Who receives a classic payment, as CAP-67 names it: the account, and the multiplexing id a
/// muxed destination carries or, for a plain one, the transaction's memo.
pub struct Destination<'a> {
    pub to: &'a MuxedAccount,
    pub memo: &'a Memo,
}

impl Destination<'_> {
    fn account(&self) -> AccountId {
        match self.to {
            MuxedAccount::Ed25519(k) => AccountId(PublicKey::PublicKeyTypeEd25519(k.clone())),
            MuxedAccount::MuxedEd25519(m) => {
                AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(m.ed25519.0)))
            }
        }
    }

    fn muxed_id(&self) -> Option<ScVal> {
        if let MuxedAccount::MuxedEd25519(m) = self.to {
            return Some(ScVal::U64(m.id));
        }
        match self.memo {
            Memo::None => None,
            Memo::Id(id) => Some(ScVal::U64(*id)),
            Memo::Text(text) => Some(ScVal::String(ScString(text.to_vec().try_into().ok()?))),
            Memo::Hash(h) | Memo::Return(h) => {
                Some(ScVal::Bytes(h.0.to_vec().try_into().expect("32 bytes")))
            }
        }
    }

    /// The amount, as a map with `to_muxed_id` when there is one.
    fn data(&self, value: i64) -> ScVal {
        let Some(id) = self.muxed_id() else {
            return amount(value);
        };
        let entries = vec![
            ScMapEntry {
                key: symbol("amount"),
                val: amount(value),
            },
            ScMapEntry {
                key: symbol("to_muxed_id"),
                val: id,
            },
        ];
        ScVal::Map(Some(ScMap(entries.try_into().expect("two entries"))))
    }
}

/// A payment of `value` of `asset` from `from`: `transfer`, or `mint` from the issuer, or
/// `burn` to it (a payment from the issuer to itself is a transfer).
pub fn payment(
    network_id: [u8; 32],
    asset: &Asset,
    from: &AccountId,
    to: Destination,
    value: i64,
) -> ContractEvent {
    let contract = asset_contract(network_id, asset);
    let name = ScVal::String(ScString(
        sep11(asset).into_bytes().try_into().expect("a short name"),
    ));
    let issuer = match asset {
        Asset::Native => None,
        Asset::CreditAlphanum4(a) => Some(&a.issuer),
        Asset::CreditAlphanum12(a) => Some(&a.issuer),
    };
    let receiver = to.account();
    match (issuer == Some(from), issuer == Some(&receiver)) {
        (true, false) => event(
            contract,
            vec![symbol("mint"), account(&receiver), name],
            to.data(value),
        ),
        (false, true) => event(
            contract,
            vec![symbol("burn"), account(from), name],
            amount(value),
        ),
        _ => event(
            contract,
            vec![symbol("transfer"), account(from), account(&receiver), name],
            to.data(value),
        ),
    }
}
