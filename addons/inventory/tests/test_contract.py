"""The structural checks every addon passes, applied to inventory."""

from core.testing import AddonContract


class TestInventoryContract(AddonContract):
    addon = "inventory"
