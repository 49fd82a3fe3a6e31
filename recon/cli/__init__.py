"""The command line: argument parsing, progress, exit codes."""
