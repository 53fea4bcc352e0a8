"""Tessera core: the framework every addon builds on.

It knows nothing about sales or stock; it gives addons an ORM base, a lifecycle
(install / upgrade / uninstall), hooks, settings, translations, jobs and the CLI.
"""

__version__ = "0.1.0"
