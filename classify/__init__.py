"""Classify stored items: sentiment toward the tracked topic and known false narratives.

Entry points: :func:`classify.base.load_classifier` (the shipped default model, or any model
directory) and the batch stage in :mod:`classify.stage`. Nothing heavy is imported here: the
CLIs import this package just to print ``--help``.
"""
