"""Sales: quotations and sales orders, their three status tracks, customer payments and
credit control, for the companies and products of the partners and products addons.

No stock here: with inventory installed, it reacts to sales' hooks (order confirmed,
cancelled) and reports deliveries back through :func:`addons.sales.services.record_delivery`.
"""
