"""Core code: own the thinking here."""


def invoice_total(lines, tax_rate):
    subtotal = sum(line.price * line.quantity for line in lines)
    return round(subtotal * (1 + tax_rate), 2)
