"""Readers: bytes in, models or Arrow/polars tables out. Imports only wem and models; no network."""
