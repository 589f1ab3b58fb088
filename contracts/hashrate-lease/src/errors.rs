use soroban_sdk::contracterror;

/// hashrate-lease errors, codes 500–599.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum LeaseError {
    /// No offer with that id (or it was withdrawn).
    OfferNotFound = 500,
    /// No lease with that id.
    LeaseNotFound = 501,
    /// An offer's hashrate, price or epochs are not positive and ordered, or its validators
    /// and quorum are not an honest majority of 1 to 16 distinct accounts.
    InvalidOffer = 502,
    /// The offer's provider is not the pool's operator (or the offer names another provider).
    NotOperator = 503,
    /// The pool is already bound to another consumer (a share token sells its hashrate).
    PoolBound = 504,
    /// The offer's terms changed since the version the renter saw.
    OfferChanged = 505,
    /// Epochs outside the offer's `[min_epochs, max_epochs]`.
    InvalidEpochs = 506,
    /// Hashrate not positive, or beyond what the offer offers.
    InvalidHashrate = 507,
    /// The lease costs more than the renter's `max_price`.
    PriceTooHigh = 508,
    /// Active leases of the pool would exceed its sustained capacity.
    CapacityExceeded = 509,
    /// The lease may be closed only after repeated under-delivery.
    CloseNotAllowed = 510,
    /// The lease is closed or fully settled.
    LeaseEnded = 511,
    /// Arithmetic beyond what any real asset can hold.
    Overflow = 512,
    /// The fee is above 20%.
    InvalidFee = 513,
    /// `accept_admin` with no admin transfer proposed.
    NoPendingAdmin = 514,
    /// The instance lacks its configuration (a broken instance).
    NotConfigured = 515,
}
