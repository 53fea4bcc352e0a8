"""Partners: the companies and people a business deals with (customers, suppliers, carriers).

Contact data, addresses, bank accounts, groups and tags. No orders or stock here: the
addons that need partners depend on this one and talk to it through its hooks.
"""
