"""asn1crypto: distinguished names compared without preparing the same strings again.

asn1crypto compares distinguished names (RFC 5280, 7.1) by preparing every attribute value
with RFC 4518 string preparation, afresh for every certificate object; a PDF check compares
the names of the same few certificates hundreds of times. Names whose encodings are
identical are equal without preparing them, others compare by keys remembered per encoding,
and prepared values are remembered by string. Certificate stores key names by their
prepared form (`Name.hashable`), also remembered per encoding.
"""

from __future__ import annotations

import functools

from asn1crypto import x509 as asn1_x509

_library_name_eq = asn1_x509.Name.__eq__
_library_string_prep = asn1_x509.NameTypeAndValue._ldap_string_prep


_KEYS_LIMIT = 1024
_comparison_keys: dict[bytes, tuple] = {}


def _comparison_key(name: asn1_x509.Name) -> tuple:
    """What asn1crypto compares, RDN by RDN: the number of values, and each type's prepared
    value (its `_get_values`); remembered by the name's encoding."""
    encoded = name.dump()
    key = _comparison_keys.get(encoded)
    if key is None:
        key = tuple((len(rdn), tuple(sorted(rdn._get_values(rdn).items()))) for rdn in name.chosen)
        if len(_comparison_keys) >= _KEYS_LIMIT:
            _comparison_keys.clear()  # certificates of one run are few; a flood just starts over
        _comparison_keys[encoded] = key
    return key


def name_eq(self: asn1_x509.Name, other: object) -> bool:
    """asn1crypto's `Name.__eq__`: identical encodings are equal without string preparation,
    and others compare by their remembered comparison keys."""
    if not isinstance(other, asn1_x509.Name) or self.name != "" or other.name != "":
        return _library_name_eq(self, other)
    if self.dump() == other.dump():
        return True
    try:
        return _comparison_key(self) == _comparison_key(other)
    except ValueError:  # a value that cannot be prepared: the library decides (and says why)
        return _library_name_eq(self, other)


_library_name_hashable = asn1_x509.Name.hashable.fget
_hashables: dict[bytes, str] = {}


def name_hashable(self: asn1_x509.Name) -> str:
    """asn1crypto's `Name.hashable` (the prepared name, a dictionary key for certificate
    stores), remembered by the name's encoding: path building asks for it again and again."""
    encoded = self.dump()
    found = _hashables.get(encoded)
    if found is None:
        found = _library_name_hashable(self)
        if len(_hashables) >= _KEYS_LIMIT:
            _hashables.clear()
        _hashables[encoded] = found
    return found


@functools.lru_cache(maxsize=4096)
def _prepared(string: str) -> str:
    return _library_string_prep(None, string)  # a pure function of the string; self is unused


def string_prep(self: asn1_x509.NameTypeAndValue, string: str) -> str:
    """asn1crypto's RFC 4518 preparation of an attribute value, remembered by value."""
    return _prepared(string)


_library_hashable_property = asn1_x509.Name.hashable


def enable() -> None:
    asn1_x509.Name.__eq__ = name_eq
    asn1_x509.Name.hashable = property(name_hashable)
    asn1_x509.NameTypeAndValue._ldap_string_prep = string_prep


def disable() -> None:
    asn1_x509.Name.__eq__ = _library_name_eq
    asn1_x509.Name.hashable = _library_hashable_property
    asn1_x509.NameTypeAndValue._ldap_string_prep = _library_string_prep
