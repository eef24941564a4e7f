"""Errors a user can act on. The CLI prints them as one or two sentences, never a traceback."""


class UserError(Exception):
    """A problem the user can fix; `exit_code` is what the CLI returns (2 usage/config, 1 runtime)."""

    exit_code = 1


class ConfigError(UserError):
    exit_code = 2


class UsageError(UserError):
    exit_code = 2
