//! Helpers shared by the hashshare contracts. Library code only: no `#[contract]` here, so
//! linking it into several contracts exports nothing twice.
#![no_std]

pub mod admin;
pub mod math;
pub mod pause;
pub mod ttl;

#[cfg(test)]
mod test;
