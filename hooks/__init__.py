"""Hooks and Jinja filters that cookiecutter runs while it generates a project."""
