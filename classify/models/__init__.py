"""Classifier backends. Each reads a self-describing model directory (no pickle)."""
