"""The agents take where Keyward is and their vault keys from the environment."""
import os


def required(name):
    value = os.environ.get(name, "")
    if not value.strip():
        raise SystemExit(f"set {name}")
    return value
