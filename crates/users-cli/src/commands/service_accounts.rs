//! `service-account create|list`. `create --with-key` prints a secret, once,
//! as `key generate` does: the account is printed first (it exists whatever
//! becomes of its key), then the new key, flushed; a key whose secret could
//! not be printed is revoked again, by its own holder.

use serde::Serialize;
use users_domain::{
    Backend, Error, ExposeSecret as _, Member, Team, TeamName, TeamRepository, UserAdmin,
    UserRepository,
};

use super::keys::{SHOWN_ONCE, generated_text};
use crate::cli::ServiceAccountCommand;
use crate::failure::{During, Failure};
use crate::output::{JsonFields, Output, table, write_out};
use crate::views::KeyView;
use crate::views::teams::{
    MemberView, SERVICE_ACCOUNT_COLUMNS, service_account_row, service_account_text,
    service_accounts,
};

pub(super) async fn run<R: Backend>(
    admin: &UserAdmin<R>,
    command: &ServiceAccountCommand,
    out: Output,
) -> Result<(), Failure> {
    match command {
        ServiceAccountCommand::Create {
            team,
            description,
            with_key,
            key_description,
        } => {
            let key = Key {
                wanted: *with_key,
                description: key_description.as_deref(),
            };
            create(admin, team, description, key, out).await
        }
        ServiceAccountCommand::List { team } => list(admin, team.as_ref(), out).await,
    }
}

/// Whether a key is wanted for the new account, and its description.
#[derive(Debug, Clone, Copy)]
struct Key<'d> {
    wanted: bool,
    description: Option<&'d str>,
}

async fn create<R: Backend>(
    admin: &UserAdmin<R>,
    team: &TeamName,
    description: &str,
    key: Key<'_>,
    out: Output,
) -> Result<(), Failure> {
    let account = admin
        .create_service_account(team, description)
        .await
        .map_err(|error| Failure::during(error, During::ManagingTeam(team.clone())))?;
    let mut json = JsonFields::new(out);
    let shown = if out.json {
        json.field("team", &team.as_str())
            .and_then(|()| json.field("account", &MemberView::from(&account)))
    } else if out.quiet && key.wanted {
        // `-q` prints the secret alone, as `key generate -q` does.
        Ok(())
    } else {
        write_out(&service_account_text(team, &account))
    };
    shown.map_err(|error| Failure::output(&error))?;
    let no_key = |json: JsonFields| {
        if !out.json {
            return Ok(());
        }
        let mut json = json;
        json.field("key", &None::<()>)
            .and_then(|()| json.field("secret", &None::<()>))
            .and_then(|()| json.end())
            .map_err(|error| Failure::output_cut(&error))
    };
    if !key.wanted {
        return no_key(json);
    }
    let during = During::ServiceAccountKey {
        account: account.label(),
    };
    let generated = match admin
        .service_account_key(team, &account, key.description)
        .await
    {
        Ok(generated) => generated,
        Err(error) => {
            no_key(json)?;
            return Err(Failure::during(error, during));
        }
    };
    let shown = if out.json {
        json.field("key", &KeyView::from(&generated.key))
            .and_then(|()| json.field("secret", &generated.secret.expose_secret()))
    } else {
        write_out(&generated_text(&generated, out))
    };
    if let Err(error) = shown {
        // As the account: its own key is always its to revoke.
        let revoked = admin
            .act_as(generated.secret.clone())
            .delete_api_key(&generated.key.id)
            .await;
        return Err(
            Failure::secret_not_shown(error, generated.key, revoked, None).while_doing(during),
        );
    }
    if out.json {
        json.end().map_err(|error| Failure::output_cut(&error))?;
    }
    out.note(SHOWN_ONCE);
    Ok(())
}

/// A service account in a listing: its team, then the member's fields.
#[derive(Serialize)]
struct ListedView<'a> {
    team: &'a str,
    #[serde(flatten)]
    account: MemberView<'a>,
}

#[derive(Serialize)]
struct ListView<'a> {
    /// The team asked for; `null` for the caller's teams.
    team: Option<&'a str>,
    service_accounts: Vec<ListedView<'a>>,
}

async fn list<R: UserRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    team: Option<&TeamName>,
    out: Output,
) -> Result<(), Failure> {
    let teams = if let Some(name) = team {
        let one = admin
            .team(name)
            .await
            .map_err(|error| Failure::during(error, During::ManagingTeam(name.clone())))?;
        vec![one]
    } else {
        let me = admin.viewer().await?;
        admin.teams_of(&me).await?
    };
    let accounts = accounts_of(&teams)?;
    let view = ListView {
        team: team.map(TeamName::as_str),
        service_accounts: accounts
            .iter()
            .map(|(team, account)| ListedView {
                team: team.as_str(),
                account: MemberView::from(*account),
            })
            .collect(),
    };
    let text = if accounts.is_empty() {
        match team {
            Some(name) => format!("team {name} has no service accounts"),
            None => "none of your teams has service accounts".to_owned(),
        }
    } else {
        let rows: Vec<Vec<String>> = accounts
            .iter()
            .map(|(team, account)| service_account_row(team, account))
            .collect();
        table(SERVICE_ACCOUNT_COLUMNS, &rows)
    };
    out.result(&view, &text)
}

/// Each team's service accounts, team by team.
fn accounts_of(teams: &[Team]) -> Result<Vec<(&TeamName, &Member)>, Failure> {
    let mut accounts = Vec::new();
    for team in teams {
        let members = team.members.as_deref().ok_or_else(|| Error::NotListed {
            what: format!("the members of team {}", team.name),
        })?;
        accounts.extend(service_accounts(members).map(|account| (&team.name, account)));
    }
    Ok(accounts)
}
