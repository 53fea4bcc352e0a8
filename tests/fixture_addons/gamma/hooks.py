"""gamma's roles and rules: users see their own documents, managers all, nobody the
confidential ones unless they hold the auditor role."""

from core.hookspecs import Permission, RecordRule, Role
from core.plugins import hookimpl
from gamma.models import GammaDoc


@hookimpl
def core_register_permissions():
    return [
        Permission("gamma.doc", action, action)
        for action in ("read", "create", "write", "delete", "export", "read_cost")
    ]


@hookimpl
def core_register_roles():
    return [
        Role(
            "gamma.user",
            "Gamma / User",
            permissions=("gamma.doc.read", "gamma.doc.create", "gamma.doc.write"),
        ),
        Role(
            "gamma.manager",
            "Gamma / Manager",
            implies=("gamma.user",),
            permissions=("gamma.doc.delete", "gamma.doc.export", "gamma.doc.read_cost"),
        ),
        Role("gamma.auditor", "Gamma / Auditor", permissions=("gamma.doc.read",)),
    ]


@hookimpl
def core_register_record_rules():
    return [
        RecordRule(
            "gamma.doc",
            "own documents",
            lambda p: GammaDoc.owner_id == p.user_id,
            roles=("gamma.user",),
        ),
        RecordRule(
            "gamma.doc",
            "every document",
            lambda p: GammaDoc.id.isnot(None),
            roles=("gamma.manager", "gamma.auditor"),
        ),
        RecordRule(
            "gamma.doc",
            "confidential only for auditors",
            lambda p: (
                GammaDoc.confidential.is_(False)
                if "gamma.auditor" not in p.roles
                else GammaDoc.id.isnot(None)
            ),
        ),
    ]
