"""The governance dashboard (`/governance`) and the monthly report.

Figures come from the audit index (`queries`), are drawn as inline SVG (`charts`), served behind
an OIDC sign-in with governance and auditor roles (`login`, `sessions`, `routes`, `pages`) and
written as HTML or CSV by `sovereign-router report` (`report`). This package imports nothing at
load time so that `router.settings` can import its settings model.
"""
