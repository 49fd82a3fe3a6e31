"""The PaSS client: its configuration, the throttled mTLS HTTPS client and the fetch workflow.

Network code only; it hands downloaded bytes to :mod:`recon.sources` readers and writes files
atomically. Imports wem, models, sources and :mod:`recon.atomic`.
"""
