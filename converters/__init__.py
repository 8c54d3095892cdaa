"""Input adapters: registrar exports (CSV with mapping profiles) into transcripts.

    from converters import convert_export
    report = convert_export("examples/registrar", "out/")
    print(report.written, report.skipped)

See converters/README.md for the export format and the profiles.
"""

from .csvfile import CsvError
from .institution import Institution, InstitutionError, load_institution
from .profile import Profile, ProfileError, builtin_profiles, load_profile
from .run import (
    ConversionError,
    ConversionReport,
    StudentOutcome,
    convert_export,
    iter_transcripts,
)

__all__ = [
    "ConversionError",
    "ConversionReport",
    "CsvError",
    "Institution",
    "InstitutionError",
    "Profile",
    "ProfileError",
    "StudentOutcome",
    "builtin_profiles",
    "convert_export",
    "iter_transcripts",
    "load_institution",
    "load_profile",
]
