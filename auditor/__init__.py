"""presence-auditor: find a brand's abandoned online presence."""

__version__ = "0.1.0"
