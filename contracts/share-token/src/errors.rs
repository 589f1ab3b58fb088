use soroban_sdk::contracterror;

/// share-token errors, codes 200–299.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum ShareTokenError {
    /// Amounts may not be negative; mints and rewards must be positive.
    InvalidAmount = 200,
    InsufficientBalance = 201,
    InsufficientAllowance = 202,
    // 203 was `SelfTransfer`: self transfers succeed as no-ops, as the SAC's do.
    /// A non-zero allowance must live until the current ledger or later.
    InvalidExpiration = 204,
    /// Transfers, mints and burns are paused.
    Paused = 205,
    /// `mint` or the reward calls before `set_distributor`.
    DistributorNotSet = 206,
    /// `set_distributor` may be called once.
    DistributorAlreadySet = 207,
    /// No mint at or after maturity.
    Matured = 208,
    /// The mint would sell more hashrate than the oracle attests.
    CapacityExceeded = 209,
    /// Arithmetic beyond what any real asset can hold.
    Overflow = 210,
    /// `accept_admin` with no admin transfer proposed.
    NoPendingAdmin = 211,
    /// `hashrate_per_share` must be positive; `set_distributor` of a distributor paying another
    /// token's holders.
    InvalidConfig = 212,
}
