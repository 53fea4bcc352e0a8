"""Addons bundled with Tessera; each folder is one installable addon."""
