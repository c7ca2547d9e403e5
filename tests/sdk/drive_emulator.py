"""Drive the wbusers emulator with the official W&B SDK and check every answer.

Run by `tests/it/sdk.rs` with the venv's Python. Reads the emulator's base URL
and keys from the environment (WBUSERS_BASE_URL, WBUSERS_ADMIN_KEY,
WBUSERS_BOB_KEY, WBUSERS_DORA_KEY); bob is a seeded non-admin in teams "ml"
and "research" whose one key is labelled "ci"; dora is seeded deactivated,
holding one key; a service account "Nightly job" is seeded in "research". Prints one JSON object per check on stdout,
{"check": name, "ok": bool, "detail": text}, then {"done": true, "failed": n},
and exits 1 if any check failed. Never prints a key.

Users and keys go through the SDK's `Api` and `User`; teams through its `Team`
and `Member` (`wandb/apis/public/teams.py`), and the lifecycle mutations,
which no SDK method sends, as raw GraphQL through the SDK's own client
(`Api._service_api.execute_graphql`, the path every SDK call takes).
"""

from __future__ import annotations

import base64
import json
import os
import re
import sys
import traceback

FAILED = 0
KEY_SHAPE = re.compile(r"^([^-]+-)?[A-Za-z0-9_-]{40,}$")


def emit(check: str, ok: bool, detail: str = "") -> None:
    global FAILED
    if not ok:
        FAILED += 1
    print(json.dumps({"check": check, "ok": ok, "detail": detail}), flush=True)


def check(name: str, func) -> object:
    """Run one check; func returns (ok, detail[, value]). An exception fails it."""
    try:
        outcome = func()
    except Exception as error:  # noqa: BLE001 - any surprise is a failed check
        emit(name, False, f"raised {type(error).__name__}: {error}")
        traceback.print_exc(file=sys.stderr)
        return None
    ok, detail, *value = outcome
    emit(name, bool(ok), detail)
    return value[0] if value else None


def raises(func, kind, needle: str = ""):
    """(ok, detail) for a call that must raise `kind` with `needle` in its message."""
    try:
        result = func()
    except kind as error:
        return needle in str(error), f"{type(error).__name__}: {error}"
    return False, f"returned {result!r} instead of raising {kind.__name__}"


def decoded(gql_id: str) -> str:
    return base64.b64decode(gql_id).decode()


