"""The registrar's run, on top of the library and the converters: every student of an export
to a signed XML and signed PDF/A-3 editions (`issue_export`; the run itself is in `run`)."""

from transcript.issuing.run import IssueError, IssueReport, IssueSettings, StudentRecord, issue_export

__all__ = ["IssueError", "IssueReport", "IssueSettings", "StudentRecord", "issue_export"]
