"""Import of a team's answers from an LKE workbook (the portal's own Excel export, filled in).

``baca`` opens and checks the file and reads its rows; ``rencana`` compares them with the
team's worksheet (the preview) and applies them; ``views`` are the upload, preview and
confirmation pages. From code: ``rencana.impor_lke(path or stream, lembar=..., user=...,
timpa=...)``.
"""
