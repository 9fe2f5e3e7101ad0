"""HTTP routes for invoices: the CRUD around the billing rules."""

from fastapi import APIRouter, HTTPException

from src.billing import invoice_total

router = APIRouter(prefix="/invoices")
INVOICES: dict[int, dict] = {}


@router.get("/")
def list_invoices():
    return list(INVOICES.values())


@router.get("/{invoice_id}")
def read_invoice(invoice_id: int):
    if invoice_id not in INVOICES:
        raise HTTPException(status_code=404)
    return INVOICES[invoice_id]


@router.post("/")
def create_invoice(invoice: dict):
    invoice["total"] = invoice_total(invoice.get("lines", []), invoice.get("tax_rate", 0))
    INVOICES[len(INVOICES) + 1] = invoice
    return invoice


@router.delete("/{invoice_id}")
def delete_invoice(invoice_id: int):
    INVOICES.pop(invoice_id, None)
