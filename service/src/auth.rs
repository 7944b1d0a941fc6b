//! Bearer tokens → principals: who is asking, and what they may read.
//!
//! Tokens come from `service.principals` in the configuration. Every call carries
//! `authorization: Bearer TOKEN`; the Flight handshake also accepts `Basic` credentials whose
//! password is the token (what Flight clients send for a user name and password) and answers
//! with the bearer header to use. With no principals configured the service is open.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use switchyard_producer::Catalog;
use switchyard_router::{ColumnGrants, ServiceConfig, TableGrants};
use tonic::metadata::MetadataMap;

use crate::error::ServiceError;

/// The principal every client of an open service (no principals configured) is.
pub const ANONYMOUS: &str = "anonymous";

/// A client identity with its grants.
#[derive(Debug, Clone)]
pub struct Principal {
    name: Arc<str>,
    grants: Arc<TableGrants>,
}

impl Principal {
    /// A principal called `name` with `grants`.
    pub fn new(name: impl Into<Arc<str>>, grants: TableGrants) -> Self {
        Self {
            name: name.into(),
            grants: Arc::new(grants),
        }
    }

    /// The principal of an open service: it may read everything.
    pub fn anonymous() -> Self {
        Self::new(ANONYMOUS, TableGrants::All)
    }

    /// The principal's name in the configuration.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name, shared (for records that outlive the request).
    pub fn shared_name(&self) -> Arc<str> {
        Arc::clone(&self.name)
    }

    /// Whether it may read every table and column, so plans need no column check.
    pub fn reads_everything(&self) -> bool {
        matches!(*self.grants, TableGrants::All)
    }

    /// Whether it may read some column of `table`.
    pub fn may_read_table(&self, table: &str) -> bool {
        match &*self.grants {
            TableGrants::All => true,
            TableGrants::Tables(tables) => tables.contains_key(table),
        }
    }

    /// Whether it may read `table.column`.
    pub fn may_read_column(&self, table: &str, column: &str) -> bool {
        match &*self.grants {
            TableGrants::All => true,
            TableGrants::Tables(tables) => match tables.get(table) {
                Some(ColumnGrants::All) => true,
                Some(ColumnGrants::Columns(columns)) => columns.contains(column),
                None => false,
            },
        }
    }
}

/// Turns request credentials into principals.
pub struct Authenticator {
    by_token: HashMap<String, Principal>,
}

impl fmt::Debug for Authenticator {
    /// Names the principals, never their tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.by_token.values().map(Principal::name).collect();
        names.sort_unstable();
        f.debug_struct("Authenticator")
            .field("principals", &names)
            .finish()
    }
}

impl Authenticator {
    /// Reads `service.principals`, checking every grant against the catalog so a typo in a
    /// table or column name fails at start-up rather than denying queries later.
    pub fn new(config: &ServiceConfig, catalog: &Catalog) -> Result<Self, ServiceError> {
        config.validate().map_err(ServiceError::Config)?;
        for (name, principal) in &config.principals {
            check_grants(name, &principal.tables, catalog)?;
        }
        let by_token: HashMap<String, Principal> = config
            .principals
            .iter()
            .map(|(name, p)| {
                (
                    p.token.clone(),
                    Principal::new(name.as_str(), p.tables.clone()),
                )
            })
            .collect();
        if by_token.is_empty() {
            tracing::warn!(
                "service.principals is empty: the service is open, every client may read every table"
            );
        }
        Ok(Self { by_token })
    }

    /// Whether no principals are configured.
    pub fn is_open(&self) -> bool {
        self.by_token.is_empty()
    }

    /// The principal whose bearer token the request carries.
    pub fn authenticate(&self, metadata: &MetadataMap) -> Result<Principal, ServiceError> {
        if self.is_open() {
            return Ok(Principal::anonymous());
        }
        match credentials(metadata)? {
            Some(Credentials::Bearer(token)) => self.principal(&token),
            Some(Credentials::Basic { .. }) => Err(ServiceError::Unauthenticated(
                "calls take `authorization: Bearer TOKEN`; Basic credentials are for the Flight \
                 handshake"
                    .into(),
            )),
            None => Err(ServiceError::Unauthenticated(
                "no credentials: send `authorization: Bearer TOKEN`".into(),
            )),
        }
    }

    /// The Flight handshake: a bearer token, or Basic credentials (in the header or, as
    /// `(user, password)`, from the handshake payload) whose password is a token. Returns the
    /// principal and the token to send from then on; `None` when the service is open.
    pub fn handshake(
        &self,
        metadata: &MetadataMap,
        payload: Option<(String, String)>,
    ) -> Result<Option<(Principal, String)>, ServiceError> {
        if self.is_open() {
            return Ok(None);
        }
        let (user, token) = match (credentials(metadata)?, payload) {
            (Some(Credentials::Bearer(token)), _) => (None, token),
            (Some(Credentials::Basic { user, password }), _) | (None, Some((user, password))) => {
                (Some(user), password)
            }
            (None, None) => {
                return Err(ServiceError::Unauthenticated(
                    "no credentials: send `authorization: Bearer TOKEN`, or Basic credentials \
                     whose password is the token"
                        .into(),
                ));
            }
        };
        let principal = self.principal(&token)?;
        match user {
            Some(user) if !user.is_empty() && user != principal.name() => {
                Err(ServiceError::Unauthenticated(format!(
                    "the password is not the token of principal {user}"
                )))
            }
            _ => Ok(Some((principal, token))),
        }
    }

