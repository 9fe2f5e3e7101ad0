"""Invoice totals: discounts, tax and rounding (the rules a billing bug hides in)."""

from decimal import ROUND_HALF_EVEN, Decimal


def line_amount(line):
    amount = Decimal(str(line.price)) * line.quantity
    if line.discount_percent:
        if not 0 <= line.discount_percent <= 100:
            raise ValueError(f"discount out of range: {line.discount_percent}")
        amount -= amount * Decimal(line.discount_percent) / 100
    return amount


def invoice_total(lines, tax_rate, *, exempt=False, minimum=None):
    subtotal = sum((line_amount(line) for line in lines), Decimal(0))
    if subtotal < 0:
        raise ValueError("an invoice cannot be negative")
    if minimum is not None and subtotal and subtotal < minimum:
        subtotal = Decimal(minimum)
    tax = Decimal(0) if exempt or tax_rate <= 0 else subtotal * Decimal(str(tax_rate))
    total = subtotal + tax
    # banker's rounding, as the ledger does: a half cent goes to the even side
    return float(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def split_payment(total, parts):
    if parts <= 0:
        raise ValueError("parts must be positive")
    cents = round(total * 100)
    share, rest = divmod(cents, parts)
    # the first `rest` parts carry one cent more, so the parts add up to the total
    return [(share + (1 if i < rest else 0)) / 100 for i in range(parts)]
