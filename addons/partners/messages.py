"""Every text of the partners addon that a person reads, in the gettext domain "partners".

Constants are lazy: they are translated when shown, in the language of that moment
(``core.schemas.render`` fills their placeholders).
Labels of permissions and roles live in security.py, also through this domain.
"""

from __future__ import annotations

from core.i18n import catalogue_domain

domain = catalogue_domain(__file__, "partners")
_ = domain.gettext
_l = domain.lazy_gettext

# --------------------------------------------------------------------------- input
# Generic refusals (required, too long, not a number...) are core.schemas' messages.

INVALID_COUNTRY = _l("Enter a two-letter country code, such as CN.")
INVALID_ACCOUNT_NUMBER = _l("Use only letters, digits, spaces and hyphens.")
INVALID_COLOR = _l("Choose a colour number from 0 to %(max)d.")

# --------------------------------------------------------------------------- partners

CODE_TAKEN = _l("The code %(code)s is already used by another partner.")
UNKNOWN_PARTNER = _l("There is no partner with id %(id)s.")
UNKNOWN_USER = _l("There is no active user with id %(id)s.")
OTHER_COMPANY_USER = _l("This user does not work for the partner's company.")
PARENT_NOT_COMPANY = _l("A contact can only belong to a company.")
COMPANY_WITH_PARENT = _l("Only a person can be the contact of a company.")
PARENT_ARCHIVED = _l("The company %(name)s is archived.")
COMPANY_HAS_CONTACTS = _l("%(name)s has contacts, so it must stay a company.")
RESTORE_COMPANY_FIRST = _l("Restore the company %(name)s first.")
PARTNER_IN_USE = _l("%(name)s is still used by other records; archive it instead.")

# --------------------------------------------------------------------------- addresses

UNKNOWN_ADDRESS = _l("There is no address with id %(id)s.")
DEFAULT_ADDRESS_TWICE = _l("Only one address of each kind can be the default.")
UNKNOWN_BANK_ACCOUNT = _l("There is no bank account with id %(id)s.")

# --------------------------------------------------------------------------- groups, tags

UNKNOWN_GROUP = _l("There is no partner group with id %(id)s.")
GROUP_CYCLE = _l("A group cannot be placed under itself or one of its subgroups.")
GROUP_NAME_TAKEN = _l("A group named %(name)s already exists at this place.")
GROUP_PATH_TOO_LONG = _l("The full group path would be longer than %(max)d characters.")
GROUP_HAS_SUBGROUPS = _l("The group %(name)s has subgroups; move or delete them first.")
GROUP_HAS_PARTNERS = _l("The group %(name)s still has partners; move them first.")
UNKNOWN_TAG = _l("There is no tag with id %(id)s.")
TAG_NAME_TAKEN = _l("A tag named %(name)s already exists.")
