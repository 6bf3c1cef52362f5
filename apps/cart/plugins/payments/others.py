"""Others (code 12): same rules as cashless (vouchers, gift cards...)."""

from .cashless import PaymentByCashless


class PaymentByOthers(PaymentByCashless):
    pass
