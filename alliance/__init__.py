"""The therapeutic relationship: a collection of reflective lessons built from plain sources."""

__version__ = "0.1.0"

import sys

# jsonschema (used here and by nbformat) imports every optional format checker it can
# find. One of them, rfc3987-syntax, installed for JupyterLab, compiles a grammar for about
# 2 s on import: in every build and every lesson kernel. Nothing here validates string
# formats, so jsonschema is told the package is absent.
sys.modules.setdefault("rfc3987_syntax", None)