    fn principal(&self, token: &str) -> Result<Principal, ServiceError> {
        self.by_token.get(token).cloned().ok_or_else(|| {
            ServiceError::Unauthenticated("the bearer token is not one this service knows".into())
        })
    }
}

/// What an `authorization` header holds.
enum Credentials {
    Bearer(String),
    Basic { user: String, password: String },
}

fn credentials(metadata: &MetadataMap) -> Result<Option<Credentials>, ServiceError> {
    let Some(value) = metadata.get("authorization") else {
        return Ok(None);
    };
    let unreadable = |why: &str| ServiceError::Unauthenticated(format!("authorization: {why}"));
    let text = value.to_str().map_err(|_| unreadable("not ASCII text"))?;
    let (scheme, rest) = text
        .trim()
        .split_once(' ')
        .ok_or_else(|| unreadable("expected `Bearer TOKEN` or `Basic CREDENTIALS`"))?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Ok(Some(Credentials::Bearer(rest.to_string())));
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = STANDARD
            .decode(rest)
            .map_err(|_| unreadable("Basic credentials are not base64"))?;
        let decoded = String::from_utf8(decoded)
            .map_err(|_| unreadable("Basic credentials are not UTF-8"))?;
        let (user, password) = decoded
            .split_once(':')
            .ok_or_else(|| unreadable("Basic credentials are not USER:PASSWORD"))?;
        return Ok(Some(Credentials::Basic {
            user: user.to_string(),
            password: password.to_string(),
        }));
    }
    Err(unreadable(&format!("unknown scheme {scheme:?}")))
}

fn check_grants(name: &str, grants: &TableGrants, catalog: &Catalog) -> Result<(), ServiceError> {
    let TableGrants::Tables(tables) = grants else {
        return Ok(());
    };
    for (table, columns) in tables {
        let setting = format!("service.principals.{name}.tables.{table}");
        let found = catalog.table(table).ok_or_else(|| {
            ServiceError::Config(format!("{setting}: no such table in the catalog"))
        })?;
        let ColumnGrants::Columns(columns) = columns else {
            continue;
        };
        let schema = found.schema();
        if let Some(unknown) = columns.iter().find(|c| schema.field_with_name(c).is_err()) {
            let known: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            return Err(ServiceError::Config(format!(
                "{setting}: no column {unknown:?}; its columns: {}",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchyard_router::PrincipalConfig;
    use tonic::metadata::{Ascii, MetadataValue};

    fn authenticator() -> Authenticator {
        let mut config = ServiceConfig::default();
        config.principals.insert(
            "analyst".into(),
            PrincipalConfig {
                token: "tok-a".into(),
                tables: TableGrants::All,
            },
        );
        Authenticator::new(&config, &Catalog::new()).expect("valid")
    }

    fn with_header(value: &str) -> MetadataMap {
        let mut metadata = MetadataMap::new();
        let value: MetadataValue<Ascii> = value.parse().expect("ASCII");
        metadata.insert("authorization", value);
        metadata
    }

    #[test]
    fn bearer_tokens_name_principals() {
        let auth = authenticator();
        let principal = auth
            .authenticate(&with_header("Bearer tok-a"))
            .expect("known token");
        assert_eq!(principal.name(), "analyst");
        let err = auth
            .authenticate(&with_header("Bearer nope"))
            .expect_err("unknown token");
        assert!(matches!(err, ServiceError::Unauthenticated(_)), "{err}");
        let err = auth
            .authenticate(&MetadataMap::new())
            .expect_err("no token");
        assert!(err.to_string().contains("Bearer"), "{err}");
    }

    #[test]
    fn handshake_takes_basic_credentials_with_the_token_as_password() {
        let auth = authenticator();
        let basic = format!("Basic {}", STANDARD.encode("analyst:tok-a"));
        let (principal, token) = auth
            .handshake(&with_header(&basic), None)
            .expect("valid")
            .expect("not open");
        assert_eq!((principal.name(), token.as_str()), ("analyst", "tok-a"));
        let wrong_user = format!("Basic {}", STANDARD.encode("admin:tok-a"));
        assert!(auth.handshake(&with_header(&wrong_user), None).is_err());
        let from_payload = auth
            .handshake(&MetadataMap::new(), Some((String::new(), "tok-a".into())))
            .expect("valid")
            .expect("not open");
        assert_eq!(from_payload.1, "tok-a");
    }

    #[test]
    fn an_open_service_serves_everyone_as_anonymous() {
        let auth = Authenticator::new(&ServiceConfig::default(), &Catalog::new()).expect("valid");
        let principal = auth.authenticate(&MetadataMap::new()).expect("open");
        assert_eq!(principal.name(), ANONYMOUS);
        assert!(principal.reads_everything());
    }
}
