//! The sign-in pages' and Team page's port: signs in and out through the accounts service,
//! setting the session cookie on the server function's response.

use app::{
    ApiError,
    auth::{DemoAccount, SignInOptions, UserView},
    ssr::{AccountsPort, Caller, RegisterForm},
};
use axum::http::{header, request::Parts};

use crate::{
    accounts::{
        AccountService,
        routes::{RegisterRequest, validate_registration},
        team::MemberPatch,
    },
    http::{
        client_of,
        cookies::{clear_cookie, session_cookie, session_token},
    },
    shared::{ClientInfo, input},
};

/// The login page's port: signs in and out through the same service, setting the cookie on
/// the server function's response.
pub struct DashboardAccounts {
    pub accounts: AccountService,
    pub db: sea_orm::DatabaseConnection,
}

/// Sets the session cookie on the current server function's response.
fn set_session_cookie(token: &str, request: &Parts) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(header::SET_COOKIE, session_cookie(token, &request.headers));
    }
}

#[async_trait::async_trait]
impl AccountsPort for DashboardAccounts {
    async fn current_user(&self, request: &Parts) -> Result<UserView, ApiError> {
        let token = session_token(&request.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(self.accounts.session_user(&token, &client_of(request)).await?)
    }

    async fn sign_in(&self, request: &Parts, email: String, password: String) -> Result<UserView, ApiError> {
        let client = client_of(request);
        let (user, token) = self.accounts.sign_in(&email, &password, &client).await?;
        set_session_cookie(&token, request);
        Ok(user)
    }

    async fn sign_out(&self, request: &Parts) -> Result<(), ApiError> {
        if let Some(token) = session_token(&request.headers) {
            self.accounts.sign_out(&token).await?;
        }
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.insert_header(header::SET_COOKIE, clear_cookie());
        }
        Ok(())
    }

    async fn demo_accounts(&self) -> Result<Vec<DemoAccount>, ApiError> {
        Ok(crate::demo::accounts(&self.db).await?)
    }

    async fn sign_in_options(&self) -> Result<SignInOptions, ApiError> {
        Ok(SignInOptions { google: self.accounts.google().is_some() })
    }

    async fn register(&self, request: &Parts, form: RegisterForm) -> Result<UserView, ApiError> {
        let RegisterForm { name, email, password, organization_name } = form;
        let registration =
            validate_registration(RegisterRequest { name, email, password, organization_name })?;
        let (user, token) = self.accounts.register_and_sign_in(registration, &client_of(request)).await?;
        set_session_cookie(&token, request);
        Ok(user)
    }

    async fn verify_email(&self, token: String) -> Result<UserView, ApiError> {
        Ok(self.accounts.verify_email(&token).await?)
    }

    async fn resend_verification(&self, request: &Parts) -> Result<(), ApiError> {
        let token = session_token(&request.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(self.accounts.resend_verification(&token, &client_of(request)).await?)
    }

    async fn forgot_password(&self, email: String) -> Result<(), ApiError> {
        let email = input::EmailAddress::try_from(email)?;
        Ok(self.accounts.forgot_password(email.as_str()).await?)
    }

    async fn reset_password(&self, token: String, password: String) -> Result<(), ApiError> {
        let password = input::NewPassword::try_from(password)?;
        Ok(self.accounts.reset_password(&token, password, &ClientInfo::default()).await?)
    }

    async fn team(
        &self,
        caller: &Caller,
        query: app::auth::TeamQuery,
    ) -> Result<app::auth::TeamListing, ApiError> {
        let viewer = caller.viewer;
        Ok(self.accounts.team(&viewer, query).await?)
    }

    async fn invite(
        &self,
        caller: &Caller,
        email: String,
        role: app::auth::Role,
    ) -> Result<app::auth::TeamMember, ApiError> {
        let viewer = caller.viewer;
        let email = input::EmailAddress::try_from(email)?;
        Ok(self.accounts.invite(&viewer, email, role, &super::client(caller)).await?)
    }

    async fn update_member(
        &self,
        caller: &Caller,
        member: uuid::Uuid,
        role: Option<app::auth::Role>,
        status: Option<String>,
    ) -> Result<app::auth::TeamMember, ApiError> {
        let viewer = caller.viewer;
        let patch = MemberPatch { role, status };
        Ok(self.accounts.update_member(&viewer, member, patch, &super::client(caller)).await?)
    }

    async fn remove_member(&self, caller: &Caller, member: uuid::Uuid) -> Result<(), ApiError> {
        let viewer = caller.viewer;
        Ok(self.accounts.remove_member(&viewer, member, &super::client(caller)).await?)
    }

    async fn sessions(&self, request: &Parts) -> Result<Vec<app::auth::SessionView>, ApiError> {
        let token = session_token(&request.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(self.accounts.sessions(&token, &client_of(request)).await?)
    }

    async fn sign_out_others(&self, request: &Parts) -> Result<u64, ApiError> {
        let token = session_token(&request.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(self.accounts.sign_out_others(&token, &client_of(request)).await?)
    }

    async fn audit_log(
        &self,
        caller: &Caller,
        action: Option<String>,
        before: Option<String>,
    ) -> Result<Vec<app::auth::AuditEntryView>, ApiError> {
        let viewer = caller.viewer;
        Ok(crate::audit::list(&self.db, &viewer, action.as_deref(), before.as_deref()).await?)
    }

    async fn accept_invitation(
        &self,
        request: &Parts,
        token: String,
        name: String,
        password: String,
    ) -> Result<UserView, ApiError> {
        let name = input::name("name", name, 100)?;
        let password = input::NewPassword::try_from(password)?;
        let member =
            self.accounts.accept_invitation(&token, name, password.clone(), &client_of(request)).await?;
        self.sign_in(request, member.email, password.as_str().to_owned()).await
    }
}
