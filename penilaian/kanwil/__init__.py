"""Kanwil oversight: the satker below a Kanwil, assessor grants (issue 11)."""
