"""WHEN / HOW GOOD: assessment stages, snapshots, scoring, dashboards and reminders.

Empty for now: stages (Tahapan), submissions (Pengajuan) and the pure scoring function
(``penilaian/scoring.py``) arrive with their issues. Dependencies point one way:
penilaian → eviden → pokja → zi_portal.
"""
