"""The PaSS client: its configuration, the throttled mTLS HTTPS client and the fetch workflow.

Network code only; it hands downloaded bytes to :mod:`recon.sources` readers and writes files
atomically. Imports wem, models, sources and :mod:`recon.atomic`.

- :mod:`~recon.pass_client.protocol`: the API as both sides see it (SPEC §7 paths, headers,
  the timeline entry, the JSON envelope); the emulator serves what the client calls.
- :mod:`~recon.pass_client.config`: where and who (options, environment, config file).
- :mod:`~recon.pass_client.client`: :class:`~recon.pass_client.client.PassClient` (mutual
  TLS, the one place requests are made, the checks that a 200 is the document asked for).
- :mod:`~recon.pass_client.throttle`, :mod:`~recon.pass_client.retry`: SPEC §7's rate
  limits; which failures are retried, and after how long.
- :mod:`~recon.pass_client.deadline`: the deadline per request on every socket read.
- :mod:`~recon.pass_client.api_errors`: :class:`~recon.pass_client.api_errors.PassApiError`,
  the one exception, and what turns an HTTP status, AEMO's error envelope or a TLS failure
  into it.
- :mod:`~recon.pass_client.fetch`: a Trading Week's artefacts fetched and saved atomically.
"""