def main() -> int:
    base_url = os.environ["WBUSERS_BASE_URL"]
    admin_key = os.environ["WBUSERS_ADMIN_KEY"]
    bob_key = os.environ["WBUSERS_BOB_KEY"]

    import wandb
    from wandb.errors import AuthenticationError
    from wandb.sdk.lib.service.service_connection import WandbApiFailedError

    def connect(key: str):
        return wandb.Api(api_key=key, overrides={"base_url": base_url})

    check("sdk is 0.31.0", lambda: (wandb.__version__ == "0.31.0", wandb.__version__))

    api = check("Api() with the admin key", lambda: (True, "", connect(admin_key)))
    if api is None:
        return finish()

    def viewer():
        me = api.viewer
        ok = repr(me) == "<User admin@localhost>" and me.username == "admin" and me.admin is True
        return ok, f"{me!r} username={me.username} admin={me.admin}"

    check("viewer is the bootstrap admin", viewer)
    check("default_entity", lambda: (api.default_entity == "admin", str(api.default_entity)))

    def create(email: str, admin: bool, username: str):
        def run():
            user = api.create_user(email, admin=admin)
            ok = (
                user.email == email
                and user.username == username
                and user.admin is admin
                and decoded(user.id).startswith("User:")
            )
            return ok, f"{user!r} username={user.username} admin={user.admin} id={decoded(user.id)}"

        return run

    check("create_user", create("ada@example.com", False, "ada"))
    check("create_user admin=True", create("grace@example.com", True, "grace"))
    check(
        "create_user with a duplicate email raises",
        lambda: raises(lambda: api.create_user("ADA@example.com"), WandbApiFailedError, "already exists"),
    )

    def user_by(query: str):
        def run():
            user = api.user(query)
            return user is not None and user.email == "ada@example.com", repr(user)

        return run

    check("user by email", user_by("ada@example.com"))
    check("user by username", user_by("ada"))
    check("unknown user is None", lambda: (api.user("nobody-at-all") is None, "looked up nobody-at-all"))

    def emails(query: str):
        return sorted(user.email for user in api.users(query))

    check(
        "users by suffix",
        lambda: (
            emails("example.com")
            == ["ada@example.com", "bob@example.com", "dora@example.com", "grace@example.com"],
            str(emails("example.com")),
        ),
    )
    check("users by prefix", lambda: (emails("gra") == ["grace@example.com"], str(emails("gra"))))
    check("users with no match", lambda: (emails("zzz") == [], str(emails("zzz"))))

    def bob_seeded():
        bob = api.user("bob@example.com")
        ok = bob.teams == ["ml", "research"] and bob.api_keys == ["ci"]
        return ok, f"teams={bob.teams} api_keys={bob.api_keys}"

    check("User.teams and User.api_keys of a seeded user", bob_seeded)

    def ada_fresh():
        ada = api.user("ada")
        return ada.teams == [] and ada.api_keys == [], f"teams={ada.teams} api_keys={ada.api_keys}"

    check("a new user has no teams and no keys", ada_fresh)

    labels_before = list(api.viewer.api_keys)

    def generate():
        new_key = api.viewer.generate_api_key("sdk proof")
        ok = isinstance(new_key, str) and bool(KEY_SHAPE.match(new_key)) and new_key not in labels_before
        return ok, f"a {len(new_key or '')}-character key", new_key

    new_key = check("generate_api_key returns a usable secret", generate)
    if new_key is None:
        return finish()

    holder = check(
        "the generated key authenticates",
        lambda: (lambda other: (other.viewer.username == "admin", repr(other.viewer), other))(connect(new_key)),
    )

    def listing():
        names = connect(admin_key).viewer.api_keys
        ok = len(names) == len(labels_before) + 1 and new_key not in names and not any(
            KEY_SHAPE.match(name) for name in names
        )
        return ok, f"{len(names)} keys, labels only: {ok}"

    check("listings show labels, never the secret", listing)

    if holder is not None:
        # Through the admin's original key, which stays valid throughout.
        me = connect(admin_key).viewer
        label = next((name for name in me.api_keys if name not in labels_before), None)
        check("delete_api_key by label", lambda: (me.delete_api_key(label) is True, f"label {label}"))
        check(
            "a deleted key no longer authenticates",
            lambda: raises(lambda: connect(new_key), AuthenticationError, "not recognised"),
        )
        check(
            "deleting a key that is gone returns False",
            lambda: (me.delete_api_key(label) is False, "second delete of the same key"),
        )

    check(
        "an unknown key name raises ValueError",
        lambda: raises(lambda: api.viewer.delete_api_key("no-such-key"), ValueError),
    )
    check(
        "an unknown api key fails Api()",
        lambda: raises(lambda: connect("u" * 40), AuthenticationError, "not recognised"),
    )

    bob_api = check("Api() with a non-admin key", lambda: (True, "", connect(bob_key)))
    if bob_api is not None:
        check(
            "a non-admin viewer",
            lambda: (
                bob_api.viewer.username == "bob" and bob_api.viewer.admin is False,
                repr(bob_api.viewer),
            ),
        )
        check(
            "a non-admin cannot create users",
            lambda: raises(
                lambda: bob_api.create_user("eve@example.com"),
                WandbApiFailedError,
                "only admins can use createUser()",
            ),
        )
        check(
            "a non-admin cannot search users",
            lambda: raises(lambda: bob_api.users(""), WandbApiFailedError, "permission denied"),
        )

        def bob_generates():
            key = bob_api.viewer.generate_api_key()
            other = connect(key)
            return other.viewer.username == "bob", repr(other.viewer)

        check("a non-admin generates a key for themself", bob_generates)

    def from_environment():
        os.environ["WANDB_API_KEY"] = admin_key
        try:
            env_api = wandb.Api()
            return env_api.viewer.username == "admin", repr(env_api.viewer)
        finally:
            del os.environ["WANDB_API_KEY"]

    check("Api() from WANDB_BASE_URL and WANDB_API_KEY", from_environment)

    seeded_lifecycle(api, connect, os.environ["WBUSERS_DORA_KEY"])
    if bob_api is not None:
        teams(api, bob_api)
        lifecycle(api, bob_api, connect, bob_key)
    return finish()


def usernames(team) -> list:
    return [member.username for member in team.members]


