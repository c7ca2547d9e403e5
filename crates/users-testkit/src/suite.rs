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
