"""WHEN / HOW GOOD: the score over time (stages, snapshots and reminders arrive with their
issues). Dependencies point one way: penilaian → eviden → pokja → zi_portal."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pokja.models import TimZI


class SkorHarian(models.Model):
    """A team's score on one day (Asia/Jakarta): written by the daily Celery beat task and on
    demand from the dashboard (the same day's row is replaced), for the "score over time"
    chart. Values are points; ``area`` maps Pokja area "1".."6" to points."""

    tim = models.ForeignKey(
        TimZI, verbose_name=_("Tim ZI"), on_delete=models.CASCADE, related_name="skor_harian"
    )
    tanggal = models.DateField(_("tanggal"))
    total = models.DecimalField(_("nilai total"), max_digits=9, decimal_places=4)
    pengungkit = models.DecimalField(_("pengungkit"), max_digits=9, decimal_places=4)
    hasil = models.DecimalField(_("hasil"), max_digits=9, decimal_places=4)
    area = models.JSONField(_("nilai per area"), default=dict)
    memenuhi_wbk = models.BooleanField(_("memenuhi WBK"), default=False)
    memenuhi_wbbm = models.BooleanField(_("memenuhi WBBM"), default=False)
    dicatat_pada = models.DateTimeField(_("dicatat pada"), auto_now=True)

    class Meta:
        verbose_name = _("nilai harian")
        verbose_name_plural = _("nilai harian")
        ordering = ["tim", "tanggal"]
        constraints = [
            models.UniqueConstraint(
                fields=["tim", "tanggal"], name="penilaian_skor_harian_satu_per_hari"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0, total__lte=100),
                name="penilaian_skor_harian_total_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.tim} {self.tanggal}: {self.total}"
