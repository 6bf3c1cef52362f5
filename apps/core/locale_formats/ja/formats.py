"""Japanese date and time formats of the back office (``FORMAT_MODULE_PATH``): ``2026/12/07 14:05``.
Only what the pages show; what forms read stays Django's (``%Y/%m/%d`` first, ``%Y-%m-%d`` too)."""

DATE_FORMAT = SHORT_DATE_FORMAT = "Y/m/d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y/m/d H:i"
