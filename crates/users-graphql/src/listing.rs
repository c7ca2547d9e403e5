//! Paged listings, which the official SDK never does: users with
//! `first`/`after` (or `last`/`before`) and `pageInfo`, the rest of a user's
//! keys when the server paged them, and the caller's own keys page by page;
//! and one user read as the listing reads them, by id.
//!
//! A server that ignores `first` answers everything in one page, saying no
//! more follows: that is accepted as it is. A server that says more follows
//! but repeats a cursor, or gives none, is a `Protocol` error rather than an
//! endless loop (the service's walk checks the pages of a user listing; the
//! key lists are checked here).

use std::collections::HashSet;

use serde_json::json;
use users_domain::{
    ApiKey, Cursor, Error, PageInfo, PageRequest, PageSize, Result, Unreadable, User, UserEdge,
    UserId, UserPage, echo_safe,
};

use crate::GraphqlUserRepository;
use crate::wire::{
    Connection, KeyDescription, KeysOfUser, LIST_USERS, USER_API_KEYS, USER_BY_ID, UsersData,
    VIEWER_API_KEYS, ViewerData, ViewerKeys, WireApiKey, WirePageInfo, WireUser,
};

impl GraphqlUserRepository {
    pub(crate) async fn list(&self, query: &str, page: &PageRequest) -> Result<UserPage> {
        let (first, after, last, before) = match page {
            PageRequest::Forward { size, after } => (Some(size.get()), after.as_ref(), None, None),
            PageRequest::Backward { size, before } => {
                (None, None, Some(size.get()), before.as_ref())
            }
        };
        let resumed = after.or(before).is_some();
        let variables = json!({
            "query": query,
            "first": first,
            "after": after.map(Cursor::as_str),
            "last": last,
            "before": before.map(Cursor::as_str),
        });
        let subject = format!("users matching '{}'", echo_safe(query));
        let data: UsersData = match self.call(&LIST_USERS, variables, &subject).await {
            // Refused input on a resumed listing: the cursor is what is new.
            Err(Error::InvalidInput { reason }) if resumed => {
                return Err(Error::CursorRejected { reason });
            }
            other => other?,
        };
        let (rows, unreadable, info) = data.into_rows();
        let mut edges = Vec::with_capacity(rows.len());
        for (cursor, wire) in rows {
            edges.push(UserEdge {
                cursor: cursor.and_then(|text| Cursor::parse(text).ok()),
                user: self.whole_user(wire).await?,
            });
        }
        Ok(UserPage {
            edges,
            unreadable,
            page_info: page_info(info.unwrap_or_default())?,
        })
    }

    /// The user `id` names, read as `ListUsers` reads each of its users.
    pub(crate) async fn with_id(&self, id: &UserId) -> Result<User> {
        let subject = format!("user with id {id}");
        let data: UsersData = self
            .call(&USER_BY_ID, json!({ "ids": [id.as_str()] }), &subject)
            .await?;
        let (rows, unreadable, _) = data.into_rows();
        // A server that ignored `ids` answers other users: never taken for this one.
        let mut answered = Vec::with_capacity(rows.len());
        for (_, wire) in rows {
            if wire.id() == id {
                return self.whole_user(wire).await;
            }
            answered.push(wire.id().to_string());
        }
        if let Some(Unreadable { reason, .. }) = unreadable.into_iter().next() {
            return Err(Error::Protocol {
                reason: format!(
                    "the server answered {subject} with a user this client cannot read: {reason}"
                ),
            });
        }
        if !answered.is_empty() {
            return Err(Error::Protocol {
                reason: format!(
                    "asked for {subject}, the server answered with user {}",
                    answered.join(", ")
                ),
            });
        }
        Err(Error::NotFound { what: subject })
    }

    /// `wire` as a user, with the rest of their keys when the server paged them.
    async fn whole_user(&self, wire: WireUser) -> Result<User> {
        let keys_after = wire.keys_continue_after();
        let keys_have_more = wire.keys_have_more();
        let mut user = User::from(wire);
        if keys_have_more {
            let after = keys_after.ok_or_else(|| no_cursor("the api keys of a listed user"))?;
            let rest = self.rest_of_keys(&user, after).await?;
            if let Some(keys) = user.api_keys.as_mut() {
                keys.extend(rest);
            }
        }
        Ok(user)
    }

