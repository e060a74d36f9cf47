"""Assessor workspace (views, forms) on frozen submissions only (DESIGN.md §5)."""
