"""Built-in platform plugins, installed as ``auditor.plugins``; one module per platform."""