    /// The keys of `user` after `after`, page by page.
    async fn rest_of_keys(&self, user: &User, mut after: String) -> Result<Vec<ApiKey>> {
        let mut keys = Vec::new();
        let mut seen = HashSet::new();
        let subject = format!("the api keys of {}", user.label());
        loop {
            if !seen.insert(after.clone()) {
                return Err(repeated(&subject));
            }
            let variables = json!({
                "id": user.id.as_str(),
                "first": PageSize::DEFAULT.get(),
                "after": after,
            });
            let data: UsersOfIds = self.call(&USER_API_KEYS, variables, &subject).await?;
            let Some(connection) = data.only_user(user)?.api_keys else {
                return Err(Error::NotListed { what: subject });
            };
            let next = next_after(&connection, &subject)?;
            keys.extend(connection.into_nodes().map(WireApiKey::into_api_key));
            match next {
                Some(cursor) => after = cursor,
                None => return Ok(keys),
            }
        }
    }

    /// The caller's keys as `ViewerApiKeys` lists them, every page.
    pub(crate) async fn viewer_keys(&self) -> Result<Vec<KeyDescription>> {
        let mut keys = Vec::new();
        let mut after: Option<String> = None;
        let mut seen = HashSet::new();
        let subject = "the caller's api keys";
        loop {
            let variables = json!({ "first": PageSize::DEFAULT.get(), "after": after });
            let data: ViewerData<ViewerKeys> =
                self.call(&VIEWER_API_KEYS, variables, subject).await?;
            let viewer = data.viewer.ok_or_else(|| Error::Unauthenticated {
                reason: "the server returned no viewer for this api key".to_owned(),
            })?;
            let connection = viewer.api_keys.ok_or_else(|| Error::NotListed {
                what: subject.to_owned(),
            })?;
            let next = next_after(&connection, subject)?;
            // A key the server could not resolve may be the one looked for:
            // the list is not known whole.
            if connection.edges.iter().any(|edge| edge.node.is_none()) {
                return Err(Error::Protocol {
                    reason: "the server could not resolve one of the caller's keys".to_owned(),
                });
            }
            keys.extend(connection.into_nodes());
            match next {
                Some(cursor) if seen.insert(cursor.clone()) => after = Some(cursor),
                Some(_) => return Err(repeated(subject)),
                None => return Ok(keys),
            }
        }
    }
}

/// `UserApiKeys`'s answer: the one user its `ids` name.
#[derive(serde::Deserialize)]
struct UsersOfIds {
    users: Option<Connection<KeysOfUser>>,
}

impl UsersOfIds {
    /// The node of `user`: a server that ignored `ids` and answered someone
    /// else must not have that user's keys taken for these.
    fn only_user(self, user: &User) -> Result<KeysOfUser> {
        let node = self
            .users
            .and_then(|users| users.into_nodes().next())
            .ok_or_else(|| Error::Protocol {
                reason: "the server listed the user's keys, then did not find the user".to_owned(),
            })?;
        if node.id != user.id {
            return Err(Error::Protocol {
                reason: format!(
                    "asked for the keys of user {}, the server answered with user {}",
                    user.id, node.id
                ),
            });
        }
        Ok(node)
    }
}

/// Where `connection` continues, if the server says it does.
fn next_after<T>(connection: &Connection<T>, subject: &str) -> Result<Option<String>> {
    if !connection.has_more() {
        return Ok(None);
    }
    connection
        .continues_after()
        .map(|cursor| Some(cursor.to_owned()))
        .ok_or_else(|| no_cursor(subject))
}

fn page_info(info: WirePageInfo) -> Result<PageInfo> {
    let cursor = |text: Option<String>, which: &str| {
        text.map(|text| {
            Cursor::parse(text).map_err(|error| Error::Protocol {
                reason: format!("the user listing's {which} is not usable: {error}"),
            })
        })
        .transpose()
    };
    let info = PageInfo {
        start_cursor: cursor(info.start_cursor, "startCursor")?,
        end_cursor: cursor(info.end_cursor, "endCursor")?,
        has_next_page: info.has_next_page,
        has_previous_page: info.has_previous_page,
    };
    if info.has_next_page && info.end_cursor.is_none() {
        return Err(no_cursor("the user listing"));
    }
    Ok(info)
}

fn no_cursor(subject: &str) -> Error {
    Error::Protocol {
        reason: format!("the server says {subject} goes on but gives no cursor to continue from"),
    }
}

fn repeated(subject: &str) -> Error {
    Error::Protocol {
        reason: format!(
            "the server paged {subject} back to a cursor it gave before; the list would never end"
        ),
    }
}
