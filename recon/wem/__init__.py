"""The WEM's vocabulary: time, variable names, scopes and granularities. No I/O."""