def teams(api, bob_api) -> None:
    """The SDK's Team API: create, load, invite, service accounts, removal."""
    from wandb.apis.public.teams import Team

    def create():
        team = api.create_team("sdk-team")
        (admin,) = team.members
        ok = (
            team.name == "sdk-team"
            and team.is_team is True
            and bool(team.id)
            and admin.username == "admin"
            and admin.admin is True
            and admin.account_type == "USER"
            and admin.api_key is None
        )
        return ok, f"{team!r} members={usernames(team)} admin={admin.admin}", team

    team = check("create_team makes a team whose one member is its admin, the caller", create)
    if team is None:
        return

    def create_again():
        again = api.create_team("sdk-team")
        return usernames(again) == ["admin"], f"members={usernames(again)}"

    check("create_team of a taken name loads the team that has it", create_again)
    check(
        "create_team of a username makes no team (entity is null)",
        lambda: raises(lambda: api.create_team("bob"), KeyError, "members"),
    )
    check(
        "an unknown team is null, which the SDK's Team cannot load",
        lambda: raises(lambda: api.team("no-such-team"), KeyError, "members"),
    )

    def seeded():
        ml = api.team("ml")
        return "bob" in usernames(ml) and ml.is_team is True, f"ml members={usernames(ml)}"

    check("team(name).members of a seeded team", seeded)

    def seeded_service_account():
        research = api.team("research").members
        last = research[-1]
        ok = last.account_type == "SERVICE" and last.name == "Nightly job" and last.api_key is None
        return ok, f"research members={[repr(member) for member in research]}"

    check("a seeded service account is a member of its team", seeded_service_account)

    def invite(who: str, admin: bool, username: str):
        def run():
            ok = team.invite(who, admin=admin) is True
            members = {member.username: member for member in api.team("sdk-team").members}
            joined = members.get(username)
            ok = ok and joined is not None and joined.admin is admin and joined.pending is False
            return ok, f"members={sorted(members)} admin={getattr(joined, 'admin', None)}"

        return run

    check("Team.invite by username", invite("ada", False, "ada"))
    check("Team.invite by email, as a team admin", invite("grace@example.com", True, "grace"))
    check(
        "Team.invite of a member again returns False",
        lambda: (team.invite("ada") is False and team.invite("GRACE@example.com") is False, "ada, grace"),
    )
    check(
        "Team.invite of nobody returns False",
        lambda: (team.invite("nobody@example.com") is False and team.invite("nobody") is False, "nobody"),
    )

    def bob_invites():
        # Loaded by hand: whether bob may even see the team is the server's rule.
        as_bob = Team(bob_api._service_api, "sdk-team", attrs={"members": []})
        refused = as_bob.invite("bob") is False
        return refused and "bob" not in usernames(api.team("sdk-team")), f"refused={refused}"

    check("Team.invite by a non-member returns False and adds nobody", bob_invites)

    def service_account():
        account = team.create_service_account("CI bot")
        listed = api.team("sdk-team").members
        ok = (
            account is not None
            and account.account_type == "SERVICE"
            and account.name == "CI bot"
            and account.api_key is None
            and decoded(account.id).startswith("User:")
            and listed[-1].id == account.id
            and usernames(api.team("sdk-team"))[:3] == ["admin", "ada", "grace"]
        )
        return ok, f"{account!r} last={listed[-1]!r} of {len(listed)}", account

    account = check("Team.create_service_account returns the new account, listed last", service_account)

    def no_secrets():
        members = api.team("sdk-team").members
        return all(member.api_key is None for member in members), f"{len(members)} members"

    check("members never carry an api key", no_secrets)

    def user_teams():
        grace, ada = api.user("grace"), api.user("ada")
        ok = grace.teams == ["sdk-team"] and ada.teams == ["sdk-team"]
        detail = f"grace={grace.teams} ada={ada.teams}"
        if account is not None:
            bot = api.user(account.username)
            ok = ok and bot is not None and bot.teams == ["sdk-team"]
            detail += f" {account.username}={getattr(bot, 'teams', None)}"
        return ok, detail

    check("User.teams lists the teams a user joined", user_teams)

    def remove():
        ada = next(member for member in api.team("sdk-team").members if member.username == "ada")
        removed = ada.delete() is True
        left = usernames(api.team("sdk-team"))
        return removed and "ada" not in left, f"members={left}", ada

    ada = check("Member.delete removes the member", remove)
    if ada is not None:
        check("Member.delete of a member gone returns False", lambda: (ada.delete() is False, repr(ada)))
        check("User.teams after leaving", lambda: (api.user("ada").teams == [], str(api.user("ada").teams)))


