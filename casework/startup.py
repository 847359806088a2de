"""Fail start-up with one line that names the offending environment variable."""

import sys


class ConfigurationError(Exception):
    def __init__(self, variable, reason):
        super().__init__(f"{variable}: {reason}")
        self.variable = variable
        self.reason = reason


def fail_startup(exc: ConfigurationError):
    # One line on stderr and a non-zero exit: no traceback that would bury the variable's name.
    sys.stderr.write(f"Configuration error: {exc.variable}: {exc.reason}\n")
    sys.stderr.flush()
    raise SystemExit(2)
