"""Builders of the inputs tests hand to recon, one module per artefact shape.

Each builds *inputs* (CSV, JSON, ZIP and PDF bytes, or model objects) small enough to
read in a test, so a test can plant exactly one thing and know where it is. Scenario weeks
(whole folders of artefacts with a known verdict) come from the fixture generators instead
(``fixture_scripts.load``), never from here.

- :mod:`builders.files`: the Guide's CSV layout, the run header, plain numbers, ZIPs.
- :mod:`builders.runs`: run headers (``RunHeader``) of a Trading Week.
- :mod:`builders.summary`: Settlement Statement Summary rows, CSV, JSON and statements.
- :mod:`builders.detail`: Settlement Statement Detail rows, CSV, JSON and statements.
- :mod:`builders.invoice`: Invoice JSON documents, PDFs, line items and invoices.
- :mod:`builders.own`: your own data (series, aligned frames) against a Detail.
- :mod:`builders.results`: check results (runs, coverage, findings) built by hand.
- :mod:`builders.strategies`: hypothesis strategies of values and line totals.

``tests/support`` is on pytest's ``pythonpath``, so tests import ``builders.<module>``.
"""
