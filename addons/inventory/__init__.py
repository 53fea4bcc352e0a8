"""Inventory: warehouses and their locations, the stock ledger of moves, reservations, and
the receipts, deliveries and internal transfers that move stock.

Stock on hand is never typed in: it is the sum of done moves, kept in quants by posting
them. Linked to sales (and later purchase and production) only through hooks.
"""
