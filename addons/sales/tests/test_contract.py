"""The structural checks every addon passes, applied to sales."""

from core.testing import AddonContract


class TestSalesContract(AddonContract):
    addon = "sales"
