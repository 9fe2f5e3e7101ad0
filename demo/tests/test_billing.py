from src.billing import invoice_total


def test_empty_invoice():
    assert invoice_total([], 0.2) == 0