def seeded_lifecycle(api, connect, dora_key: str) -> None:
    """A user seeded deactivated: listed, and locked out."""
    from wandb.errors import AuthenticationError

    def listed():
        dora = api.user("dora")
        return dora is not None and dora.deleted_at is not None, f"deletedAt={getattr(dora, 'deleted_at', None)}"

    check("a seeded deactivated user is listed with deletedAt", listed)
    check(
        "a seeded deactivated user's key does not authenticate",
        lambda: raises(lambda: connect(dora_key), AuthenticationError),
    )


DELETE_USER = "mutation DeleteUser($id: ID!) { deleteUser(input: {id: $id}) { user { id deletedAt } } }"
UNDELETE_USER = "mutation UndeleteUser($id: ID!) { undeleteUser(input: {id: $id}) { user { id deletedAt } } }"
UPDATE_USER = (
    "mutation UpdateUser($id: ID, $admin: Boolean) "
    "{ updateUser(input: {id: $id, admin: $admin}) { user { id admin } } }"
)


def lifecycle(api, bob_api, connect, bob_key: str) -> None:
    """deleteUser / undeleteUser / updateUser, as raw GraphQL through the SDK's client."""
    from datetime import datetime

    from wandb.errors import AuthenticationError
    from wandb.sdk.lib.service.service_connection import WandbApiFailedError

    def execute(on, document: str, **variables):
        return on._service_api.execute_graphql(document, variables)

    bob_id = api.user("bob").id

    def deactivate():
        user = execute(api, DELETE_USER, id=bob_id)["deleteUser"]["user"]
        listed = api.user("bob")
        deleted_at = datetime.fromisoformat(user["deletedAt"].replace("Z", "+00:00"))
        ok = user["id"] == bob_id and listed is not None and listed.deleted_at is not None
        return ok, f"deletedAt={deleted_at.isoformat()} listed={listed.deleted_at}"

    check("deleteUser deactivates a user, who stays listed", deactivate)
    check(
        "a deactivated user's key no longer authenticates",
        lambda: raises(lambda: connect(bob_key), AuthenticationError),
    )
    check(
        "deleteUser of a deactivated user succeeds",
        lambda: (execute(api, DELETE_USER, id=bob_id)["deleteUser"]["user"]["deletedAt"] is not None, ""),
    )

    def reactivate():
        user = execute(api, UNDELETE_USER, id=bob_id)["undeleteUser"]["user"]
        again = connect(bob_key)
        ok = user["deletedAt"] is None and again.viewer.username == "bob" and api.user("bob").deleted_at is None
        return ok, f"deletedAt={user['deletedAt']} viewer={again.viewer!r}"

    check("undeleteUser reactivates, and the key works again", reactivate)

    def promote(admin: bool):
        def run():
            user = execute(api, UPDATE_USER, id=bob_id, admin=admin)["updateUser"]["user"]
            listed = api.user("bob").admin
            return user["admin"] is admin and listed is admin, f"answered {user['admin']}, listed {listed}"

        return run

    check("updateUser admin=true makes an instance admin", promote(True))
    check("updateUser admin=false demotes", promote(False))

    def caller_by_default():
        user = execute(api, UPDATE_USER, id=None, admin=True)["updateUser"]["user"]
        return user["id"] == api.viewer.id and user["admin"] is True, f"{user['id']} admin={user['admin']}"

    check("updateUser without an id changes the caller", caller_by_default)
    check(
        "a non-admin cannot deactivate anyone",
        lambda: raises(
            lambda: execute(bob_api, DELETE_USER, id=api.user("grace").id), WandbApiFailedError, "permission denied"
        ),
    )
    check(
        "deleteUser of an unknown id is not found",
        lambda: raises(
            lambda: execute(api, DELETE_USER, id=base64.b64encode(b"User:999999").decode()),
            WandbApiFailedError,
            "not found",
        ),
    )


def finish() -> int:
    print(json.dumps({"done": True, "failed": FAILED}), flush=True)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
