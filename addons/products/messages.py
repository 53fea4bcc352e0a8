"""Every text of the products addon a person reads, in the ``products`` catalogue.

Error texts are lazy constants with ``%(name)s`` placeholders, filled where they are raised
(``core.schemas.render``); generic input messages (required, too long, not a number...) are
core's, in core.schemas. Labels live here too, except the standard unit names, which sit
with their data in hooks.py.
"""

from __future__ import annotations

from core.i18n import catalogue_domain

domain = catalogue_domain(__file__, "products")
_ = domain.gettext
_l = domain.lazy_gettext


def stored_name(name: str) -> str:
    """A stored name in the reader's language when the catalogue knows it (default records).

    Names people typed are not in the catalogue and come back unchanged.
    """
    return domain.gettext(name) if name else name


# --------------------------------------------------------------------------- input checks

MSG_TAX_RATE_RANGE = _l("A tax rate is a fraction between 0 and 1: 0.13 means 13 per cent.")
MSG_BARCODE_SPACES = _l("A barcode cannot contain spaces or control characters.")
MSG_BARCODE_CHECK_DIGIT = _l(
    "Barcode %(barcode)s has a wrong check digit: %(expected)s was expected at the end."
)

# --------------------------------------------------------------------------- business rules

MSG_PRODUCT_NOT_FOUND = _l("Product %(id)s does not exist.")
MSG_CODE_TAKEN = _l("The code %(code)s is already used by product %(product)s.")
MSG_BARCODE_TAKEN = _l("The barcode %(barcode)s is already used by product %(product)s.")
MSG_NO_DEFAULT_UOM = _l("Choose a unit of measure: the default unit Units does not exist.")
MSG_PURCHASE_UOM_CATEGORY = _l(
    "The purchase unit %(purchase_uom)s must measure the same thing as the unit %(uom)s "
    "(%(category)s)."
)
MSG_ARCHIVE_BLOCKED = _l("The products cannot be archived: %(reasons)s")

MSG_CATEGORY_NOT_FOUND = _l("Product category %(id)s does not exist.")
MSG_CATEGORY_NAME_TAKEN = _l("A category named %(name)s already exists there.")
MSG_CATEGORY_CYCLE = _l(
    "Category %(category)s cannot be placed under %(parent)s: it would become its own parent."
)
MSG_CATEGORY_PATH_TOO_LONG = _l("The full name %(path)s is too long: use a shallower tree.")
MSG_CATEGORY_IN_USE = _l("Category %(category)s still has sub-categories or products.")

MSG_UOM_CATEGORY_NOT_FOUND = _l("Unit category %(id)s does not exist.")
MSG_UOM_CATEGORY_NAME_TAKEN = _l("A unit category named %(name)s already exists.")
MSG_UOM_NOT_FOUND = _l("Unit of measure %(id)s does not exist.")
MSG_UOM_ARCHIVED = _l("The unit of measure %(uom)s is archived.")
MSG_UOM_NAME_TAKEN = _l("The category %(category)s already has a unit named %(name)s.")
MSG_UOM_SECOND_REFERENCE = _l(
    "The category %(category)s already has a reference unit: %(uom)s. Add bigger or smaller "
    "units to it."
)
MSG_UOM_REFERENCE_FACTOR = _l("The reference unit has the factor 1.")
MSG_UOM_BIGGER_FACTOR = _l("A bigger unit has a factor greater than 1.")
MSG_UOM_SMALLER_FACTOR = _l("A smaller unit has a factor between 0 and 1.")
MSG_UOM_REFERENCE_ARCHIVE = _l("The reference unit %(uom)s cannot be archived.")
MSG_UOM_IN_USE = _l("The unit %(uom)s is used by active products, for example %(product)s.")
MSG_UOM_INCOMPATIBLE = _l(
    "%(from_uom)s cannot be converted to %(to_uom)s: they measure different things "
    "(%(from_category)s and %(to_category)s)."
)

# --------------------------------------------------------------------------- choices

TYPE_GOODS = _l("Goods")
TYPE_CONSUMABLE = _l("Consumable")
TYPE_SERVICE = _l("Service")

KIND_REFERENCE = _l("Reference unit of its category")
KIND_BIGGER = _l("Bigger than the reference unit")
KIND_SMALLER = _l("Smaller than the reference unit")

# --------------------------------------------------------------------------- security

PERM_PRODUCT_READ = _l("See products")
PERM_PRODUCT_CREATE = _l("Create products")
PERM_PRODUCT_WRITE = _l("Change products")
PERM_PRODUCT_ARCHIVE = _l("Archive and restore products")
PERM_PRODUCT_EXPORT = _l("Export and print product lists")
PERM_PRODUCT_READ_COST = _l("See product costs")
PERM_CATEGORY_READ = _l("See product categories")
PERM_CATEGORY_CREATE = _l("Create product categories")
PERM_CATEGORY_WRITE = _l("Change product categories")
PERM_CATEGORY_DELETE = _l("Delete product categories")
PERM_CATEGORY_EXPORT = _l("Export product categories")
PERM_UOM_READ = _l("See units of measure")
PERM_UOM_CREATE = _l("Create units of measure")
PERM_UOM_WRITE = _l("Change units of measure")
PERM_UOM_ARCHIVE = _l("Archive and restore units of measure")
PERM_UOM_EXPORT = _l("Export units of measure")

ROLE_USER = _l("Products / User")
ROLE_USER_DESCRIPTION = _l("Sees the catalogue and keeps products up to date; costs stay hidden.")
ROLE_MANAGER = _l("Products / Manager")
ROLE_MANAGER_DESCRIPTION = _l(
    "Everything a user does, plus costs, archiving, categories and units of measure."
)

SEQUENCE_PRODUCT = _l("Product codes")
