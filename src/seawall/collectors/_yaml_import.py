"""Let PyYAML's import skip one slow regex compilation.

``yaml.reader`` compiles, when imported, a negated character class of the
printable characters whose ranges run up to U+10FFFF. Python's regex compiler
walks such ranges one code point at a time: about 9 ms, some 7% of the CPU a
``seawall scan`` of a small Kubernetes repository uses in all. The same set
written positively (the few non-printable ranges) compiles in under 1 ms.

``re.compile`` looks a pattern up in its cache by (type, source, flags) before
compiling it, so an entry under PyYAML's source makes ``yaml.reader`` receive
the positive form. With libyaml (``CSafeLoader``, what Seawall uses when it is
there) the pattern is never even used; without it, the two forms match the
same characters (tests/test_yaml_import.py checks every code point). The cache
is a CPython detail: where it is absent or shaped differently this does
nothing and the import is merely slower.
"""

from __future__ import annotations

import re

__all__ = ["NON_PRINTABLE_POSITIVE", "PYYAML_NON_PRINTABLE", "seed_pyyaml_regex"]

#: PyYAML's source, character for character (yaml/reader.py, Reader.NON_PRINTABLE).
PYYAML_NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
#: The complement written out: C0 controls but TAB/LF/CR, DEL to U+009F but NEL,
#: the surrogates, and U+FFFE/U+FFFF.
NON_PRINTABLE_POSITIVE = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"


def seed_pyyaml_regex() -> None:
    """Put the positive form in ``re``'s cache under PyYAML's source (before importing yaml)."""
    cache = getattr(re, "_cache", None)
    if isinstance(cache, dict):
        cache.setdefault((str, PYYAML_NON_PRINTABLE, 0), re.compile(NON_PRINTABLE_POSITIVE))
