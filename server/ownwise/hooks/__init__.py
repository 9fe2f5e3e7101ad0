"""Coding agents writing files on disk: their hooks, and the installer."""
