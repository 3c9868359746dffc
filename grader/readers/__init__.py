"""Readers of what students write: verdicts, chosen options."""
