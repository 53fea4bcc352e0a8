"""Security: users, passwords, roles, permissions, record rules, sessions, audit."""
