"""The structural checks every addon passes, applied to products."""

from core.testing import AddonContract


class TestProductsContract(AddonContract):
    addon = "products"
