use soroban_sdk::{contractevent, Address, Symbol};

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct PoolRegistered {
    #[topic]
    pub pool: Symbol,
    pub operator: Address,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct PoolUpdated {
    #[topic]
    pub pool: Symbol,
    pub operator: Address,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Submitted {
    #[topic]
    pub pool: Symbol,
    #[topic]
    pub epoch: u64,
    pub reporter: Address,
    pub hashrate: i128,
    pub reward: i128,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Finalized {
    #[topic]
    pub pool: Symbol,
    #[topic]
    pub epoch: u64,
    pub hashrate: i128,
    pub reward: i128,
    pub submissions: u32,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Disputed {
    #[topic]
    pub pool: Symbol,
    #[topic]
    pub epoch: u64,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct TokenBound {
    #[topic]
    pub pool: Symbol,
    pub token: Address,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct RegistrarSet {
    #[topic]
    pub registrar: Address,
    pub allowed: bool,
}
