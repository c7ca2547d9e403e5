//! The one failure an in-memory world can stage: an answer lost on its way
//! back, after the server carried the mutation out.

use users_domain::Error;

/// A mutation of the ports, as a lost answer names it (see
/// [`InMemoryWorld::lose_next_answer`](crate::InMemoryWorld::lose_next_answer)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mutation {
    /// [`UserRepository::create_user`](users_domain::UserRepository::create_user) (`createUser` on the wire).
    CreateUser,
    /// [`KeyRepository::generate_api_key`](users_domain::KeyRepository::generate_api_key) (`generateApiKey`).
    GenerateApiKey,
    /// [`KeyRepository::delete_api_key`](users_domain::KeyRepository::delete_api_key) (`deleteApiKey`).
    DeleteApiKey,
    /// [`TeamRepository::create_team`](users_domain::TeamRepository::create_team) (`createTeam`).
    CreateTeam,
    /// [`TeamRepository::add_member`](users_domain::TeamRepository::add_member) (`createInvite`).
    AddMember,
    /// [`TeamRepository::remove_member`](users_domain::TeamRepository::remove_member) (`deleteInvite`).
    RemoveMember,
    /// [`TeamRepository::set_member_role`](users_domain::TeamRepository::set_member_role) (`updateMember`).
    SetMemberRole,
    /// [`TeamRepository::create_service_account`](users_domain::TeamRepository::create_service_account)
    /// (`createServiceAccount`).
    CreateServiceAccount,
    /// [`UserRepository::deactivate_user`](users_domain::UserRepository::deactivate_user) (`deleteUser`).
    DeactivateUser,
    /// [`UserRepository::reactivate_user`](users_domain::UserRepository::reactivate_user) (`undeleteUser`).
    ReactivateUser,
    /// [`UserRepository::set_instance_admin`](users_domain::UserRepository::set_instance_admin) (`updateUser`).
    SetInstanceAdmin,
}

impl Mutation {
    /// Every mutation, in the order declared.
    pub const ALL: [Self; 11] = [
        Self::CreateUser,
        Self::GenerateApiKey,
        Self::DeleteApiKey,
        Self::CreateTeam,
        Self::AddMember,
        Self::RemoveMember,
        Self::SetMemberRole,
        Self::CreateServiceAccount,
        Self::DeactivateUser,
        Self::ReactivateUser,
        Self::SetInstanceAdmin,
    ];

    /// The GraphQL field W&B serves this mutation as, which an `Ambiguous`
    /// error names.
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::CreateUser => "createUser",
            Self::GenerateApiKey => "generateApiKey",
            Self::DeleteApiKey => "deleteApiKey",
            Self::CreateTeam => "createTeam",
            Self::AddMember => "createInvite",
            Self::RemoveMember => "deleteInvite",
            Self::SetMemberRole => "updateMember",
            Self::CreateServiceAccount => "createServiceAccount",
            Self::DeactivateUser => "deleteUser",
            Self::ReactivateUser => "undeleteUser",
            Self::SetInstanceAdmin => "updateUser",
        }
    }

    fn bit(self) -> u16 {
        let place = Self::ALL
            .iter()
            .position(|&other| other == self)
            .unwrap_or_default();
        1 << place
    }
}

/// The mutations whose next answer is to be lost, one bit each.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct LostAnswers(u16);

impl LostAnswers {
    pub(crate) fn arm(&mut self, mutation: Mutation) {
        self.0 |= mutation.bit();
    }

    /// Whether the answer to this call of `mutation` is to be lost; disarms it.
    pub(crate) fn take(&mut self, mutation: Mutation) -> bool {
        let armed = self.0 & mutation.bit() != 0;
        self.0 &= !mutation.bit();
        armed
    }
}

/// What the caller gets instead of a lost answer.
pub(crate) fn lost(mutation: Mutation) -> Error {
    Error::Ambiguous {
        operation: mutation.wire_name().to_owned(),
        reason: "the answer was lost on its way back (a fault staged on the in-memory world)"
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mutation_is_armed_and_disarmed_alone() {
        let mut lost = LostAnswers::default();
        lost.arm(Mutation::AddMember);
        lost.arm(Mutation::SetInstanceAdmin);

        assert!(!lost.take(Mutation::CreateUser));
        assert!(lost.take(Mutation::AddMember));
        assert!(!lost.take(Mutation::AddMember));
        assert!(lost.take(Mutation::SetInstanceAdmin));
    }

    #[test]
    fn every_mutation_has_a_bit_of_its_own() {
        let bits: std::collections::HashSet<u16> = Mutation::ALL.iter().map(|m| m.bit()).collect();
        assert_eq!(bits.len(), Mutation::ALL.len());
    }
}
