//! Two-step admin transfer: the admin proposes, the proposed account accepts. A typo in the
//! new address can therefore never lock a contract.
use soroban_sdk::{
    contractevent, contracttype, panic_with_error,
    xdr::{ScErrorCode, ScErrorType},
    Address, BytesN, Env, Error,
};

#[contracttype]
enum AdminKey {
    Admin,
    PendingAdmin,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct AdminProposed {
    #[topic]
    pub admin: Address,
    pub proposed: Address,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct AdminChanged {
    #[topic]
    pub previous: Address,
    pub admin: Address,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Upgraded {
    pub wasm_hash: BytesN<32>,
}

/// Sets the first admin; called from a constructor only.
pub fn init(env: &Env, admin: &Address) {
    env.storage().instance().set(&AdminKey::Admin, admin);
}

/// The current admin. Every constructor sets one, so its absence is a broken instance.
pub fn admin(env: &Env) -> Address {
    env.storage()
        .instance()
        .get(&AdminKey::Admin)
        .unwrap_or_else(|| {
            panic_with_error!(
                env,
                Error::from_type_and_code(ScErrorType::Storage, ScErrorCode::MissingValue)
            )
        })
}

/// Requires the admin's authorization and returns the admin.
pub fn require_admin(env: &Env) -> Address {
    let admin = admin(env);
    admin.require_auth();
    admin
}

/// Step one: the admin names its successor (replacing any earlier proposal).
pub fn propose(env: &Env, proposed: &Address) {
    let admin = require_admin(env);
    env.storage()
        .instance()
        .set(&AdminKey::PendingAdmin, proposed);
    AdminProposed {
        admin,
        proposed: proposed.clone(),
    }
    .publish(env);
}

/// Step two: the proposed account authorizes and becomes admin. Returns `false`, changing
/// nothing, when no transfer is pending; the caller raises its own typed error.
pub fn accept(env: &Env) -> bool {
    let pending: Option<Option<Address>> = env.storage().instance().get(&AdminKey::PendingAdmin);
    let Some(proposed) = pending.flatten() else {
        return false;
    };
    proposed.require_auth();
    let previous = admin(env);
    env.storage().instance().set(&AdminKey::Admin, &proposed);
    // Cleared by overwriting, not removal (one host import fewer for every contract).
    env.storage()
        .instance()
        .set(&AdminKey::PendingAdmin, &None::<Address>);
    AdminChanged {
        previous,
        admin: proposed,
    }
    .publish(env);
    true
}

/// Replaces the contract's code with an uploaded WASM, keeping its storage. Admin only.
pub fn upgrade(env: &Env, wasm_hash: &BytesN<32>) {
    require_admin(env);
    env.deployer()
        .update_current_contract_wasm(wasm_hash.clone());
    Upgraded {
        wasm_hash: wasm_hash.clone(),
    }
    .publish(env);
}
