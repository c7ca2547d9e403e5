//! The list of behaviours, kept once, and the macro that turns it into tests.

/// Expands to one `#[tokio::test]` per behaviour of the contract suite, each
/// named after the behaviour and run against `$harness` (an expression whose
/// value implements [`Harness`](crate::Harness), evaluated in every test).
///
/// The crate that expands it needs `tokio` with the `macros` and `rt` features.
#[macro_export]
macro_rules! contract_suite {
    ($harness:expr $(,)?) => {
        $crate::__behaviours! { tests [$harness] }
    };
}

/// Calls back with the name of every behaviour: the one list of them.
#[doc(hidden)]
#[macro_export]
macro_rules! __behaviours {
    ($mode:ident $([$($arg:tt)*])?) => {
        $crate::__behaviours! { @$mode [$($($arg)*)?]
            // viewer
            viewer_is_the_holder_of_the_key,
            viewer_of_an_admin_is_marked_admin,
            viewer_with_an_unknown_key_is_unauthenticated,
            soft_deleted_user_cannot_authenticate,
            default_entity_is_the_users_entity,
            // search_users
            search_by_a_member_is_permission_denied,
            search_with_an_empty_query_lists_every_user,
            search_matches_a_username_prefix,
            search_matches_an_email_suffix,
            search_ignores_case,
            search_does_not_match_the_middle_of_a_name,
            search_shows_soft_deleted_users_with_deleted_at,
            search_results_carry_ids_keys_and_teams,
            // list_users, and the service's walk
            listing_by_a_member_is_permission_denied,
            listing_walks_every_user_once_in_search_order,
            listing_a_query_pages_its_matches,
            listing_resumes_after_a_page_s_end_cursor,
            listing_backward_pages_from_the_end,
            listing_after_a_foreign_cursor_is_cursor_rejected,
            listing_walk_can_stop_early,
            listing_from_a_server_ignoring_the_page_size_is_one_page,
            listing_with_a_repeating_cursor_is_protocol,
            // user_by_id
            user_by_id_is_the_user_as_listed,
            user_by_id_reads_a_lifecycle_change_back,
            user_by_id_of_an_unknown_id_is_not_found,
            user_by_id_by_a_member_is_permission_denied,
            // create_user
            create_by_a_member_is_permission_denied,
            create_with_a_taken_email_in_other_case_already_exists,
            create_returns_the_new_user,
            create_admin_makes_an_instance_admin,
            create_with_a_lost_answer_is_ambiguous,
            // generate_api_key
            generated_key_authenticates_as_the_caller,
            generated_key_is_listed_with_its_description,
            generated_secrets_are_distinct,
            generate_with_a_hidden_secret_is_protocol_and_leaves_no_key,
            generate_with_a_lost_answer_leaves_no_unheld_key,
            // delete_api_key
            a_member_may_delete_their_own_key,
            an_admin_may_delete_another_users_key,
            deleting_another_users_key_as_a_member_is_permission_denied,
            deleting_a_key_twice_is_not_found,
            deleting_an_unknown_key_id_is_not_found,
            a_revoked_key_stops_authenticating,
            revoking_the_key_in_use_unauthenticates_its_holder,
            delete_with_a_lost_answer_is_ambiguous,
            // act_as
            act_as_acts_as_the_holder_of_the_key,
            act_as_an_unknown_key_fails_every_call_unauthenticated,
            // the UserAdmin service over the port
            user_by_exact_username_wins_over_prefix_matches,
            user_by_email_ignores_case,
            user_matching_several_without_an_exact_match_is_multiple_matches,
            user_matching_nobody_is_not_found,
            user_with_a_single_partial_match_is_that_user,
            ensure_user_creates_then_finds_the_same_user,
            delete_api_key_by_name_deletes_that_key,
            delete_api_key_by_a_legacy_secret_name,
            delete_api_key_by_an_unknown_name_is_not_found,
            delete_api_key_by_a_shared_name_is_multiple_matches,
            rotate_api_key_replaces_the_key_and_keeps_its_description,
            rotating_the_key_in_use_hands_back_a_working_key,
            rotate_api_key_of_an_unknown_name_is_not_found_and_generates_nothing,
            // deactivate_user, reactivate_user, set_instance_admin
            deactivate_by_a_member_is_permission_denied,
            deactivate_of_an_unknown_user_is_not_found,
            deactivated_user_stays_listed_and_their_keys_stop_authenticating,
            reactivation_restores_a_deactivated_users_keys,
            deactivating_a_deactivated_user_succeeds,
            reactivate_by_a_member_is_permission_denied,
            reactivate_of_an_unknown_user_is_not_found,
            reactivating_an_active_user_succeeds,
            set_instance_admin_grants_and_takes_away_admin_rights,
            set_instance_admin_by_a_member_is_permission_denied,
            set_instance_admin_of_an_unknown_user_is_not_found,
            deactivate_with_a_lost_answer_is_ambiguous,
            reactivate_with_a_lost_answer_is_ambiguous,
            set_instance_admin_with_a_lost_answer_is_ambiguous,
            // team, create_team, User.teams
            team_lists_its_members_with_ids_roles_and_account_types,
            team_of_an_unknown_name_is_not_found,
            create_team_makes_the_caller_its_first_admin,
            create_team_with_a_named_admin_makes_them_its_admin,
            create_team_with_a_taken_team_name_already_exists,
            create_team_named_as_a_user_already_exists,
            create_team_with_an_unknown_admin_is_not_found,
            create_team_with_a_lost_answer_is_ambiguous,
            user_teams_follow_membership_in_team_creation_order,
            // add_member, remove_member
            add_member_by_username_lists_them_last_as_a_member,
            add_member_by_email_as_admin_makes_a_team_admin,
            add_member_to_an_unknown_team_is_not_found,
            add_member_of_an_unknown_user_is_not_found,
            add_member_who_is_a_member_already_exists,
            add_member_by_a_user_who_does_not_manage_the_team_is_permission_denied,
            a_team_admin_manages_their_own_team_only,
            add_member_with_a_lost_answer_is_ambiguous,
            remove_member_takes_them_out_of_the_team,
            remove_member_from_an_unknown_team_is_not_found,
            remove_member_who_is_not_a_member_is_not_found,
            remove_member_by_a_user_who_does_not_manage_the_team_is_permission_denied,
            remove_member_with_a_lost_answer_is_ambiguous,
            // set_member_role
            set_member_role_changes_the_listed_role,
            set_member_role_to_a_custom_role_the_server_knows,
            set_member_role_to_an_unknown_role_is_invalid_input,
            set_member_role_in_an_unknown_team_is_not_found,
            set_member_role_of_a_non_member_is_not_found,
            set_member_role_by_a_user_who_does_not_manage_the_team_is_permission_denied,
            set_member_role_with_a_lost_answer_is_ambiguous,
            // create_service_account, service_account_secret
            create_service_account_returns_the_account_listed_last,
            service_accounts_with_one_description_are_distinct,
            create_service_account_in_an_unknown_team_is_not_found,
            create_service_account_by_a_user_who_does_not_manage_the_team_is_permission_denied,
            create_service_account_with_a_lost_answer_is_ambiguous,
            a_service_accounts_key_authenticates_as_the_account,
            service_account_secret_is_none_or_the_accounts_own_key,
            service_account_secret_in_an_unknown_team_is_not_found,
            service_account_secret_of_a_non_member_is_not_found,
            // the service: the last active admin, the caller
            deactivating_the_last_active_admin_is_refused_and_changes_nothing,
            demoting_the_last_active_admin_is_refused_and_changes_nothing,
            demoting_one_of_two_admins_works,
            deactivating_or_demoting_the_caller_is_refused,
            offboarding_the_caller_or_the_last_active_admin_is_refused,
            deactivate_then_reactivate_reports_each_change_once,
            deactivate_after_a_lost_answer_is_settled_by_reading_back,
            // the service: offboarding
            offboarding_plans_every_key_every_team_then_deactivation,
            offboarding_leaves_nothing_working_and_a_second_plan_is_empty,
            offboarding_a_deactivated_user_takes_what_is_left,
            offboarding_rerun_after_a_failed_step_does_only_what_is_left,
            offboarding_settles_lost_answers_and_completes,
            // the service: teams
            service_add_member_with_a_viewer_role_leaves_them_a_viewer,
            service_add_member_after_a_lost_answer_finds_the_member,
            service_create_team_after_a_lost_answer_reads_it_back,
            service_create_service_account_after_a_lost_answer_finds_it,
            service_remove_member_by_username_takes_them_out,
            service_set_role_changes_a_members_role,
            teams_of_loads_each_team_of_the_user,
            service_account_key_is_made_as_the_account_or_unsupported,
            service_account_key_of_a_person_is_unsupported,
        }
    };
    (@tests [$harness:expr] $($name:ident,)*) => {
        $(
            #[::tokio::test]
            async fn $name() {
                $crate::behaviours::$name(&$harness).await;
            }
        )*
    };
    (@names [] $($name:ident,)*) => {
        &[$(::core::stringify!($name)),*]
    };
}
