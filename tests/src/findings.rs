//! What the property tests' checkers collect: each invariant found broken after a step, with
//! what the ledger and the model said; and how many cases they run.

/// One broken invariant.
#[derive(Clone, Debug)]
pub struct Violation {
    pub invariant: &'static str,
    pub detail: String,
}

/// Everything found wrong after one step.
#[derive(Default)]
pub struct Findings(pub Vec<Violation>);

impl Findings {
    pub fn require(
        &mut self,
        holds: bool,
        invariant: &'static str,
        detail: impl FnOnce() -> String,
    ) {
        if !holds {
            self.0.push(Violation {
                invariant,
                detail: detail(),
            });
        }
    }

    /// The ledger's value of `what` must be the model's.
    pub fn equal<T: PartialEq + std::fmt::Debug>(
        &mut self,
        invariant: &'static str,
        what: &str,
        ledger: T,
        model: T,
    ) {
        self.require(ledger == model, invariant, || {
            format!("{what}: ledger {ledger:?}, model {model:?}")
        });
    }
}

/// Cases a property test runs: `HASHSHARE_PROPTEST_CASES`, else `default` (its CI size).
pub fn cases(default: u32) -> u32 {
    std::env::var("HASHSHARE_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
