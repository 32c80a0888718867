"""Spiders route requests only; see :mod:`crawlers.extract` for parsing."""
