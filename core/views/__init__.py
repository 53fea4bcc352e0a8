"""Generic screens built from addons' ModelView declarations: lists and forms.

An addon declares what to show (``core_register_views``); core builds the query through
the access layer, renders it, and sends edits to the addon's own service functions.
"""
