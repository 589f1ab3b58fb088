//! A plain SEP-41 token, the way most Soroban tokens are written: one persistent balance entry
//! per holder, allowances in temporary storage, metadata in the instance, an admin who mints.
//! It exists only as the benchmark's yardstick: "plain SEP-41 WASM token" in the design's cost
//! targets is this contract, compiled with the same profile and measured the same way.
#![no_std]

use hashshare_common::ttl;
use soroban_sdk::{
    contract, contracterror, contractimpl, contracttype, panic_with_error, token::TokenInterface,
    Address, Env, MuxedAddress, String,
};
use soroban_token_sdk::events::{
    Approve, Burn, MintWithAmountOnly, Transfer, TransferWithAmountOnly,
};

#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum PlainTokenError {
    InvalidAmount = 1,
    InsufficientBalance = 2,
    InsufficientAllowance = 3,
    InvalidExpiration = 4,
    Uninitialized = 5,
}

#[contracttype]
enum DataKey {
    Admin,
    Metadata,
    Balance(Address),
    Allowance(Address, Address),
}

#[contract]
pub struct PlainToken;

fn balance_of(env: &Env, id: &Address) -> i128 {
    ttl::read_persistent(env, &DataKey::Balance(id.clone())).unwrap_or(0)
}

fn set_balance(env: &Env, id: &Address, amount: i128) {
    ttl::write_persistent(env, &DataKey::Balance(id.clone()), &amount);
}

fn check_amount(env: &Env, amount: i128) {
    if amount <= 0 {
        panic_with_error!(env, PlainTokenError::InvalidAmount);
    }
}

fn debit(env: &Env, id: &Address, amount: i128) {
    let balance = balance_of(env, id);
    if balance < amount {
        panic_with_error!(env, PlainTokenError::InsufficientBalance);
    }
    set_balance(env, id, balance - amount);
}

fn credit(env: &Env, id: &Address, amount: i128) {
    let balance = balance_of(env, id)
        .checked_add(amount)
        .unwrap_or_else(|| panic_with_error!(env, PlainTokenError::InvalidAmount));
    set_balance(env, id, balance);
}

fn spend_allowance(env: &Env, from: &Address, spender: &Address, amount: i128) {
    let key = DataKey::Allowance(from.clone(), spender.clone());
    let (allowed, live_until): (i128, u32) = env
        .storage()
        .temporary()
        .get(&key)
        .filter(|(_, l): &(i128, u32)| *l >= env.ledger().sequence())
        .unwrap_or((0, 0));
    if allowed < amount {
        panic_with_error!(env, PlainTokenError::InsufficientAllowance);
    }
    env.storage()
        .temporary()
        .set(&key, &(allowed - amount, live_until));
}

fn metadata(env: &Env) -> (String, String) {
    env.storage()
        .instance()
        .get(&DataKey::Metadata)
        .unwrap_or_else(|| panic_with_error!(env, PlainTokenError::Uninitialized))
}

#[contractimpl]
impl PlainToken {
    pub fn __constructor(env: Env, admin: Address, name: String, symbol: String) {
        env.storage().instance().set(&DataKey::Admin, &admin);
        env.storage()
            .instance()
            .set(&DataKey::Metadata, &(name, symbol));
        ttl::bump_instance(&env);
    }

    pub fn mint(env: Env, to: Address, amount: i128) {
        let admin: Address = env
            .storage()
            .instance()
            .get(&DataKey::Admin)
            .unwrap_or_else(|| panic_with_error!(&env, PlainTokenError::Uninitialized));
        admin.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        credit(&env, &to, amount);
        MintWithAmountOnly { to, amount }.publish(&env);
    }
}

#[contractimpl]
impl TokenInterface for PlainToken {
    fn allowance(env: Env, from: Address, spender: Address) -> i128 {
        ttl::bump_instance(&env);
        let entry: Option<(i128, u32)> = env
            .storage()
            .temporary()
            .get(&DataKey::Allowance(from, spender));
        entry
            .filter(|(_, l)| *l >= env.ledger().sequence())
            .map_or(0, |(a, _)| a)
    }

    fn approve(env: Env, from: Address, spender: Address, amount: i128, live_until_ledger: u32) {
        from.require_auth();
        ttl::bump_instance(&env);
        if amount < 0 || (amount > 0 && live_until_ledger < env.ledger().sequence()) {
            panic_with_error!(&env, PlainTokenError::InvalidExpiration);
        }
        let key = DataKey::Allowance(from.clone(), spender.clone());
        env.storage()
            .temporary()
            .set(&key, &(amount, live_until_ledger));
        if amount > 0 {
            let ttl = live_until_ledger - env.ledger().sequence();
            env.storage().temporary().extend_ttl(&key, ttl, ttl);
        }
        Approve {
            from,
            spender,
            amount,
            expiration_ledger: live_until_ledger,
        }
        .publish(&env);
    }

    fn balance(env: Env, id: Address) -> i128 {
        ttl::bump_instance(&env);
        balance_of(&env, &id)
    }

    fn transfer(env: Env, from: Address, to: MuxedAddress, amount: i128) {
        from.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        let to_address = to.address();
        debit(&env, &from, amount);
        credit(&env, &to_address, amount);
        match to.id() {
            Some(id) => Transfer {
                from,
                to: to_address,
                to_muxed_id: Some(id),
                amount,
            }
            .publish(&env),
            None => TransferWithAmountOnly {
                from,
                to: to_address,
                amount,
            }
            .publish(&env),
        }
    }

    fn transfer_from(env: Env, spender: Address, from: Address, to: Address, amount: i128) {
        spender.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        spend_allowance(&env, &from, &spender, amount);
        debit(&env, &from, amount);
        credit(&env, &to, amount);
        TransferWithAmountOnly { from, to, amount }.publish(&env);
    }

    fn burn(env: Env, from: Address, amount: i128) {
        from.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        debit(&env, &from, amount);
        Burn { from, amount }.publish(&env);
    }

    fn burn_from(env: Env, spender: Address, from: Address, amount: i128) {
        spender.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        spend_allowance(&env, &from, &spender, amount);
        debit(&env, &from, amount);
        Burn { from, amount }.publish(&env);
    }

    fn decimals(_env: Env) -> u32 {
        7
    }

    fn name(env: Env) -> String {
        ttl::bump_instance(&env);
        metadata(&env).0
    }

    fn symbol(env: Env) -> String {
        ttl::bump_instance(&env);
        metadata(&env).1
    }
}
