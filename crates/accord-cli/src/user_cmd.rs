//! `accord user add|list|set` and `accord token create|revoke`: the users of a shared store
//! (for `accord serve`), their roles (viewer, editor, admin), passwords (Argon2id) and API
//! tokens (stored hashed; a token is shown once).

use std::io::Read;
use std::process::ExitCode;

use accord_store::{Role, Store};
use clap::{Args, Subcommand, ValueEnum};

use crate::common::fail;

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum RoleArg {
    /// Reads everything.
    Viewer,
    /// Also writes claims and reviews proposals.
    Editor,
    /// Also manages users.
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Viewer => Role::Viewer,
            RoleArg::Editor => Role::Editor,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Args, Debug)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user with a role.
    Add(UserAddArgs),
    /// List the users and their roles.
    List(DbArg),
    /// Change a user's role or password.
    Set(UserSetArgs),
}

#[derive(Args, Debug)]
pub struct DbArg {
    /// The store: a SQLite file, or a PostgreSQL URL.
    #[arg(
        long,
        value_name = "PATH|URL",
        env = "ACCORD_DB",
        default_value = "accord.db"
    )]
    pub db: String,
}

#[derive(Args, Debug)]
pub struct UserAddArgs {
    pub name: String,
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// Read a password from standard input (for signing in on the dashboard).
    #[arg(long)]
    pub password_stdin: bool,
    /// Also make an API token and print it.
    #[arg(long)]
    pub token: bool,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Args, Debug)]
pub struct UserSetArgs {
    pub name: String,
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// Read a new password from standard input.
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Make an API token for a user and print it (only its hash is stored).
    Create(TokenCreateArgs),
    /// Revoke a token.
    Revoke(TokenRevokeArgs),
}

#[derive(Args, Debug)]
pub struct TokenCreateArgs {
    /// The user the token acts for.
    pub name: String,
    /// A label to recognise the token by.
    #[arg(long)]
    pub label: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Args, Debug)]
pub struct TokenRevokeArgs {
    /// The token (`acc_…`).
    pub token: String,
    #[command(flatten)]
    pub db: DbArg,
}

fn open(db: &DbArg) -> Result<Box<dyn Store>, ExitCode> {
    accord_store::open(&db.db).map_err(fail)
}

fn read_password() -> Result<String, String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| format!("could not read the password: {e}"))?;
    let pw = s.trim_end_matches(['\n', '\r']).to_string();
    if pw.chars().count() < 8 {
        return Err("the password must have at least 8 characters".into());
    }
    Ok(pw)
}

pub fn user(a: UserArgs) -> ExitCode {
    match a.command {
        UserCommand::Add(a) => {
            let hash = if a.password_stdin {
                match read_password().and_then(|p| accord_server::auth::hash_password(&p)) {
                    Ok(h) => Some(h),
                    Err(e) => return fail(e),
                }
            } else {
                None
            };
            let mut store = match open(&a.db) {
                Ok(s) => s,
                Err(c) => return c,
            };
            let u = match store.add_user(&a.name, a.role.into(), hash.as_deref()) {
                Ok(u) => u,
                Err(e) => return fail(e),
            };
            println!("added user {} ({})", u.name, u.role);
            if a.token {
                match accord_server::auth::create_api_token(store.as_mut(), &u.name, None) {
                    Ok(t) => println!("{t}"),
                    Err(e) => return fail(e),
                }
            }
            ExitCode::SUCCESS
        }
        UserCommand::List(db) => {
            let mut store = match open(&db) {
                Ok(s) => s,
                Err(c) => return c,
            };
            match store.users() {
                Ok(us) => {
                    for u in us {
                        println!(
                            "{:<24} {:<7} {}",
                            u.name,
                            u.role,
                            if u.password_hash.is_some() {
                                "password"
                            } else {
                                ""
                            }
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        UserCommand::Set(a) => {
            let hash = if a.password_stdin {
                match read_password().and_then(|p| accord_server::auth::hash_password(&p)) {
                    Ok(h) => Some(h),
                    Err(e) => return fail(e),
                }
            } else {
                None
            };
            if a.role.is_none() && hash.is_none() {
                return fail("give --role or --password-stdin");
            }
            let mut store = match open(&a.db) {
                Ok(s) => s,
                Err(c) => return c,
            };
            match store.update_user(&a.name, a.role.map(Role::from), hash.as_deref()) {
                Ok(true) => {
                    println!("updated user {}", a.name);
                    ExitCode::SUCCESS
                }
                Ok(false) => fail(format!("there is no user `{}`", a.name)),
                Err(e) => fail(e),
            }
        }
    }
}

pub fn token(a: TokenArgs) -> ExitCode {
    match a.command {
        TokenCommand::Create(a) => {
            let mut store = match open(&a.db) {
                Ok(s) => s,
                Err(c) => return c,
            };
            match accord_server::auth::create_api_token(store.as_mut(), &a.name, a.label.as_deref())
            {
                Ok(t) => {
                    println!("{t}");
                    eprintln!(
                        "(a token for `{}`: keep it secret; it is shown only now, and only its hash is stored)",
                        a.name
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        TokenCommand::Revoke(a) => {
            let mut store = match open(&a.db) {
                Ok(s) => s,
                Err(c) => return c,
            };
            match store.revoke_token(&accord_server::auth::token_hash(a.token.trim())) {
                Ok(true) => {
                    println!("revoked");
                    ExitCode::SUCCESS
                }
                Ok(false) => fail("no such token (or it was revoked already)"),
                Err(e) => fail(e),
            }
        }
    }
}
