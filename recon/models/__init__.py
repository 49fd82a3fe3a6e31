"""Pydantic models of recon's data. No I/O."""
