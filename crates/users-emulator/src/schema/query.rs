use async_graphql::{Context, ID, Object, Result};

use users_domain::{Cursor, Error, PageRequest, PageSize, UserId, UserPage};

use super::types::{GqlUser, PageInfo, UserConnection, UserEdge, page_size};
use super::{Caller, ErrorCode, coded, domain_error};
use crate::Faults;

/// Users: the SDK's `viewer` and `users`.
pub(crate) struct UserQuery;

#[Object]
impl UserQuery {
    /// The user the credentials belong to.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Option<GqlUser>> {
        let caller = ctx.data::<Caller>()?;
        let user = caller.0.viewer().await.map_err(|e| domain_error(&e))?;
        Ok(Some(user.into()))
    }

    /// Users whose username or email starts or ends with `query`, ignoring
    /// case; every user when it is empty or absent. Instance admins only.
    /// Relay paging with `first`/`after` or `last`/`before`; without either
    /// size, every match (as the official SDK expects). With `ids`, the
    /// users those ids name instead (see [`by_ids`]).
    #[allow(
        clippy::too_many_arguments,
        reason = "each argument is one of W&B's for this field"
    )]
    async fn users(
        &self,
        ctx: &Context<'_>,
        query: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        ids: Option<Vec<ID>>,
    ) -> Result<Option<UserConnection>> {
        let caller = ctx.data::<Caller>()?;
        if let Some(ids) = ids {
            if query.is_some() || after.is_some() || last.is_some() || before.is_some() {
                return Err(coded(
                    "ids goes with first alone: the emulator does not search or page a list of ids",
                    ErrorCode::InvalidInput,
                ));
            }
            let most = first.map(size).transpose()?;
            return by_ids(caller, ids, most).await.map(Some);
        }
        let query = query.unwrap_or_default();
        let cursor = |text: Option<String>| {
            text.map(|text| {
                Cursor::parse(text).map_err(|error| {
                    coded(format!("not a cursor: {error}"), ErrorCode::InvalidInput)
                })
            })
            .transpose()
        };
        let request = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(coded(
                    "give first or last, not both",
                    ErrorCode::InvalidInput,
                ));
            }
            (Some(_), None) if before.is_some() => {
                return Err(coded(
                    "before goes with last, not first",
                    ErrorCode::InvalidInput,
                ));
            }
            (None, Some(_)) if after.is_some() => {
                return Err(coded(
                    "after goes with first, not last",
                    ErrorCode::InvalidInput,
                ));
            }
            (Some(first), None) => Some(PageRequest::Forward {
                size: size(first)?,
                after: cursor(after)?,
            }),
            (None, Some(last)) => Some(PageRequest::Backward {
                size: size(last)?,
                before: cursor(before)?,
            }),
            (None, None) if after.is_some() || before.is_some() => {
                return Err(coded(
                    "a cursor needs a page size: give first with after, or last with before",
                    ErrorCode::InvalidInput,
                ));
            }
            (None, None) => None,
        };
        let Some(request) = request else {
            return everything(caller, &query).await.map(Some);
        };
        let faults = ctx.data::<Faults>()?;
        if faults.take_unpaged_listing() {
            return everything(caller, &query).await.map(Some);
        }
        let resumed_at = match &request {
            PageRequest::Forward { after, .. } => after.clone(),
            PageRequest::Backward { .. } => None,
        };
        let page = caller
            .0
            .list_users(&query, &request)
            .await
            .map_err(|e| domain_error(&e))?;
        let mut connection = connection(page);
        if let Some(cursor) = resumed_at.filter(|_| faults.take_repeated_cursor()) {
            connection.page_info.end_cursor = Some(cursor.to_string());
            connection.page_info.has_next_page = true;
        }
        Ok(Some(connection))
    }
}

/// A page size of `asked` (at least one: an empty page would not move a walk).
fn size(asked: i32) -> Result<PageSize> {
    let asked = page_size(asked)?;
    PageSize::new(u64::try_from(asked).unwrap_or(u64::MAX))
        .map_err(|error| coded(error.to_string(), ErrorCode::InvalidInput))
}

/// The users `ids` names, in the order given, at most `most` of them: each
/// looked up by its id, never by walking the listing. An id no user has
/// (or one that is not an id at all) is left out: an empty answer is how a
/// client learns that nobody has the id.
async fn by_ids(caller: &Caller, ids: Vec<ID>, most: Option<PageSize>) -> Result<UserConnection> {
    let most = most.map_or(usize::MAX, |size| {
        usize::try_from(size.get()).unwrap_or(usize::MAX)
    });
    let mut edges = Vec::new();
    for id in ids {
        if edges.len() == most {
            break;
        }
        let Ok(id) = UserId::parse(id.0) else {
            continue;
        };
        match caller.0.user_by_id(&id).await {
            Ok(user) => edges.push(UserEdge::from(users_domain::UserEdge {
                cursor: None,
                user,
            })),
            Err(Error::NotFound { .. }) => {}
            Err(error) => return Err(domain_error(&error)),
        }
    }
    Ok(UserConnection {
        page_info: PageInfo::default(),
        edges,
    })
}

/// Every match, as one connection: the largest pages, walked to the end.
async fn everything(caller: &Caller, query: &str) -> Result<UserConnection> {
    let size = PageSize::new(u64::from(PageSize::MAX))
        .map_err(|error| coded(error.to_string(), ErrorCode::Internal))?;
    let mut edges = Vec::new();
    let mut request = PageRequest::first(size);
    loop {
        let page = caller
            .0
            .list_users(query, &request)
            .await
            .map_err(|e| domain_error(&e))?;
        let next = page
            .page_info
            .end_cursor
            .clone()
            .filter(|_| page.page_info.has_next_page);
        edges.extend(page.edges.into_iter().map(UserEdge::from));
        match next {
            Some(after) => {
                request = PageRequest::Forward {
                    size,
                    after: Some(after),
                }
            }
            None => break,
        }
    }
    Ok(UserConnection {
        page_info: PageInfo {
            start_cursor: edges.first().map(|edge| edge.cursor.clone()),
            end_cursor: edges.last().map(|edge| edge.cursor.clone()),
            has_next_page: false,
            has_previous_page: false,
        },
        edges,
    })
}

fn connection(page: UserPage) -> UserConnection {
    UserConnection {
        page_info: PageInfo {
            start_cursor: page.page_info.start_cursor.map(|c| c.to_string()),
            end_cursor: page.page_info.end_cursor.map(|c| c.to_string()),
            has_next_page: page.page_info.has_next_page,
            has_previous_page: page.page_info.has_previous_page,
        },
        edges: page.edges.into_iter().map(UserEdge::from).collect(),
    }
}
