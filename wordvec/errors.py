"""Errors wordvec raises for bad input; the CLI prints them as one line."""


class WordvecError(Exception):
    """Base class of the errors that describe a problem with the user's input."""


class DataError(WordvecError, ValueError):
    """A data file is missing, empty or malformed; the message names file and line."""


class CheckpointError(WordvecError):
    """No usable checkpoint: missing, corrupt, or written by different settings."""
