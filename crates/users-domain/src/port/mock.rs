//! A mock of the whole server, for tests of code that drives several ports
//! at once (the service's offboarding, for one).

use crate::{
    ApiKeyId, ApiKeySecret, Backend, Email, GeneratedApiKey, Invitee, KeyRepository, Member,
    MemberId, PageRequest, Result, Team, TeamName, TeamRepository, TeamRole, User, UserId,
    UserPage, UserRepository, Username,
};

mockall::mock! {
    /// Every port of [`Backend`] at once, with mockall's expectations.
    pub Backend {}

    #[async_trait::async_trait]
    impl UserRepository for Backend {
        async fn viewer(&self) -> Result<User>;
        async fn search_users(&self, query: &str) -> Result<Vec<User>>;
        async fn list_users(&self, query: &str, page: &PageRequest) -> Result<UserPage>;
        async fn user_by_id(&self, id: &UserId) -> Result<User>;
        async fn create_user(&self, email: &Email, admin: bool) -> Result<User>;
        async fn deactivate_user(&self, id: &UserId) -> Result<()>;
        async fn reactivate_user(&self, id: &UserId) -> Result<()>;
        async fn set_instance_admin(&self, id: &UserId, admin: bool) -> Result<()>;
    }

    #[async_trait::async_trait]
    impl KeyRepository for Backend {
        async fn generate_api_key(&self, description: Option<String>) -> Result<GeneratedApiKey>;
        async fn delete_api_key(&self, id: &ApiKeyId) -> Result<()>;
    }

    #[async_trait::async_trait]
    impl TeamRepository for Backend {
        async fn team(&self, name: &TeamName) -> Result<Team>;
        async fn create_team(&self, name: &TeamName, admin: Option<Username>) -> Result<Team>;
        async fn add_member(&self, team: &TeamName, invitee: &Invitee, admin: bool) -> Result<Member>;
        async fn remove_member(&self, team: &TeamName, member: &MemberId) -> Result<()>;
        async fn set_member_role(&self, team: &TeamName, member: &MemberId, role: &TeamRole) -> Result<()>;
        async fn create_service_account(&self, team: &TeamName, description: &str) -> Result<Member>;
        async fn service_account_secret(&self, team: &TeamName, member: &MemberId) -> Result<Option<ApiKeySecret>>;
    }

    impl Backend for Backend {
        fn act_as(&self, secret: ApiKeySecret) -> Box<dyn Backend>;
    }
}
