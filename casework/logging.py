import logging
import re

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class ControlCharFilter(logging.Filter):
    """Replace line breaks and control characters in log messages, so that user-supplied text
    (a user agent, a username typed at login) cannot forge extra log lines."""

    def filter(self, record):
        message = record.getMessage()
        if _CONTROL.search(message):
            record.msg = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", message)
            record.args = ()
        return True
