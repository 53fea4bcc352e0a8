"""Test addon gamma: company-owned documents with lines, roles and record rules."""
