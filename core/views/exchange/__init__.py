"""Import, export and print for every ModelView, built once in core.

``fields`` says what a view's fields hold, ``export`` writes CSV, JSON, XML and XLSX,
``importer`` reads CSV and XLSX and runs rows through the addon's services, ``uploads``
keeps an uploaded file between steps, ``pdf`` prints a record or a list, and ``routes``
serves them beside the generic list and form (imported by ``core.views.screens``).
"""
