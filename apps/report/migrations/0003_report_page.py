from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("report", "0002_tranlog_rows_carry_scope")]

    operations = [
        migrations.RenameModel("SalesReportPage", "ReportPage"),
        migrations.AlterModelOptions("reportpage", {"verbose_name": "report", "verbose_name_plural": "reports"}),
    ]
