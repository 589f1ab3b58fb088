//! `hashshare keys`: identities in stellar-cli's files, funded through the network's friendbot.
use crate::{
    cli::{Cli, KeysCommand},
    client::Client,
    error::CliError,
    identity::{config_dir, Identities},
};

pub fn run(cli: &Cli, command: &KeysCommand) -> Result<(), CliError> {
    let config = match &cli.config_dir {
        Some(dir) => dir.clone(),
        None => config_dir()?,
    };
    let identities = Identities::at(&config);
    let fund = |address: &str| -> Result<(), CliError> {
        let network = cli.network.resolve(&config)?;
        Client::connect(&network)?.fund(address)?;
        println!("funded {address} on {}", network.name);
        Ok(())
    };
    match command {
        KeysCommand::Generate {
            name,
            overwrite,
            fund: and_fund,
        } => {
            let identity = identities.generate(name, *overwrite)?;
            println!("{}", identity.address());
            if *and_fund {
                fund(&identity.address())?;
            }
        }
        KeysCommand::Address { name } => println!("{}", identities.resolve(name)?.address()),
        KeysCommand::Ls => {
            for name in identities.list()? {
                println!("{name}");
            }
        }
        KeysCommand::Fund { name } => fund(&identities.read(name)?.address())?,
    }
    Ok(())
}
