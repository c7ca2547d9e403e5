"""Drive the wbusers emulator with the official W&B SDK and check every answer.

Run by `tests/it/sdk.rs` with the venv's Python. Reads the emulator's base URL
and keys from the environment (WBUSERS_BASE_URL, WBUSERS_ADMIN_KEY,
WBUSERS_BOB_KEY); bob is a seeded non-admin in teams "ml" and "research" whose
one key is labelled "ci". Prints one JSON object per check on stdout,
{"check": name, "ok": bool, "detail": text}, then {"done": true, "failed": n},
and exits 1 if any check failed. Never prints a key.
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
            emails("example.com") == ["ada@example.com", "bob@example.com", "grace@example.com"],
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
    return finish()


def finish() -> int:
    print(json.dumps({"done": True, "failed": FAILED}), flush=True)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
