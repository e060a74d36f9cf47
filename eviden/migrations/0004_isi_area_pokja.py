"""Fill Soal.area_pokja for instruments loaded before the field existed (the loader skips
files whose content has not changed, so it would never fill them)."""

from django.db import migrations


def isi(apps, schema_editor):
    Node = apps.get_model("eviden", "Node")
    Soal = apps.get_model("eviden", "Soal")
    nodes = {n.pk: n for n in Node.objects.all()}
    for soal in Soal.objects.filter(area_pokja__isnull=True):
        node = nodes.get(soal.node_id)
        while node is not None and node.area_pokja is None:
            node = nodes.get(node.induk_id)
        if node is not None:
            soal.area_pokja = node.area_pokja
            soal.save(update_fields=["area_pokja"])


class Migration(migrations.Migration):
    dependencies = [("eviden", "0003_kerja")]
    operations = [migrations.RunPython(isi, migrations.RunPython.noop)]
