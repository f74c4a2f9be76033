"""Export profiles: what each survey platform adds around the answers.

A profile is chosen with ``read_survey(..., profile=NAME)``. It selects which entry of a
codebook variable's per-profile ``source`` (and ``format``) applies, and names the
platform's own metadata columns, which are listed in the import report instead of being
flagged as unknown. Qualtrics' extra header rows (question texts and ``{"ImportId": ...}``,
or the single question-text row of legacy exports) are recognised from the file itself,
with or without a profile.

========================  ==============================================================
profile                   metadata columns recognised
========================  ==============================================================
``qualtrics``             StartDate, EndDate, Status, IPAddress, Progress, Duration (in
                          seconds), Finished, RecordedDate, ResponseId, Recipient*,
                          ExternalReference, Location*, DistributionChannel, UserLanguage
                          (legacy: ResponseID, ResponseSet, Name, EmailAddress, ...)
``google_forms``          Timestamp, Email Address, Score
``limesurvey``            id, submitdate, lastpage, startlanguage, seed, startdate,
                          datestamp, ipaddr, refurl
``porsline``, ``spss``    none (every column is a question or a codebook variable)
========================  ==============================================================

Examples
--------
>>> from im_research.survey.profiles import get_profile
>>> "ResponseId" in get_profile("qualtrics").metadata
True
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import DataError

__all__ = ["Profile", "PROFILES", "get_profile"]


@dataclass(frozen=True)
class Profile:
    """One export profile: its ``name`` and the platform ``metadata`` column names."""

    name: str
    metadata: frozenset = frozenset()


PROFILES = {p.name: p for p in (
    Profile("qualtrics", frozenset({
        "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
        "Finished", "RecordedDate", "ResponseId", "ResponseID", "RecipientLastName",
        "RecipientFirstName", "RecipientEmail", "ExternalReference", "ExternalDataReference",
        "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
        # legacy (before 2017) exports
        "ResponseSet", "Name", "EmailAddress"})),
    Profile("google_forms", frozenset({"Timestamp", "Email Address", "Email address",
                                       "Score"})),
    Profile("limesurvey", frozenset({"id", "submitdate", "lastpage", "startlanguage", "seed",
                                     "startdate", "datestamp", "ipaddr", "refurl"})),
    Profile("porsline"),
    Profile("spss"),
)}


def get_profile(name: str | None) -> Profile | None:
    """The profile called ``name`` (None → None); an unknown name is a :class:`DataError`."""
    if name is None:
        return None
    if name not in PROFILES:
        raise DataError(f"profile={name!r} is unknown; use one of {sorted(PROFILES)} "
                        "(or None and give each codebook variable its 'source')")
    return PROFILES[name]
