"""Pure checks: models in, findings out (SPEC §4, §5). No I/O."""
