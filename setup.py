"""The one thing setup.cfg cannot say: the nesting guard's common case, compiled where a C compiler is.

Without one the build goes on (``optional``) and auditor.parse.htmldepth runs its Python model alone.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("auditor.parse._htmlscan", ["auditor/parse/_htmlscan.c"], optional=True)])
