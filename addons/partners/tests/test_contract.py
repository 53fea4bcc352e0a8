"""The structural checks every addon passes, applied to partners."""

from core.testing import AddonContract


class TestPartnersContract(AddonContract):
    addon = "partners"
