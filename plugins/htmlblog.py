"""placeholder"""
from auditor.hookspecs import hookimpl


@hookimpl
def auditor_register_platforms(registry):
    pass
