"""Tests of the SIEM export of the audit trail."""
