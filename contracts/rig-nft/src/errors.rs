use soroban_sdk::contracterror;

/// rig-nft errors, codes 400–499.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum RigNftError {
    /// No certificate with that id.
    NonExistentToken = 400,
    /// `from` (or the caller acting as owner) does not own the certificate.
    IncorrectOwner = 401,
    /// The spender is neither approved for the certificate nor an operator of its owner.
    InsufficientApproval = 402,
    /// The approver is neither the owner nor one of its operators.
    InvalidApprover = 403,
    /// An approval must live until the current ledger or later (0 revokes).
    InvalidLiveUntilLedger = 404,
    /// Shares, prices and epochs must be positive.
    InvalidAmount = 405,
    /// The certificate is rented: no unwrap, no new user, no second renter until it ends.
    Rented = 406,
    /// The certificate is not listed for rent (`rent`, `unlist_rental`).
    NotListed = 407,
    /// More epochs than the listing allows.
    TooManyEpochs = 408,
    /// The rental costs more than the renter's `max_price`.
    PriceTooHigh = 409,
    /// A rig's text is empty, longer than 64 bytes, or not plain printable ASCII (no `"` nor
    /// `\`, which the metadata's JSON would have to escape).
    InvalidRig = 410,
    /// Arithmetic beyond what any real asset can hold.
    Overflow = 411,
    /// A user's expiry must be in the future.
    InvalidExpiry = 412,
    /// `accept_admin` with no admin transfer proposed.
    NoPendingAdmin = 413,
    /// The instance lacks its configuration (never set by the constructor: a broken instance).
    NotConfigured = 414,
    /// No rental while the offering's miner owes holders for recorded epochs, or while more
    /// than 2 recordable epochs wait to be recorded: the catch-up would stream into it.
    InArrears = 415,
    /// The distributor is paused: rewards it still holds for the vault are paid when it
    /// resumes (`collect`).
    DistributorPaused = 416,
}
