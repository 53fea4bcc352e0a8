"""Products: goods and services with codes, barcodes, categories, prices and units of measure.

Owns unit conversion for every other addon (through ``products_convert_quantity``); it
knows nothing of stock, orders or partners.
"""
