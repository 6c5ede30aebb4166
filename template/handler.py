"""Lambda entry point: greeting_core serves every API Gateway event."""

from greeting_core import lambda_handler

__all__ = ["lambda_handler"]
