"""Test overrides on top of the one settings file."""

from servicedesk.settings import *  # noqa: F403

# Hashing with the production hasher would dominate the run time of tests that log in.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
