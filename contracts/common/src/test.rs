use soroban_sdk::{
    contract, contractimpl,
    testutils::{Address as _, EnvTestConfig},
    Address, Env,
};

use crate::{admin, pause, ttl};

#[contract]
struct Probe;

#[contractimpl]
impl Probe {
    pub fn __constructor(env: Env, admin: Address) {
        admin::init(&env, &admin);
    }
    pub fn admin(env: Env) -> Address {
        admin::admin(&env)
    }
    pub fn propose(env: Env, to: Address) {
        admin::propose(&env, &to);
    }
    pub fn accept(env: Env) -> bool {
        admin::accept(&env)
    }
    pub fn set_paused(env: Env, paused: bool) {
        pause::set_paused(&env, paused);
    }
    pub fn paused(env: Env) -> bool {
        pause::is_paused(&env)
    }
}

fn setup() -> (Env, Address, ProbeClient<'static>) {
    let env = Env::new_with_config(EnvTestConfig {
        capture_snapshot_at_drop: false,
    });
    env.mock_all_auths();
    let admin = Address::generate(&env);
    let id = env.register(Probe, (admin.clone(),));
    (env.clone(), admin, ProbeClient::new(&env, &id))
}

#[test]
fn admin_transfer_takes_a_proposal_and_an_acceptance() {
    let (env, admin, probe) = setup();
    assert!(!probe.accept(), "nothing proposed yet");
    let next = Address::generate(&env);
    probe.propose(&next);
    assert_eq!(probe.admin(), admin, "a proposal alone changes nothing");
    assert!(probe.accept());
    assert_eq!(
        env.auths()[0].0,
        next,
        "the proposed account signs the acceptance"
    );
    assert_eq!(probe.admin(), next);
    assert!(!probe.accept(), "the proposal is consumed");
}

#[test]
fn pause_toggles() {
    let (env, admin, probe) = setup();
    assert!(!probe.paused());
    probe.set_paused(&true);
    assert_eq!(env.auths()[0].0, admin);
    assert!(probe.paused());
    probe.set_paused(&false);
    assert!(!probe.paused());
}

#[test]
fn ttl_policy_extends_at_most_daily_and_never_lets_live_data_lapse() {
    const { assert!(ttl::INSTANCE_THRESHOLD + ttl::DAY_IN_LEDGERS == ttl::INSTANCE_BUMP) };
    const { assert!(ttl::PERSISTENT_THRESHOLD + ttl::DAY_IN_LEDGERS == ttl::PERSISTENT_BUMP) };
    const { assert!(ttl::PERSISTENT_BUMP >= ttl::INSTANCE_BUMP) };
}
