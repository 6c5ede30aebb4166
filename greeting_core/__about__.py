"""Package metadata read by setuptools without importing Flask."""

__version__ = "0.1.0"
