"""The official SDK's side of `cargo xtask bench`: one task per process, as a
script would run it. Prints a count so the harness can check both tools did
the same work. Configuration comes from the environment, never the command
line (the key must not show in `ps`)."""

import csv
import os
import sys

import wandb


def main() -> int:
    api = wandb.Api(
        api_key=os.environ["WBUSERS_API_KEY"],
        overrides={"base_url": os.environ["WBUSERS_BASE_URL"]},
    )
    task, argument = sys.argv[1], sys.argv[2]
    if task == "get":
        user = api.user(argument)
        print(len(user.api_keys))
    elif task == "search":
        print(len(api.users(argument)))
    elif task == "loop":
        # Calls a second, start-up left out: the SDK's own cost per call.
        import time
        api.users("ada")
        count = int(argument)
        started = time.perf_counter()
        for _ in range(count):
            api.users("ada")
        print(f"calls_per_second={count / (time.perf_counter() - started):.0f}")
    elif task == "provision":
        with open(argument, newline="") as rows:
            emails = [row["email"] for row in csv.DictReader(rows)]
        for email in emails:
            api.create_user(email)
        print(len(emails))
    else:
        print(f"unknown task {task!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
