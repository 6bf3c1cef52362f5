"""Tranlog rows carry their tranlog's scope keys, type and state (and discount rows their line's figures), each
child table with its own scope index: reports aggregate a child table without joining the header."""

from django.db import migrations, models

CHILD_TABLES = ("report_reporttranlogline", "report_reporttranlogdiscount", "report_reporttranlogpayment",
                "report_reporttranlogtax")
CHILD_MODELS = ("reporttranlogline", "reporttranlogdiscount", "reporttranlogpayment", "reporttranlogtax")
SCOPE_FIELDS = ["store_code", "business_date", "terminal_no", "open_counter"]
INDEX_NAMES = {
    "reporttranlogline": "report_line_scope",
    "reporttranlogdiscount": "report_discount_scope",
    "reporttranlogpayment": "report_payment_scope",
    "reporttranlogtax": "report_tax_scope",
}

BACKFILL = ["SET CONSTRAINTS ALL IMMEDIATE"] + [
    f"""UPDATE {table} AS child SET store_code = t.store_code, terminal_no = t.terminal_no,
        business_date = t.business_date, open_counter = t.open_counter, transaction_type = t.transaction_type,
        tranlog_cancelled = t.is_cancelled
        FROM report_reporttranlog AS t WHERE t.id = child.tranlog_id"""
    for table in CHILD_TABLES
] + [
    """UPDATE report_reporttranlogdiscount AS d SET line_amount = l.amount, line_quantity = l.quantity,
       line_cancelled = l.is_cancelled FROM report_reporttranlogline AS l WHERE l.id = d.line_id"""
]


def scope_fields(model_name):
    return [
        migrations.AddField(model_name, "store_code", models.CharField(default="", max_length=100),
                            preserve_default=False),
        migrations.AddField(model_name, "terminal_no", models.IntegerField(default=0), preserve_default=False),
        migrations.AddField(model_name, "business_date", models.CharField(default="", max_length=32),
                            preserve_default=False),
        migrations.AddField(model_name, "open_counter", models.IntegerField(null=True)),
        migrations.AddField(model_name, "transaction_type", models.IntegerField(default=0),
                            preserve_default=False),
        migrations.AddField(model_name, "tranlog_cancelled", models.BooleanField(default=False)),
    ]


class Migration(migrations.Migration):
    dependencies = [("report", "0001_report_log_copies")]

    operations = [
        *(operation for model_name in CHILD_MODELS for operation in scope_fields(model_name)),
        migrations.AddField("reporttranlogdiscount", "line_amount",
                            models.DecimalField(decimal_places=4, max_digits=18, null=True)),
        migrations.AddField("reporttranlogdiscount", "line_quantity", models.IntegerField(null=True)),
        migrations.AddField("reporttranlogdiscount", "line_cancelled", models.BooleanField(default=False)),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        *(
            migrations.AddIndex(model_name, models.Index(fields=SCOPE_FIELDS, name=INDEX_NAMES[model_name]))
            for model_name in CHILD_MODELS
        ),
    ]
