"""Multi-tenancy: tenant names and statuses, multi-tenant classes and the bounded set of open tenant stores."""
